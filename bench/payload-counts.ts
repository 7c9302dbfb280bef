import type { ApplicationPayload, OaaResource } from '@accessgraph/contract';

/** What a generated payload holds, for the benchmark's report. */
export interface PayloadCounts {
  users: number;
  groups: number;
  roles: number;
  permissions: number;
  /** Resources at every depth. */
  resources: number;
  /** Entries of role_assignments and application_permissions. */
  bindingEntries: number;
  /** Role and permission assignments: one per resource an entry lists, or one for the whole application. */
  assignments: number;
}

export function countPayload(payload: ApplicationPayload): PayloadCounts {
  const counts: PayloadCounts = { users: 0, groups: 0, roles: 0, permissions: payload.permissions?.length ?? 0, resources: 0, bindingEntries: 0, assignments: 0 };
  const countResources = (resources: readonly OaaResource[] | null | undefined): number =>
    (resources ?? []).reduce((n, r) => n + 1 + countResources(r.sub_resources), 0);
  for (const app of payload.applications ?? []) {
    counts.users += app.local_users?.length ?? 0;
    counts.groups += app.local_groups?.length ?? 0;
    counts.roles += app.local_roles?.length ?? 0;
    counts.resources += countResources(app.resources);
  }
  for (const binding of payload.identity_to_permissions ?? []) {
    for (const entry of [...(binding.role_assignments ?? []), ...(binding.application_permissions ?? [])]) {
      counts.bindingEntries += 1;
      counts.assignments += (entry.resources?.length ?? 0) + (entry.apply_to_application ? 1 : 0);
    }
  }
  return counts;
}

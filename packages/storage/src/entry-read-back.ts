import { CUSTOM, type SliceUser } from '@accessgraph/core';
import type { StoredNode } from './node-reader.js';

/**
 * Entries read back from the graph for a change made by difference (`leaf-slice.ts`): an entry is
 * a holder's bindings in one application; the graph keeps each as a `has_role` or
 * `has_permission` edge, its scopes in its grants or, where they cannot tell them, on the edge.
 */


/**
 * Why an entry cannot be read back from these bindings, if it cannot. Two bindings of one role or
 * permission keep their scopes on their edges and are read back, unless the change `edited` the
 * entry itself (see below). (An entry without bindings is none, or one the basis knows to be empty:
 * see `readApp`.)
 */
export function entryProblem(bindings: ReadonlyArray<{ to: number; properties: Record<string, unknown> | null }>, edited: boolean): string | undefined {
  const seen = new Set<number>();
  const repeated = new Set(bindings.filter((b) => seen.has(b.to) || !seen.add(b.to)).map((b) => b.to));
  if (repeated.size === 0) return undefined;
  // A change that edits one of two bindings of a role names it by the role, and which one it edits
  // follows their order in the payload, which the graph does not keep.
  if (edited) return 'an entry the change edits holds one role or permission twice';
  if (bindings.some((b) => repeated.has(b.to) && keptScopes(b.properties) === undefined)) return 'an entry the change changes holds one role or permission twice, without their scopes';
  return undefined;
}

/**
 * A user's, group's or credential's entry in an application, read back: one role assignment per has_role edge, one
 * application permission per has_permission edge, each with the scopes its edge keeps, or else
 * those of its grants (the application's node as `apply_to_application`), and a role assignment
 * with the custom properties its edge keeps. Exact: a binding keeps its scopes on its edge where
 * its grants cannot tell them (`addBinding` in core's derivation: its holder repeats it, or it is a
 * role assignment that grants nothing on some scope); otherwise it is its holder's one binding of
 * that role or permission, so a grant with a role is that role's assignment's, one without, its
 * permission's, and it grants something on every scope it names.
 */
export function readBackEntry(
  app: StoredNode,
  bindings: ReadonlyArray<{ kind: string; to: number; properties: Record<string, unknown> | null }>,
  grants: ReadonlyArray<{ permission: number; scope: number; role: number | null }>,
  targets: ReadonlyMap<number, StoredNode>,
  scopes: ReadonlyMap<number, StoredNode>,
): NonNullable<SliceUser['entry']> {
  const scoped = (mine: ReadonlyArray<{ scope: number }>) => {
    const ids = [...new Set(mine.map((g) => g.scope))];
    return { apply_to_application: ids.includes(app.id), resources: ids.filter((id) => id !== app.id).map((id) => scopes.get(id)!.localKey) };
  };
  const entry: NonNullable<SliceUser['entry']> = { role_assignments: [], application_permissions: [] };
  for (const binding of bindings) {
    const target = targets.get(binding.to)!;
    const properties = binding.properties ?? {};
    const kept = keptScopes(properties);
    if (binding.kind === 'has_role') {
      const custom = Object.fromEntries(Object.entries(properties).flatMap(([name, value]) => (name.startsWith(CUSTOM) ? [[name.slice(CUSTOM.length), value]] : [])));
      entry.role_assignments.push({
        application: app.localKey,
        role: target.localKey,
        ...(kept ?? scoped(grants.filter((g) => g.role === binding.to))),
        ...(Object.keys(custom).length > 0 ? { custom_properties: custom } : {}),
      });
    } else {
      entry.application_permissions.push({ application: app.localKey, permission: target.localKey, ...(kept ?? scoped(grants.filter((g) => g.role === null && g.permission === binding.to))) });
    }
  }
  return entry;
}

/** An entry's bindings bare (`AdditiveEntry`): each role and permission it binds, without scopes. */
export function bareEntry(app: StoredNode, bindings: ReadonlyArray<{ kind: string; to: number }>, targets: ReadonlyMap<number, StoredNode>): NonNullable<SliceUser['entry']> {
  const bound = (kind: string) => bindings.filter((b) => b.kind === kind).map((b) => targets.get(b.to)!.localKey);
  return {
    role_assignments: bound('has_role').map((role) => ({ application: app.localKey, role })),
    application_permissions: bound('has_permission').map((permission) => ({ application: app.localKey, permission })),
  };
}

/** The scopes a binding's edge keeps (resources by their lower-cased dotted keys, which a payload's bindings may name them by), if it keeps them. */
export function keptScopes(properties: Record<string, unknown> | null): { apply_to_application: boolean; resources: string[] } | undefined {
  return Array.isArray(properties?.resources) ? { apply_to_application: properties.apply_to_application === true, resources: properties.resources as string[] } : undefined;
}


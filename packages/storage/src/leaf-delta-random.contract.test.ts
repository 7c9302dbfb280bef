import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { IssueCollector, PAYLOAD_TEMPLATES, applyIncremental } from '@accessgraph/core';
import { random } from '../../../bench/generate-app-payload.js';
import { validIdpPayload } from '../../core/src/idp/test-support/idp-payloads.js';
import type { KyselyStore } from './kysely-store.js';
import { accessLines, commitByDifference, graphDump } from './test-support/leaf-delta-oracle.js';
import { pushPayload, pushPayloadCommitted } from './test-support/push-payload.js';
import { testBackends, type TestDatabase } from './test-support/test-backends.js';

type Json = Record<string, unknown>;

/** Changes applied one after another to one data source; each seed is one sequence. */
const SEEDS = [1, 2, 3, 4, 5, 6, 7, 8];
const CHANGES_PER_SEED = 8;

/**
 * The random applications: as generated, and with roles that hold grants of their own (then the
 * roles a principal holds, and those they include, are part of its reach, which a change by
 * difference must work out anew for every principal whose roles or groups it changes).
 */
const VARIANTS = [
  { title: '', rolesHoldGrants: false, seeds: SEEDS, madeShare: 3 / 8, kinds: ['group moved', 'group deleted', 'credential deleted', 'entry of a group or credential', 'role redefined', 'role deleted', 'application itself', 'permission changed', 'first entry', 'IdP entry', 'resource deleted with bindings'] },
  { title: ' where roles hold grants', rolesHoldGrants: true, seeds: SEEDS, madeShare: 1 / 4, kinds: ['role redefined', 'role deleted', 'permission changed', 'user added', 'user modified', 'user deleted', "user's entry changed", 'first entry', 'resource changed', 'application itself', 'group moved', 'group deleted', 'credential deleted', 'entry of a group or credential', 'IdP entry'] },
] as const;

/**
 * Random changes of leaves, against the oracle (`leaf-delta.contract.test.ts` checks one sequence
 * by hand): a small application with nested groups and roles, typed permissions, resources three
 * levels deep and random bindings, then random mixes of every leaf operation, of groups moved and
 * deleted and of credentials deleted (the principals below them reached anew), of entries of groups
 * and credentials, of roles added, redefined and deleted (their holders' entries derived anew), and
 * of the application itself modified or re-tagged, of top-level permissions changed or added, of
 * first entries and of IdP identities' entries, each applied by difference to one data source and, with all before it, to the whole payload pushed whole into
 * another. After each, every graph table and the access must be the same. A change the whole
 * state refuses, or that goes the whole-state way, is skipped (counted: most must be made). The
 * same again on applications whose roles hold grants of their own (`VARIANTS`).
 */
for (const backend of testBackends()) {
  for (const variant of VARIANTS) {
    const title = `Random changes of leaves${variant.title} on ${backend.name}`;
    describe.skipIf(backend.skipReason !== undefined)(backend.skipReason ? `${title} (skipped: ${backend.skipReason})` : title, () => {
      let db: TestDatabase;
      let store: KyselyStore;

      beforeEach(async () => {
        db = await backend.create();
        store = db.store;
        await pushPayload(store, 'identity_provider', validIdpPayload());
      });
      afterEach(async () => {
        await db.dispose();
      });

      /** The kinds of change made by difference, over every seed run. */
      const made = new Map<string, number>();
      let seedsRun = 0;
      afterAll(() => {
        // Every kind must have been made by difference somewhere, not only left to the whole-state way (when the whole list ran).
        if (seedsRun === variant.seeds.length) for (const kind of variant.kinds) expect(made.get(kind) ?? 0, kind).toBeGreaterThan(0);
      });

      it.each(variant.seeds)('seed %i: the graph by difference is the graph pushed whole', async (seed) => {
        const rnd = random(seed);
        let state = randomApplication(rnd, variant.rolesHoldGrants);
        const target = await pushPayloadCommitted(store, 'application', structuredClone(state));
        let changed = 0;
        for (let n = 0; n < CHANGES_PER_SEED; n++) {
          const change = randomChange(rnd, state, `${seed}_${n}`);
          const next = structuredClone(state);
          const issues = new IssueCollector();
          applyIncremental('application', next, structuredClone(change), issues);
          if (!issues.hasErrors) PAYLOAD_TEMPLATES.application.read(next, issues);
          if (issues.hasErrors) continue;
          const outcome = await commitByDifference(store, target, change);
          // One the stored state cannot take by difference is left out on both sides.
          if ('whole' in outcome) continue;
          state = next;
          changed++;
          for (const kind of changeKinds(change)) made.set(kind, (made.get(kind) ?? 0) + 1);
          const oracle = (await pushPayloadCommitted(store, 'application', structuredClone(state))).dataSourceId;
          expect(await graphDump(db, backend.name, target.dataSourceId), `seed ${seed}, change ${n}: ${JSON.stringify(change)}`).toEqual(await graphDump(db, backend.name, oracle));
          expect(await accessLines(store, target.dataSourceId)).toEqual(await accessLines(store, oracle));
        }
        expect(changed).toBeGreaterThanOrEqual(CHANGES_PER_SEED * variant.madeShare);
        seedsRun++;
      });
    });
  }
}

/** The kinds of change a random change makes (`VARIANTS[].kinds`). */
function changeKinds(change: Json): string[] {
  const app = (change.applications as Json[])[0]!;
  const items = (field: string) => (app[field] as Json[] | undefined) ?? [];
  const kinds = new Set<string>();
  if (app.operation !== undefined) kinds.add('application itself');
  for (const user of items('local_users')) kinds.add(USER_KINDS[user.operation as string] ?? 'user re-tagged');
  if (items('resources').length > 0) kinds.add('resource changed');
  if (items('resources').some((r) => JSON.stringify(r).includes('"operation":"delete"')) && change.identity_to_permissions !== undefined) kinds.add('resource deleted with bindings');
  if (change.permissions !== undefined) kinds.add('permission changed');
  const entries = (change.identity_to_permissions as Json[] | undefined) ?? [];
  if (entries.some((e) => e.operation === 'add' && typeof e.identity === 'string' && !e.identity.startsWith('n') && !e.identity.includes('@'))) kinds.add('first entry');
  if (entries.some((e) => typeof e.identity === 'string' && e.identity.includes('@'))) kinds.add('IdP entry');
  if (entries.some((e) => e.operation === undefined && typeof e.identity === 'string' && e.identity.startsWith('u'))) kinds.add("user's entry changed");
  for (const group of items('local_groups')) {
    if (group.operation === 'delete') kinds.add('group deleted');
    if (group.operation === 'modify' && group.groups !== undefined) kinds.add('group moved');
  }
  for (const cred of items('local_access_creds')) if (cred.operation === 'delete') kinds.add('credential deleted');
  for (const role of items('local_roles')) {
    if (role.operation === 'delete') kinds.add('role deleted');
    if (role.operation === 'modify') kinds.add('role redefined');
  }
  for (const entry of (change.identity_to_permissions as Json[] | undefined) ?? []) if (entry.identity_type === 'local_group' || entry.identity_type === 'local_access_creds') kinds.add('entry of a group or credential');
  return [...kinds];
}

const USER_KINDS: Record<string, string> = { add: 'user added', modify: 'user modified', delete: 'user deleted' };

const pick = <T>(rnd: () => number, items: readonly T[]): T => items[Math.floor(rnd() * items.length)]!;
const some = <T>(rnd: () => number, items: readonly T[], most: number): T[] => [...new Set(Array.from({ length: Math.floor(rnd() * (most + 1)) }, () => pick(rnd, items)))];

/**
 * An application of type shop: users u0..u11 keyed by id, in groups g0..g4 (each in an earlier one
 * or none) and holding credentials c0, c1; roles r0..r4 (r3 includes r0; r4 grants nothing off
 * boxes, so its assignments elsewhere keep their scopes on their edges) over permissions of which
 * `peek` applies to boxes only and inherits, `count` to boxes only without inheriting; shelves s0..s2
 * with boxes and lids; bindings of users, groups g0 and g2 and credential c1 on the application and on resources.
 */
function randomApplication(rnd: () => number, rolesHoldGrants: boolean): Json {
  const groups = Array.from({ length: 5 }, (_, i) => ({ id: `g${i}`, name: `group ${i}`, ...(i > 0 && rnd() < 0.7 ? { groups: [`g${Math.floor(rnd() * i)}`] } : {}) }));
  const users = Array.from({ length: 12 }, (_, i) => ({
    id: `u${i}`,
    name: `user ${i}`,
    email: `user${i}@corp.example`,
    ...(rnd() < 0.4 ? { identities: [pick(rnd, ['ann@corp.example', 'bob@corp.example', `u${i}@nowhere.example`])] } : {}),
    groups: some(rnd, groups.map((g) => g.id), 2),
    access_creds: some(rnd, ['c0', 'c1'], 1),
  }));
  const resources = Array.from({ length: 3 }, (_, i) => ({
    id: `s${i}`,
    name: `shelf ${i}`,
    resource_type: 'shelf',
    sub_resources: [{ name: 'box', resource_type: 'box', sub_resources: [{ name: 'lid', resource_type: 'lid' }] }],
  }));
  const paths = ['s0', 's1', 's2', 's0.box', 's1.box', 's2.box', 's0.box.lid'];
  const entries = users
    .filter(() => rnd() < 0.8)
    .map((u) => ({
      identity: u.id,
      identity_type: 'local_user',
      role_assignments: some(rnd, ['r0', 'r1', 'r2', 'r3', 'r4'], 2).map((role) => binding(rnd, 'role', role, paths)),
      application_permissions: some(rnd, ['view', 'edit', 'peek'], 1).map((permission) => binding(rnd, 'permission', permission, paths)),
    }))
    .filter((e) => e.role_assignments.length + e.application_permissions.length > 0);
  // Some entries hold one role twice, on other resources: such bindings keep their scopes on their edges.
  for (const entry of entries) if (entry.role_assignments.length > 0 && rnd() < 0.25) entry.role_assignments.push(binding(rnd, 'role', entry.role_assignments[0]!.role as string, paths));
  for (const group of ['g0', 'g2']) entries.push({ identity: group, identity_type: 'local_group', role_assignments: [binding(rnd, 'role', pick(rnd, ['r0', 'r1']), paths)], application_permissions: [] });
  entries.push({ identity: 'c1', identity_type: 'local_access_creds', role_assignments: [], application_permissions: [binding(rnd, 'permission', pick(rnd, ['view', 'edit']), paths)] });
  // IdP identities: one without identity_type (its default), one with it.
  entries.push({ identity: 'ann@corp.example', role_assignments: [binding(rnd, 'role', pick(rnd, ['r0', 'r1', 'r3']), paths)], application_permissions: [] } as unknown as (typeof entries)[number]);
  entries.push({ identity: 'bob@corp.example', identity_type: 'idp', role_assignments: [], application_permissions: [binding(rnd, 'permission', pick(rnd, ['view', 'edit']), paths)] });
  // Roles holding grants: viewer, lead (which includes viewer) and peeker.
  if (rolesHoldGrants) for (const role of ['r0', 'r2', 'r3']) entries.push({ identity: role, identity_type: 'local_role', role_assignments: [], application_permissions: [binding(rnd, 'permission', pick(rnd, ['view', 'edit']), paths)] });
  return {
    custom_property_definition: { applications: [{ application_type: 'shop', local_user_properties: { level: 'NUMBER' }, local_group_properties: { floor: 'NUMBER' }, resources: [{ resource_type: 'shelf', properties: { aisle: 'NUMBER' } }] }] },
    applications: [
      {
        name: 'Shop',
        application_type: 'shop',
        local_users: users,
        local_groups: groups,
        local_roles: [
          { id: 'r0', name: 'viewer', permissions: ['view'] },
          { id: 'r1', name: 'editor', permissions: ['edit', 'view'] },
          { id: 'r2', name: 'peeker', permissions: ['peek'] },
          { id: 'r3', name: 'lead', permissions: ['count'], roles: ['r0'] },
          { id: 'r4', name: 'counter', permissions: ['count'] },
        ],
        local_access_creds: [{ id: 'c0', name: 'token' }, { id: 'c1', name: 'key' }],
        resources,
      },
    ],
    permissions: [
      { name: 'view', permission_type: ['DataRead'] },
      { name: 'edit', permission_type: ['DataWrite'], apply_to_sub_resources: true },
      { name: 'peek', permission_type: ['MetadataRead'], apply_to_sub_resources: true, resource_types: ['box'] },
      { name: 'count', permission_type: ['MetadataRead'], resource_types: ['box'] },
    ],
    identity_to_permissions: entries,
  };
}

function binding(rnd: () => number, kind: 'role' | 'permission', name: string, paths: readonly string[]): Json {
  const onApplication = rnd() < 0.3;
  return { application: 'Shop', [kind]: name, ...(onApplication ? { apply_to_application: true } : { resources: some(rnd, paths, 2).concat(pick(rnd, paths)).filter((p, i, all) => all.indexOf(p) === i) }) };
}

/** One to four random leaf operations on the state as it is. */
function randomChange(rnd: () => number, state: Json, tag: string): Json {
  const app = (state.applications as Json[])[0]!;
  const users = (app.local_users as Json[]).map((u) => u.id as string);
  const entries = (state.identity_to_permissions as Json[]).filter((e) => e.identity_type === 'local_user');
  const holderEntries = (state.identity_to_permissions as Json[]).filter((e) => e.identity_type === 'local_group' || e.identity_type === 'local_access_creds');
  const groupIds = (app.local_groups as Json[]).map((g) => g.id as string);
  const credIds = ((app.local_access_creds as Json[] | undefined) ?? []).map((c) => c.id as string);
  const roleIds = ((app.local_roles as Json[] | undefined) ?? []).map((r) => r.id as string);
  const creds: Json[] = [];
  const roles: Json[] = [];
  const localUsers: Json[] = [];
  const resources: Json[] = [];
  const groups: Json[] = [];
  const bindings: Json[] = [];
  const permissions: Json[] = [];
  const named = new Set<string>();
  const unnamed = (id: string) => !named.has(id) && named.add(id);
  for (let k = 1 + Math.floor(rnd() * 4); k > 0; k--) {
    const user = pick(rnd, users);
    switch (Math.floor(rnd() * 19)) {
      case 0: {
        const id = `n${tag}_${k}`;
        localUsers.push({ operation: 'add', id, name: `new ${id}`, groups: some(rnd, groupIds, 2), custom_properties: { level: k } });
        if (rnd() < 0.7) bindings.push({ operation: 'add', identity: id, identity_type: 'local_user', role_assignments: [binding(rnd, 'role', pick(rnd, ['r0', 'r1', 'r3']), ['s0', 's1.box'])] });
        break;
      }
      case 1:
        if (unnamed(user)) localUsers.push({ operation: 'modify', id: user, name: `user ${user}`, email: `${tag}@corp.example`, groups: some(rnd, groupIds, 2) });
        break;
      case 2:
        if (unnamed(user)) localUsers.push({ operation: 'delete', id: user, name: `user ${user}` });
        break;
      case 3:
        if (unnamed(user)) localUsers.push({ operation: 'add_tag', id: user, tags: [{ key: 'seen', value: tag }] });
        break;
      case 4: {
        // Now and then a user without an entry is given its first (a user whose entry is empty collides with it, and is left out).
        const unentered = users.filter((u) => !entries.some((e) => e.identity === u));
        const first = rnd() < 0.3 ? pick(rnd, unentered) : undefined;
        if (first !== undefined) {
          if (unnamed(first)) bindings.push({ operation: 'add', identity: first, identity_type: 'local_user', role_assignments: [binding(rnd, 'role', pick(rnd, ['r0', 'r1', 'r4']), ['s1', 's2.box'])] });
          break;
        }
        const entry = pick(rnd, entries);
        if (entry && unnamed(entry.identity as string)) {
          const held = ((entry.role_assignments as Json[] | undefined) ?? []).map((a) => a.role as string);
          const role = pick(rnd, ['r0', 'r1', 'r2', 'r3'].filter((r) => !held.includes(r)));
          if (role !== undefined) bindings.push({ identity: entry.identity, role_assignments: [{ operation: 'add', ...binding(rnd, 'role', role, ['s2', 's2.box.lid']) }] });
        }
        break;
      }
      case 5: {
        const entry = pick(rnd, entries);
        const held = ((entry?.role_assignments as Json[] | undefined) ?? []).map((a) => a.role as string);
        if (entry && held.length > 0 && unnamed(entry.identity as string)) bindings.push({ identity: entry.identity, role_assignments: [{ operation: 'delete', application: 'Shop', role: pick(rnd, held) }] });
        break;
      }
      case 6:
        if (unnamed(`s-${tag}-${k}`)) resources.push({ id: pick(rnd, ['s0', 's1']), sub_resources: [{ operation: 'add', name: `bin ${tag} ${k}`, resource_type: 'box' }] });
        break;
      case 7: {
        const shelf = pick(rnd, ['s0', 's1', 's2']);
        if (unnamed(shelf)) resources.push(rnd() < 0.5 ? { operation: 'modify', id: shelf, name: `shelf ${tag}`, custom_properties: { aisle: k } } : { operation: 'add_tag', id: shelf, tags: [{ key: 'checked', value: tag }] });
        break;
      }
      case 8: {
        // A group moved under other groups (a cycle is refused by the whole state, and left out).
        const group = pick(rnd, groupIds);
        if (group !== undefined && unnamed(group)) groups.push({ operation: 'modify', id: group, name: `group ${group}`, groups: some(rnd, groupIds.filter((g) => g !== group), 2) });
        break;
      }
      case 9: {
        const group = pick(rnd, groupIds);
        if (group !== undefined && unnamed(group)) groups.push({ operation: 'delete', id: group, name: `group ${group}` });
        break;
      }
      case 11: {
        // A group's or credential's entry: a role added, or one of its roles taken away (it may hold no grant after); or a group's first.
        const unentered = groupIds.filter((g) => !holderEntries.some((e) => e.identity === g));
        const first = rnd() < 0.3 ? pick(rnd, unentered) : undefined;
        if (first !== undefined) {
          if (unnamed(first)) bindings.push({ operation: 'add', identity: first, identity_type: 'local_group', application_permissions: [binding(rnd, 'permission', pick(rnd, ['view', 'edit']), ['s0', 's1.box'])] });
          break;
        }
        const entry = pick(rnd, holderEntries);
        if (entry === undefined || !unnamed(entry.identity as string)) break;
        const held = ((entry.role_assignments as Json[] | undefined) ?? []).map((a) => a.role as string);
        const missing = ['r0', 'r1', 'r2', 'r3'].filter((r) => !held.includes(r));
        if (rnd() < 0.5 && missing.length > 0) bindings.push({ identity: entry.identity, identity_type: entry.identity_type, role_assignments: [{ operation: 'add', ...binding(rnd, 'role', pick(rnd, missing), ['s0', 's1.box']) }] });
        else if (held.length > 0) bindings.push({ identity: entry.identity, identity_type: entry.identity_type, role_assignments: [{ operation: 'delete', application: 'Shop', role: pick(rnd, held) }] });
        break;
      }
      case 12: {
        // A group's or credential's entry deleted whole (its members reach nothing through it after).
        const entry = pick(rnd, holderEntries);
        if (entry !== undefined && unnamed(entry.identity as string)) bindings.push({ operation: 'delete', identity: entry.identity, identity_type: entry.identity_type });
        break;
      }
      case 10: {
        const cred = pick(rnd, credIds);
        if (cred !== undefined && unnamed(cred)) creds.push({ operation: 'delete', id: cred });
        break;
      }
      case 14: {
        // A role given other permissions or nested roles (a cycle is refused by the whole state); it may grant nothing after, or on other types only.
        const role = pick(rnd, roleIds);
        if (role === undefined || !unnamed(role)) break;
        const redefined: Json = { operation: 'modify', id: role, name: `role ${role}` };
        if (rnd() < 0.7) redefined.permissions = some(rnd, ['view', 'edit', 'peek', 'count'], 2);
        if (rnd() < 0.5 || redefined.permissions === undefined) redefined.roles = some(rnd, roleIds.filter((r) => r !== role), 1);
        roles.push(redefined);
        break;
      }
      case 15: {
        const role = pick(rnd, roleIds);
        if (role !== undefined && unnamed(role)) roles.push({ operation: 'delete', id: role, name: `role ${role}` });
        break;
      }
      case 13: {
        // A top-level permission changed: inherited or not, its resource types edited, or one added (which a new role may grant).
        const name = pick(rnd, ((state.permissions as Json[] | undefined) ?? []).map((p) => p.name as string));
        if (name === undefined || !unnamed(`permission ${name}`)) break;
        const edit = rnd();
        if (edit < 0.4) permissions.push({ operation: 'modify', name, apply_to_sub_resources: rnd() < 0.5, permission_type: [pick(rnd, ['DataRead', 'DataWrite'])] });
        else if (edit < 0.6) permissions.push({ operation: 'add_resource', name, resource_types: [pick(rnd, ['box', 'lid', 'shelf'])] });
        else if (edit < 0.8) permissions.push({ operation: 'delete_resource', name, resource_types: [pick(rnd, ['box', 'lid', 'shelf'])] });
        else {
          const added = `p${tag}_${k}`;
          permissions.push({ operation: 'add', name: added, permission_type: ['DataRead'], apply_to_sub_resources: rnd() < 0.5, resource_types: some(rnd, ['box', 'shelf'], 1) });
          roles.push({ operation: 'add', id: `pr${tag}_${k}`, name: `role of ${added}`, permissions: [added] });
        }
        break;
      }
      case 17: {
        // An IdP identity's entry: a role added or taken away (located with or without identity_type), or a new identity's first entry.
        const identity = pick(rnd, ['ann@corp.example', 'bob@corp.example', `x${tag}_${k}@corp.example`]);
        if (!unnamed(identity)) break;
        const entry = (state.identity_to_permissions as Json[]).find((e) => e.identity === identity);
        const typed = rnd() < 0.5 ? { identity_type: 'idp' } : {};
        if (entry === undefined) {
          bindings.push({ operation: 'add', identity, identity_type: 'idp', role_assignments: [binding(rnd, 'role', pick(rnd, ['r0', 'r1', 'r2']), ['s0', 's1'])] });
          break;
        }
        const held = ((entry.role_assignments as Json[] | undefined) ?? []).map((a) => a.role as string);
        const missing = ['r0', 'r1', 'r2', 'r3'].filter((r) => !held.includes(r));
        if (rnd() < 0.6 && missing.length > 0) bindings.push({ identity, ...typed, role_assignments: [{ operation: 'add', ...binding(rnd, 'role', pick(rnd, missing), ['s2', 's0.box']) }] });
        else if (held.length > 0) bindings.push({ identity, ...typed, role_assignments: [{ operation: 'delete', application: 'Shop', role: pick(rnd, held) }] });
        break;
      }
      case 18: {
        // A box or lid deleted, with the bindings that name it or what is below it (a binding left naming nothing is refused, and the change left out).
        const path = pick(rnd, ['s0.box.lid', 's1.box', 's2.box']);
        const [shelf, box, lid] = path.split('.');
        const gone = (p: string) => p === path || p.startsWith(`${path}.`);
        const naming = (state.identity_to_permissions as Json[]).filter((e) => [...((e.role_assignments as Json[] | undefined) ?? []), ...((e.application_permissions as Json[] | undefined) ?? [])].some((b) => ((b.resources as string[] | undefined) ?? []).some(gone)));
        if (!unnamed(path) || !naming.every((e) => unnamed(e.identity as string))) break;
        resources.push({ id: shelf, sub_resources: [lid === undefined ? { operation: 'delete', name: box } : { name: box, sub_resources: [{ operation: 'delete', name: lid }] }] });
        for (const entry of naming) {
          const edits = (list: string, field: string) => ((entry[list] as Json[] | undefined) ?? []).filter((b) => ((b.resources as string[] | undefined) ?? []).some(gone)).map((b) => ({ operation: 'delete_resource', application: 'Shop', [field]: b[field], resources: (b.resources as string[]).filter(gone) }));
          const roleEdits = edits('role_assignments', 'role');
          const permissionEdits = edits('application_permissions', 'permission');
          bindings.push({ identity: entry.identity, ...(entry.identity_type === undefined ? {} : { identity_type: entry.identity_type }), ...(roleEdits.length > 0 ? { role_assignments: roleEdits } : {}), ...(permissionEdits.length > 0 ? { application_permissions: permissionEdits } : {}) });
        }
        break;
      }
      case 16: {
        const id = `nr${tag}_${k}`;
        roles.push({ operation: 'add', id, name: `new role ${tag} ${k}`, permissions: some(rnd, ['view', 'edit', 'peek', 'count'], 2), roles: some(rnd, roleIds, 1) });
        // Now and then a user added holding it (it reaches what the roles it includes reach).
        if (rnd() < 0.5) {
          const holder = `nh${tag}_${k}`;
          localUsers.push({ operation: 'add', id: holder, name: `holder ${holder}` });
          bindings.push({ operation: 'add', identity: holder, identity_type: 'local_user', role_assignments: [binding(rnd, 'role', id, ['s0', 's2.box'])] });
        }
        break;
      }
      default:
        if (groupIds.length > 0) groups.push({ operation: 'add', id: `ng${tag}_${k}`, name: `new group ${tag} ${k}`, groups: [pick(rnd, groupIds)], custom_properties: { floor: k } });
    }
  }
  const application: Json = { name: 'Shop' };
  // The application itself now and then: a modify beside the rest, or a re-tag (which carries nothing else) instead of it.
  const own = rnd();
  if (own < 0.1) Object.assign(application, { operation: 'modify', description: `shop ${tag}` });
  else if (own < 0.15) return { incremental_change: true, applications: [{ operation: pick(rnd, ['add_tag', 'delete_tag']), name: 'Shop', tags: [{ key: 'audit', value: pick(rnd, ['a', 'b']) }] }] };
  if (localUsers.length > 0) application.local_users = localUsers;
  if (resources.length > 0) application.resources = resources;
  if (groups.length > 0) application.local_groups = groups;
  if (creds.length > 0) application.local_access_creds = creds;
  if (roles.length > 0) application.local_roles = roles;
  return { incremental_change: true, applications: [application], ...(bindings.length > 0 ? { identity_to_permissions: bindings } : {}), ...(permissions.length > 0 ? { permissions } : {}) };
}

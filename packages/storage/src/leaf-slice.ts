import type { Kysely } from 'kysely';
import { appEntityNodeKey, applicationNodeKey, idpIdentityNodeKey, withEveryApplication, type EntrySegment, type SliceApp, type SliceNode, type SliceUser, type StoredSlice, type LeafDeltaApp, type LeafDeltaPlan } from '@accessgraph/core';
import type { Database } from './database.js';
import type { GraphStorage } from './graph-writer.js';
import { readDeltaBasis, type DeltaBasis } from './delta-basis.js';
import { readMoved } from './moved-principals.js';
import { readRoleHolders } from './role-holders.js';
import { entryProblem, keptScopes, readBackEntry, bareEntry } from './entry-read-back.js';
import { groupBy, NodeReader, uniqueNodes as unique, type StoredNode } from './node-reader.js';

/**
 * A slice to apply an application change made by difference to, with the state it was read from and
 * the plan it was read for (the change's, with every application of the data source when it changes
 * top-level permissions: `withEveryApplication`); or why the change has to go the whole-state way.
 */
export type LeafSliceRead = { slice: StoredSlice; pushedAt: string; plan: LeafDeltaPlan } | { whole: string };

/**
 * Reads what an application change made by difference touches in a data source's stored graph
 * (`StoredSlice`, see `leaf-delta-plan.ts`): the users it names, with their memberships, identity
 * strings, tags and grant counts; the entries it changes (of the users, groups and credentials it
 * names, and of the holders of the roles it redefines or deletes), read back from their bindings
 * and grants; the groups, roles and credentials it names, and those the users and entries name,
 * with their reach rows, every role with those it includes; the principals below the groups and
 * credentials it moves, deletes or regrants; the permissions and resources it names or the
 * entries bind. Index lookups for what the change touches, whatever the size of the data source.
 * Says `whole` instead when the stored state cannot take the change by difference (see the
 * reasons below); the push then applies it to the whole state.
 */
export async function readLeafSlice(db: Kysely<Database>, graphs: GraphStorage, dataSourceId: string, plan: LeafDeltaPlan): Promise<LeafSliceRead> {
  const read = await readDeltaBasis(db, dataSourceId);
  if ('whole' in read) return read;
  const { basis, ds, pushedAt } = read;
  const nodes = new NodeReader(graphs.reader(db, ds), ds);
  const complete = withEveryApplication(plan, basis.apps);
  // Permissions changed, not added: their holders' grants change.
  const changedPermissions = plan.changedPermissions.filter((p) => p.operation !== 'add').map((p) => p.key);
  const apps: SliceApp[] = [];
  for (const planned of complete.apps) {
    const read = await readApp(nodes, planned, basis, changedPermissions);
    if ('whole' in read) return read;
    apps.push(read);
  }
  // An IdP identity's one node holds its bindings in every application: its entry is read back in one.
  const idps = apps.flatMap((app) => app.entryEntities.filter((e) => e.segment === 'idp').map((e) => e.id));
  if (new Set(idps).size !== idps.length) return { whole: "an IdP identity's entry binds in another application too" };
  const slice: StoredSlice = { declarations: basis.declarations, apps, nextNodeId: basis.nextNodeId, nextGrantId: basis.nextGrantId, ...(basis.rolesHoldGrants ? { rolesHoldGrants: true as const } : {}) };
  return { slice, pushedAt, plan: complete };
}

async function readApp(nodes: NodeReader, plan: LeafDeltaApp, basis: DeltaBasis, changedPermissions: readonly string[]): Promise<SliceApp | { whole: string }> {
  const [app] = await nodes.byKeys([applicationNodeKey(plan.key)]);
  const usersKeyedById = basis.usersKeyedById.includes(app?.key ?? '');
  const resourceIdTypes = basis.resourceTypesKeyedById[app?.key ?? ''] ?? [];
  // The whole-state path names an unknown application in its error.
  if (app === undefined || app.kind !== 'application') return { whole: 'unknown application' };
  // The type, as it is written, decides the custom properties and the node types of everything the application holds.
  if (plan.own?.type !== undefined && plan.own.type !== app.properties.application_type) return { whole: "a modify changes the application's type" };
  const okta = app.properties.okta_app_id;
  // Okta last-login enrichment matches an application's users as a set (first identity that matches
  // wins), and their nodes carry its result, which a user read back would lose: changes of users in
  // such an application go the whole-state way; their entries, resources, groups and roles need not
  // (an entry's holder is not written anew).
  if (plan.users.length > 0 && typeof okta === 'string' && okta.trim() !== '') return { whole: "the application is enriched with Okta sign-ins and the change touches its users" };
  // An added identity that some other principal already has bindings under: the whole-state path reports the entry that exists.
  const bound = await nodes.byLookupKeys(plan.bindingIdentities);
  if (bound.some((n) => n.kind === 'idp_identity') || (await nodes.bindingCounts(bound.map((n) => n.id))).size > 0) return { whole: 'an added binding names an identity that has bindings' };
  // Deleting a user, group, role or credential also drops the application's bindings of untyped
  // entries of its key, which are IdP bindings: their grants are not the deleted principal's.
  const deleted = [...plan.users, ...plan.changedEntities].filter((u) => u.operation === 'delete').map((u) => u.key);
  if ((await nodes.byLookupKeys(deleted)).some((n) => n.kind === 'idp_identity')) return { whole: 'a deleted principal shares its key with an IdP binding' };
  const entities = await readEntities(nodes, plan, basis, app.key);
  if ('whole' in entities) return entities;
  const rebound = await readRoleHolders(nodes, plan, entities, changedPermissions);
  if ('whole' in rebound) return rebound;

  // The users whose entries change: those the change names, and the holders of the roles it redefines or deletes.
  const editedUsers = new Set(plan.entryIdentities.map((k) => appEntityNodeKey(plan.key, 'user', k)));
  const entryKeys = new Set([...editedUsers, ...rebound.users.map((n) => n.key)]);
  const namedUsers = (await nodes.byKeys(plan.users.map((u) => appEntityNodeKey(plan.key, 'user', u.key)))).filter((n) => n.kind === 'local_user');
  // Those whose entries change are not written anew: their keys will do.
  const entryUsers = (await nodes.byKeys([...entryKeys], true)).filter((n) => n.kind === 'local_user');
  // An entry located without identity_type is whatever entry its identity has: an IdP identity's
  // when no local user of the application has that key (an entry is keyed by its identity alone).
  const userless = plan.entryIdentities.filter((k) => !entryUsers.some((n) => n.key === appEntityNodeKey(plan.key, 'user', k)));
  const locatedIdps = (await nodes.byKeys(userless.map(idpIdentityNodeKey))).filter((n) => n.kind === 'idp_identity');
  // Any other entry whose identity is no local user of the application is for the whole-state path to report.
  if (entryUsers.length + locatedIdps.length !== entryKeys.size) return { whole: 'an entry the change adds bindings to is not a local user' };
  const entityKeys = new Map(plan.entryEntities.map((e) => [appEntityNodeKey(plan.key, e.segment, e.key), e]));
  const namedEntries = (await nodes.byKeys([...entityKeys.keys()])).filter((n) => n.kind === KINDS[entityKeys.get(n.key)!.segment]);
  // Likewise a group's or credential's: the whole-state path reports an unknown one.
  if (namedEntries.length !== entityKeys.size) return { whole: 'an entry the change changes is not a local group or credential of the application' };
  // IdP identities' entries: their nodes, which exist while they have bindings (an added one's may not yet).
  const idpKeys = new Set(plan.idpEntries.map((e) => idpIdentityNodeKey(e.key)));
  const idpHolders = unique<StoredNode>([...(await nodes.byKeys([...idpKeys])).filter((n) => n.kind === 'idp_identity'), ...locatedIdps]);
  const entryEntities = unique<StoredNode>([...(await nodes.byIds(rebound.entities.map((n) => n.id))), ...namedEntries, ...idpHolders]);
  const userIds = namedUsers.map((n) => n.id);
  const entryUserIds = new Set([...entryUsers, ...entryEntities].map((n) => n.id));
  // The entries the change only adds bindings to are read with their bindings bare (`AdditiveEntry`); but a role
  // holder's, whose grants the role's change changes, is read back whole.
  const rebuilt = new Set([...rebound.users, ...rebound.entities].map((n) => n.key));
  const additiveKeys = new Set(
    [
      ...plan.additiveIdentities.map((k) => appEntityNodeKey(plan.key, 'user', k)),
      ...plan.entryEntities.filter((e) => e.additive).map((e) => appEntityNodeKey(plan.key, e.segment, e.key)),
      ...plan.idpEntries.filter((e) => e.additive).map((e) => idpIdentityNodeKey(e.key)),
      ...plan.additiveIdentities.map(idpIdentityNodeKey),
    ].filter((k) => !rebuilt.has(k)),
  );
  const additiveIds = new Set([...entryUsers, ...entryEntities].filter((n) => additiveKeys.has(n.key)).map((n) => n.id));
  const readBackIds = [...entryUserIds].filter((id) => !additiveIds.has(id));
  // A role or permission holder the change does not otherwise name is read in part: its bindings of
  // the changed roles and permissions whole, the rest bare (`AdditiveEntry.rebound`).
  const edited = new Set([...editedUsers, ...entityKeys.keys(), ...idpHolders.map((n) => n.key)]);
  const partialIds = new Set([...rebound.users, ...rebound.entities].filter((n) => !edited.has(n.key)).map((n) => n.id));
  const affected = new Set([...rebound.roles, ...rebound.permissions]);
  const affectedGrant = (g: { role: number | null; permission: number }) => affected.has(g.role ?? g.permission);
  const edges = [...(await nodes.edgesFrom(userIds, ['member_of', 'holds_cred', 'has_role', 'has_permission'])), ...(await nodes.edgesFrom([...entryUserIds], ['has_role', 'has_permission']))];
  const targets = await nodes.byIds([...new Set(edges.map((e) => e.to))], true);
  const targetById = new Map(targets.map((n) => [n.id, n]));
  // An IdP identity's node holds its bindings in every application: this one's alone can be read back.
  // (Those the change names, and those holding a role or permission it changes.)
  const idpIds = new Set(entryEntities.filter((n) => n.kind === 'idp_identity').map((n) => n.id));
  if (edges.some((e) => idpIds.has(e.from) && targetById.get(e.to)!.appId !== app.id)) return { whole: "an IdP identity's entry binds in another application too" };
  const refs = await nodes.identities(userIds);
  const tags = await nodes.tags(namedUsers.map((n) => n.key));
  const grants = await nodes.grantCounts([...userIds, ...additiveIds, ...partialIds]);
  const entryGrants = (await nodes.grantsOf(readBackIds)).filter((g) => !partialIds.has(g.holder) || affectedGrant(g));
  // The resources the read-back entries name: the scopes of their grants, and those kept on the edges of assignments that grant nothing on some.
  const readWhole = (e: { from: number; to: number }) => entryUserIds.has(e.from) && !additiveIds.has(e.from) && (!partialIds.has(e.from) || affected.has(e.to));
  const keptPaths = edges.flatMap((e) => (readWhole(e) ? (keptScopes(e.properties)?.resources ?? []) : []));
  const kept = await nodes.byKeys([...new Set(keptPaths.map((path) => appEntityNodeKey(plan.key, 'resource', path.toLowerCase())))], true);
  const scopes = unique([...(await nodes.byIds([...new Set(entryGrants.map((g) => g.scope))].filter((id) => id !== app.id), true)), ...kept]);
  const scopeById = new Map(scopes.map((n) => [n.id, n]));
  const edgesFrom = groupBy(edges, (e) => e.from, (e) => e);
  const grantsOf = groupBy(entryGrants, (g) => g.holder, (g) => g);
  const users: SliceUser[] = [];
  for (const node of namedUsers) {
    const mine = edgesFrom.get(node.id) ?? [];
    const keysOf = (kind: string) => mine.filter((e) => e.kind === kind).map((e) => targetById.get(e.to)!.localKey);
    users.push({
      ...node,
      identities: refs.get(node.id) ?? [],
      groups: keysOf('member_of'),
      creds: keysOf('holds_cred'),
      tags: tags.get(node.key) ?? [],
      grants: grants.get(node.id) ?? 0,
      bindings: mine.filter((e) => e.kind === 'has_role' || e.kind === 'has_permission').length,
      ...(basis.rolesHoldGrants ? { heldRoles: [...new Set(mine.filter((e) => e.kind === 'has_role').map((e) => e.to))] } : {}),
    });
  }
  // A holder the graph shows no binding of (or an IdP identity without a node yet) has no entry, the
  // change adding its first, unless the basis knows of an empty one under its identity or another
  // principal has bindings under it (an entry is keyed by identity alone): the add would collide
  // with that entry, which the whole-state way reports.
  const unbound = [...entryUsers, ...entryEntities].filter((n) => !(edgesFrom.get(n.id) ?? []).some((e) => e.kind === 'has_role' || e.kind === 'has_permission'));
  const newIdps = plan.idpEntries.map((e) => e.key).filter((key) => !idpHolders.some((n) => n.key === idpIdentityNodeKey(key)));
  const emptyEntries = new Set(basis.declarations.emptyEntries);
  const sharing = (await nodes.byLookupKeys([...unbound.map((n) => n.localKey.toLowerCase()), ...newIdps])).filter((n) => !unbound.some((u) => u.id === n.id));
  const boundElsewhere = new Set((await nodes.byIds([...(await nodes.bindingCounts(sharing.map((n) => n.id))).keys()], true)).map((n) => n.localKey.toLowerCase()));
  if (newIdps.some((key) => emptyEntries.has(key) || boundElsewhere.has(key))) return { whole: 'an entry the change changes may exist without a binding the graph shows' };
  /** A holder's entry: its bindings bare when the change only adds to it, else read back whole with its grants; none when it has none. */
  type ReadEntry = Pick<SliceApp['entryEntities'][number], 'entry' | 'storedGrants' | 'additive' | 'grants' | 'bindings'>;
  const entryOf = (node: StoredNode, edited: boolean): ReadEntry | { whole: string } => {
    const bindings = (edgesFrom.get(node.id) ?? []).filter((e) => e.kind === 'has_role' || e.kind === 'has_permission');
    if (bindings.length === 0) {
      const identity = node.localKey.toLowerCase();
      if (emptyEntries.has(identity) || boundElsewhere.has(identity)) return { whole: 'an entry the change changes may exist without a binding the graph shows' };
      return { entry: null, storedGrants: [], grants: 0, bindings: 0 };
    }
    const additive = additiveIds.has(node.id);
    const problem = entryProblem(bindings, edited && !additive);
    if (problem !== undefined) return { whole: problem };
    if (additive) return { entry: bareEntry(app, bindings, targetById), storedGrants: [], additive: { boundTo: bindings.map((b) => b.to) }, grants: grants.get(node.id) ?? 0, bindings: bindings.length };
    const mine = grantsOf.get(node.id) ?? [];
    if (partialIds.has(node.id)) {
      const [whole, bare] = [bindings.filter((b) => affected.has(b.to)), bindings.filter((b) => !affected.has(b.to))];
      const read = readBackEntry(app, whole, mine, targetById, scopeById);
      const rest = bareEntry(app, bare, targetById);
      const entry = { role_assignments: [...read.role_assignments, ...rest.role_assignments], application_permissions: [...read.application_permissions, ...rest.application_permissions] };
      return { entry, storedGrants: mine, additive: { boundTo: bare.map((b) => b.to), rebound: whole.map((b) => b.to) }, grants: grants.get(node.id) ?? 0, bindings: bindings.length };
    }
    return { entry: readBackEntry(app, bindings, mine, targetById, scopeById), storedGrants: mine, grants: mine.length, bindings: bindings.length };
  };
  // Users whose entries change, with their entries; their memberships, tags and identity strings stay as stored.
  for (const node of entryUsers) {
    const read = entryOf(node, editedUsers.has(node.key));
    if ('whole' in read) return read;
    users.push({ ...node, identities: [], groups: [], creds: [], tags: [], ...read });
  }
  const entryHolders: SliceApp['entryEntities'] = [];
  for (const node of entryEntities) {
    const read = entryOf(node, entityKeys.has(node.key) || idpHolders.some((n) => n.id === node.id));
    if ('whole' in read) return read;
    entryHolders.push({ ...node, segment: SEGMENTS[node.kind] as EntrySegment, ...read });
  }
  // Where roles hold grants, the named users' roles too: their reach goes through them.
  const heldIds = new Set(edges.filter((e) => entryUserIds.has(e.from) || (basis.rolesHoldGrants && e.kind === 'has_role')).map((e) => e.to));
  const heldBy = (kind: string) => targets.filter((n) => n.kind === kind && heldIds.has(n.id));

  // A holder whose entry may lose every grant, or give it its first, changes what its members reach
  // through it: those whose change may do more than add, those that hold none yet, and the holders
  // of a redefined or deleted role, or one granting a changed permission, all of whose grants come through such roles.
  const onlyAdding = new Set(plan.entryEntities.filter((e) => e.onlyAdds).map((e) => appEntityNodeKey(plan.key, e.segment, e.key)));
  const reboundIds = new Set(rebound.entities.map((n) => n.id));
  // (A direct grant of a changed permission stays: resource types do not filter direct grants.)
  const onlyThroughRebound = (n: SliceApp['entryEntities'][number]) => reboundIds.has(n.id) && n.grants === n.storedGrants.length && n.storedGrants.every((g) => g.role !== null && rebound.roles.has(g.role));
  const reachMayChange = entryHolders.filter((n) => (entityKeys.has(n.key) && !onlyAdding.has(n.key)) || n.grants === 0 || onlyThroughRebound(n));
  // Where roles hold grants of their own, the roles a principal holds are part of its reach: an
  // entry holder whose roles the change may change (it names roles, or may take bindings from one
  // that holds some) is reached anew, from its groups and credentials and the roles its entry holds
  // once the change is made (core's `heldRoles`), and so is what is below it; the principals below
  // are reached through the roles they hold too (`RoleParents`).
  const roleHolders = new Set(edges.filter((e) => e.kind === 'has_role').map((e) => e.from));
  const holdersOfEntries = [...entryUsers.map((n) => ({ id: n.id, below: false })), ...entryHolders.map((n) => ({ id: n.id, below: n.segment === 'group' || n.segment === 'cred' }))];
  const rolesMayChange = basis.rolesHoldGrants ? holdersOfEntries.filter((n) => plan.roles.length > 0 || (!additiveIds.has(n.id) && roleHolders.has(n.id))) : [];
  const regranted = unique<{ id: number }>([...reachMayChange, ...rolesMayChange.filter((n) => n.below)]);
  const moved = await readMoved(nodes, plan, entities, regranted, new Set(userIds), basis.rolesHoldGrants ? { except: entryUserIds } : undefined);
  if ('whole' in moved) return moved;
  const movedBelow = new Set(moved.below.map((b) => b.id));
  const reachedAnew = await parentsOf(nodes, rolesMayChange.filter((n) => !movedBelow.has(n.id)));
  // A moved group keeps the roles it holds (the change names no entry of it).
  const movedKeys = new Set(plan.changedEntities.filter((e) => e.parents !== undefined).map((e) => appEntityNodeKey(plan.key, e.segment, e.key)));
  const movedRoles = basis.rolesHoldGrants ? groupBy(await nodes.bareEdgesFrom(entities.filter((n) => movedKeys.has(n.key)).map((n) => n.id), ['has_role']), (e) => e.from, (e) => e.to) : new Map<number, number[]>();
  const named = (kind: string) => entities.filter((n) => n.kind === kind);
  // Named entities last: they carry their tags and identities.
  const groups = unique<StoredNode>([...targets.filter((n) => n.kind === 'local_group'), ...entryEntities, ...(await nodes.byKeys(plan.groups.map((k) => appEntityNodeKey(plan.key, 'group', k)))), ...named('local_group')]);
  const creds = unique<StoredNode>([...targets.filter((n) => n.kind === 'access_cred'), ...entryEntities, ...(await nodes.byKeys(plan.creds.map((k) => appEntityNodeKey(plan.key, 'cred', k)))), ...named('access_cred')]);
  const namedRoles = new Map(named('local_role').map((r) => [r.id, r]));
  // With the roles including a redefined or deleted one, whose grants change with it; every role with those it includes, at any depth.
  const parentRoles = await nodes.byIds([...new Set([...moved.heldRoles, ...[...movedRoles.values()].flat()])]);
  const roots = [...heldBy('local_role'), ...parentRoles, ...rebound.including, ...(await nodes.byKeys(plan.roles.map((k) => appEntityNodeKey(plan.key, 'role', k)))), ...namedRoles.values()];
  const roles = (await rolesWithNested(nodes, unique(roots))).map((role) => ({ ...role, ...namedRoles.get(role.id) }));
  // A role's own entry may assign it roles: its reach goes through them too, which a change by difference does not read.
  if (basis.rolesHoldGrants && (await nodes.bareEdgesFrom(roles.map((r) => r.id), ['has_role'])).length > 0) return { whole: 'a role the change reaches through holds roles in its own entry' };
  const rolePermissions = await nodes.edgesFrom(roles.map((r) => r.id), ['role_grants']);
  const permissions = unique([...heldBy('permission'), ...(await nodes.byIds(rolePermissions.map((e) => e.to))), ...(await nodes.byKeys(plan.permissions.map((k) => appEntityNodeKey(plan.key, 'permission', k))))]);
  const permissionById = new Map(permissions.map((p) => [p.id, p]));
  // An entry read back whole is derived anew: its grants on a resource the change deletes go with it.
  const namedResources = await readResources(nodes, plan, basis, resourceIdTypes, new Set(readBackIds.filter((id) => !partialIds.has(id))));
  if ('whole' in namedResources) return namedResources;
  // The resources the read-back entries name, with their ancestors.
  const scopeResources = [...scopes, ...(await nodes.byIds(await nodes.ancestors(scopes.map((n) => n.id)), true))].filter((n) => n.kind === 'resource');
  // Named last: they carry their tags.
  const resources = unique<SliceNode>([...scopeResources, ...namedResources]);
  const principals = [...new Set([...groups, ...creds].map((n) => n.id).concat(moved.reachFrom, reachedAnew.flatMap((p) => [p.id, ...p.parents])))];
  return {
    // An application the change modifies or re-tags is written anew with its tags.
    node: plan.own === undefined ? app : { ...app, tags: (await nodes.tags([app.key])).get(app.key) ?? [] },
    usersKeyedById,
    groupsKeyedById: basis.groupsKeyedById.includes(app.key),
    rolesKeyedById: basis.rolesKeyedById.includes(app.key),
    entities: entities.map((n) => ({ ...n, segment: SEGMENTS[n.kind] as 'group' | 'role' | 'cred', ...moved.counts.get(n.id), ...(movedRoles.has(n.id) ? { heldRoles: movedRoles.get(n.id) } : {}) })),
    below: [...moved.below, ...reachedAnew],
    ...(basis.rolesHoldGrants ? { rolesAnew: rebound.including.map((n) => n.id) } : {}),
    entryEntities: entryHolders,
    users,
    groups: groups.filter((n) => n.kind === 'local_group'),
    creds: creds.filter((n) => n.kind === 'access_cred'),
    roles: roles.map((role) => ({
      ...role,
      permissions: rolePermissions.filter((e) => e.from === role.id).map((e) => permissionById.get(e.to)!.localKey),
      roles: role.nested.map((id) => roles.find((r) => r.id === id)!.localKey),
    })),
    resources,
    resourceIdTypes,
    permissions: permissions.filter((n) => n.kind === 'permission'),
    reach: await nodes.reach(basis.rolesHoldGrants ? [...principals, ...roles.map((r) => r.id)] : principals),
  };
}

const SEGMENTS: Record<string, 'group' | 'role' | 'cred' | 'idp'> = { local_group: 'group', local_role: 'role', access_cred: 'cred', idp_identity: 'idp' };
const KINDS = { group: 'local_group', role: 'local_role', cred: 'access_cred' } as const;

/**
 * The groups, roles and credentials a change adds, modifies or re-tags, those that exist with their
 * tags and a group's identities. Says `whole` when an added one is keyed otherwise than its
 * collection (by id or by name): the whole-state way reports the mix.
 */
async function readEntities(nodes: NodeReader, plan: LeafDeltaApp, basis: DeltaBasis, appKey: string): Promise<StoredNode[] | { whole: string }> {
  const keyedById = { group: basis.groupsKeyedById.includes(appKey), role: basis.rolesKeyedById.includes(appKey), cred: true };
  for (const entity of plan.changedEntities) {
    if (entity.operation === 'add' && entity.withId !== keyedById[entity.segment]) return { whole: `an added local ${entity.segment} is keyed otherwise than its collection` };
  }
  const keys = plan.changedEntities.map((e) => appEntityNodeKey(plan.key, e.segment, e.key));
  const found = (await nodes.byKeys(keys)).filter((n) => plan.changedEntities.some((e) => KINDS[e.segment] === n.kind));
  const tags = await nodes.tags(found.map((n) => n.key));
  const identities = await nodes.identities(found.filter((n) => n.kind === 'local_group').map((n) => n.id));
  return found.map((n) => ({ ...n, tags: tags.get(n.key) ?? [], ...(n.kind === 'local_group' ? { identities: identities.get(n.id) ?? [] } : {}) }));
}

/**
 * The resources a change names, adds under or binds to, with their ancestors, the sub-resources of
 * those it deletes, and the tags of those it re-tags or rewrites. Says `whole` when an added
 * resource is of a type the data source has not declared (the provider's types would change) or
 * keys it otherwise than its type's resources are keyed (the whole-state way reports the mix), or
 * when a deleted one, or one below it, has grants of a holder whose entry the change does not
 * read back (`readBack`) or may be named by a binding that left none.
 */
async function readResources(nodes: NodeReader, plan: LeafDeltaApp, basis: DeltaBasis, idTypes: readonly string[], readBack: ReadonlySet<number>): Promise<SliceNode[] | { whole: string }> {
  if (plan.addedResourceTypes.length > 0) {
    const declared = new Set(await nodes.resourceTypes());
    for (const { type, withId } of plan.addedResourceTypes) {
      if (!declared.has(type)) return { whole: 'an added resource is of a type the data source has not declared' };
      if (withId !== idTypes.includes(type)) return { whole: 'an added resource is keyed otherwise than its type' };
    }
  }
  const named = await nodes.byKeys(plan.resources.map((k) => appEntityNodeKey(plan.key, 'resource', k)));
  const deletedKeys = new Set(plan.changedResources.filter((r) => r.operation === 'delete').map((r) => appEntityNodeKey(plan.key, 'resource', r.path)));
  const deleted = named.filter((n) => deletedKeys.has(n.key));
  let below: StoredNode[] = [];
  if (deleted.length > 0) {
    below = await nodes.byIds(await nodes.descendants(deleted.map((n) => n.id)));
    const types = new Set([...deleted, ...below].map((n) => n.resourceType?.toLowerCase()));
    const blind = basis.tracelessRoles.filter((role) => [...types].some((type) => type !== undefined && !role.types.includes(type)));
    if (blind.length > 0 && (await nodes.anyAssigned(blind.map((r) => r.key)))) return { whole: 'a binding may name a deleted resource without a grant on it' };
    // Grants on it are taken away only by the entries that hold them, read back and derived anew (the
    // change removing the resource from their bindings: a binding that still names it is refused).
    if ([...(await nodes.grantHoldersOn([...deleted, ...below].map((n) => n.id)))].some((holder) => !readBack.has(holder))) return { whole: 'a deleted resource has grants that the change leaves' };
  }
  const ancestors = await nodes.byIds(await nodes.ancestors(named.map((r) => r.id)));
  const resources = unique([...named, ...ancestors, ...below]).filter((n) => n.kind === 'resource');
  const changedKeys = new Set(plan.changedResources.map((r) => appEntityNodeKey(plan.key, 'resource', r.path)));
  const tags = await nodes.tags(resources.filter((r) => changedKeys.has(r.key)).map((r) => r.key));
  return resources.map((r) => (changedKeys.has(r.key) ? { ...r, tags: tags.get(r.key) ?? [] } : r));
}

/** Principals with the groups and credentials they are members and holders of: what their reach goes through but their roles. */
async function parentsOf(nodes: NodeReader, users: ReadonlyArray<{ id: number }>): Promise<Array<{ id: number; parents: number[] }>> {
  const edges = groupBy(await nodes.edgesFrom(users.map((n) => n.id), ['member_of', 'holds_cred']), (e) => e.from, (e) => e.to);
  return users.map((n) => ({ id: n.id, parents: edges.get(n.id) ?? [] }));
}

/** The roles and every role nested in them (includes_role, transitively), each with the roles it includes. */
async function rolesWithNested(nodes: NodeReader, roots: StoredNode[]): Promise<Array<StoredNode & { nested: number[] }>> {
  const roles = new Map<number, StoredNode & { nested: number[] }>();
  let frontier = roots.filter((r) => r.kind === 'local_role');
  while (frontier.length > 0) {
    for (const role of frontier) roles.set(role.id, { ...role, nested: [] });
    const edges = await nodes.edgesFrom(frontier.map((r) => r.id), ['includes_role']);
    for (const edge of edges) roles.get(edge.from)!.nested.push(edge.to);
    frontier = await nodes.byIds([...new Set(edges.map((e) => e.to))].filter((id) => !roles.has(id)));
  }
  return [...roles.values()];
}


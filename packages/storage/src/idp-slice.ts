import type { Kysely } from 'kysely';
import { appAssignmentItem, idpNodeKey, type IdpDeltaPlan, type IdpSlice, type IdpSliceExternal, type IdpSlicePrincipal, type IdpSliceUser } from '@accessgraph/core';
import type { Database } from './database.js';
import type { GraphStorage } from './graph-writer.js';
import { readDeltaBasis } from './delta-basis.js';
import { groupBy, NodeReader, uniqueNodes as unique, walkLevels, type StoredNode } from './node-reader.js';
import { MOVED_UNDER_ITSELF } from './moved-principals.js';

/** A slice to apply a change of IdP users to, with the state it was read from; or why the change has to go the whole-state way. */
export type IdpSliceRead = { slice: IdpSlice; pushedAt: string } | { whole: string };

/** What a user's or group's own edges lead to; `manages` edges from a user lead to its reports. */
const USER_EDGES = ['member_of', 'can_assume', 'owns', 'assigned_app', 'manages'];

/**
 * Reads what a change of an identity provider's users, groups, apps and domain touches in its
 * stored graph (`IdpSlice`): the named users and groups with their memberships, roles, owned
 * entities, assignments and tags, and how many users each user manages; the named apps with their
 * tags and the AWS roles they may assume; the domain (with its tags when named); the groups, apps,
 * managers and external nodes they and the change name. A few index lookups per named principal, whatever the size of the identity provider. Says `whole` when the
 * stored state cannot take the change by difference; the push then applies it to the whole state.
 */
export async function readIdpSlice(db: Kysely<Database>, graphs: GraphStorage, dataSourceId: string, plan: IdpDeltaPlan): Promise<IdpSliceRead> {
  const read = await readDeltaBasis(db, dataSourceId);
  if ('whole' in read) return read;
  const { basis, ds, pushedAt } = read;
  if (basis.container === null) return { whole: 'the state was stored before differences were kept' };
  // Mapping rules compare properties of every user against every account: any change re-resolves them all.
  if (basis.identityMappings) return { whole: 'the identity provider has mapping rules' };
  for (const [field, value] of Object.entries(plan.repeated)) {
    if (JSON.stringify(basis.declarations[field as keyof typeof basis.declarations]) !== JSON.stringify(value)) return { whole: `the change replaces the identity provider's ${field}` };
  }
  // Users whose manager_id names no user would get a manager: they are not named, so the whole-state way derives them.
  const unresolved = new Set(basis.unresolvedManagers);
  if (plan.users.some((u) => u.operation === 'add' && unresolved.has(u.key))) return { whole: 'an added user is the manager other users name' };

  const nodes = new NodeReader(graphs.reader(db, ds), ds);
  const [stored] = await nodes.byKeys([basis.container]);
  if (stored === undefined) return { whole: 'the identity provider has no domain' };
  // A domain the change modifies or re-tags is written anew with its tags.
  const domain = plan.domain === undefined ? stored : { ...stored, tags: (await nodes.tags([stored.key])).get(stored.key) ?? [] };
  const userNodes = (await nodes.byKeys(plan.users.map((u) => idpNodeKey('user', u.key)))).filter((n) => n.kind === 'idp_user');
  const groupNodes = (await nodes.byKeys(plan.namedGroups.map((g) => idpNodeKey('group', g.key)))).filter((n) => n.kind === 'idp_group');
  const appNodes = (await nodes.byKeys(plan.namedApps.map((a) => idpNodeKey('app', a.key)))).filter((n) => n.kind === 'idp_app');
  const userIds = userNodes.map((n) => n.id);
  const named = new Set([...userIds, ...groupNodes.map((n) => n.id), ...appNodes.map((n) => n.id)]);
  const moved = await movedUnder(nodes, plan, groupNodes);
  if (moved !== undefined) return { whole: moved };
  const edges = await nodes.edgesFrom([...named], USER_EDGES);
  const managerEdges = await nodes.edgesTo(userIds, ['manages']);
  const targets = new Map((await nodes.byIds([...new Set(edges.filter((e) => e.kind !== 'manages').map((e) => e.to))])).map((n) => [n.id, n]));
  const tags = await nodes.tags([...userNodes, ...groupNodes, ...appNodes].map((n) => n.key));
  const edgesFrom = groupBy(edges, (e) => e.from, (e) => e);
  const deleted = new Set(userNodes.filter((n) => plan.users.some((u) => u.operation === 'delete' && idpNodeKey('user', u.key) === n.key)).map((n) => n.id));
  const principal = (node: StoredNode): IdpSlicePrincipal => {
    const mine = edgesFrom.get(node.id) ?? [];
    const to = (kind: string) => mine.filter((e) => e.kind === kind).map((e) => targets.get(e.to)!);
    return {
      ...node,
      tags: tags.get(node.key) ?? [],
      groups: to('member_of').map((g) => g.localKey),
      assumes: to('can_assume').map((e) => e.key),
      owns: to('owns').map((e) => e.key),
      appAssignments: mine.filter((e) => e.kind === 'assigned_app').map((e) => appAssignmentItem(targets.get(e.to)!, e.properties ?? {})),
    };
  };
  // Reports the change deletes too need no manager.
  const users: IdpSliceUser[] = userNodes.map((node) => ({ ...principal(node), reports: (edgesFrom.get(node.id) ?? []).filter((e) => e.kind === 'manages' && !deleted.has(e.to)).length }));
  // Its reports' manager_id would name no user: the whole-state way warns about each, at its path in the state.
  if (users.some((u) => deleted.has(u.id) && u.reports > 0)) return { whole: 'a deleted user manages other users' };
  const ofKind = (kind: string) => [...targets.values()].filter((n) => n.kind === kind);
  const managers = unique([...(await nodes.byIds(managerEdges.map((e) => e.from))), ...(await nodes.byKeys(plan.managers.map((k) => idpNodeKey('user', k))))]).filter((n) => n.kind === 'idp_user' && !named.has(n.id));
  const groups = unique([...ofKind('idp_group'), ...(await nodes.byKeys(plan.groups.map((k) => idpNodeKey('group', k))))]).filter((n) => n.kind === 'idp_group' && !named.has(n.id));
  const apps = unique([...ofKind('idp_app'), ...(await nodes.byKeys(plan.apps.map((k) => idpNodeKey('app', k))))]).filter((n) => n.kind === 'idp_app' && !named.has(n.id));
  const namedApps = appNodes.map((node) => ({ ...node, tags: tags.get(node.key) ?? [], assumes: (edgesFrom.get(node.id) ?? []).filter((e) => e.kind === 'can_assume').map((e) => targets.get(e.to)!.key) }));
  const externals = await readExternals(nodes, unique([...ofKind('external'), ...(await nodes.byKeys(plan.externals))]).filter((n) => n.kind === 'external'), named);
  const namedGroups = groupNodes.map(principal);
  return { slice: { declarations: basis.declarations, domain, users, namedGroups, namedApps, managers, groups, apps, externals, nextNodeId: basis.nextNodeId }, pushedAt };
}

/**
 * Why a change that moves groups (a modify with `groups`) must go the whole-state way: a new parent
 * that is below a moved group (nested in it, through stored groups) may close a cycle, which that
 * way reports over the whole graph. The walk reads member groups only, a level at a time.
 */
async function movedUnder(nodes: NodeReader, plan: IdpDeltaPlan, groupNodes: readonly StoredNode[]): Promise<string | undefined> {
  const movedKeys = new Set(plan.namedGroups.filter((g) => g.parents !== undefined).map((g) => idpNodeKey('group', g.key)));
  if (movedKeys.size === 0) return undefined;
  const moved = groupNodes.filter((n) => movedKeys.has(n.key)).map((n) => n.id);
  const below = await walkLevels(moved, (frontier) => nodes.membersOfKind(frontier, 'idp_group'));
  const parents = await nodes.byKeys(plan.namedGroups.flatMap((g) => g.parents ?? []).map((k) => idpNodeKey('group', k)), true);
  return parents.some((p) => below.has(p.id)) ? MOVED_UNDER_ITSELF : undefined;
}

/** The external nodes with whether a principal the change does not name points at them too. */
async function readExternals(nodes: NodeReader, externals: StoredNode[], named: ReadonlySet<number>): Promise<IdpSliceExternal[]> {
  const pointed = await nodes.edgesTo(externals.map((n) => n.id), ['can_assume', 'owns']);
  const shared = new Set(pointed.filter((e) => !named.has(e.from)).map((e) => e.to));
  return externals.map((n) => ({ id: n.id, key: n.key, localKey: n.localKey, nodeType: n.nodeType, shared: shared.has(n.id) }));
}

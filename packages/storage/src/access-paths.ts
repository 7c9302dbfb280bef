import type { Kysely } from 'kysely';
import type { AccessPath, NodeSummary } from '@accessgraph/contract';
import { appendTo, pathPage, type KeysetValue, type PathGraph, type PathNode, type PathState } from '@accessgraph/core';
import type { Database } from './database.js';
import { PRINCIPAL_KINDS } from './effective-pairs.js';
import { ENTITY_KINDS } from './entity-access.js';
import { findGrantPaths, inChunks, type PathRow } from './grant-paths.js';
import type { GraphStorage } from './graph-writer.js';
import { ACCOUNT_RULES, followEdges, identityHolders } from './member-groups.js';
import { locate, type Located } from './node-detail.js';
import { nodeSummary } from './node-summary.js';
import { canonicalKey, type PermissionFilter } from './permission-filter.js';
import { StoreError } from './store-error.js';
import type { Page } from './store.js';

export interface AccessPathRequest extends PermissionFilter {
  /** The node id of the application or resource the paths lead to. */
  target: string;
  pageSize: number;
  /** The cursor of the last path of the previous page. */
  after?: KeysetValue[];
}

/**
 * The bound on the work of one page: states expanded and moves looked at while ordering paths
 * (`pathPage`). A page of paths costs a few per step of each path; only a graph with very many
 * chains between two nodes of equal length comes near it, and then the answer is an error that
 * names the limit, never a silently shorter list.
 */
export const MAX_PATH_SEARCH_STEPS = 1_000_000;

/** A page of paths, or the limit the search ran into. */
export type AccessPathAnswer = { page: Page<AccessPath> } | { exceeded: { limit: 'max_path_search_steps'; max: number } };

/** App edges a local principal receives grants through (the same kinds its reach follows at push time). */
const MEMBERSHIP_EDGES = ['member_of', 'holds_cred', 'has_role', 'includes_role'];

/**
 * Every distinct chain of edges by which node `nodeId` (a principal: see ACCESS_HOLDER_KINDS)
 * reaches the application or resource `request.target`, shortest first. The chains are those the
 * access answers are made of, spelled out edge by edge: an HRIS employee's link to its IdP user,
 * IdP group nesting, federation (`source_identity`), the link from an IdP principal to an
 * application's principal (`linked:<rule>`), local group nesting, credentials and roles held, the
 * grant (`grants`, with its permission), and a parent resource's `contains` down to the target.
 * Undefined when either node is unknown; empty when they are of kinds no path joins.
 */
export async function listAccessPaths(db: Kysely<Database>, graphs: GraphStorage, nodeId: string, request: AccessPathRequest): Promise<AccessPathAnswer | undefined> {
  const [from, to] = await Promise.all([locate(db, graphs, nodeId), locate(db, graphs, request.target)]);
  if (from === undefined || to === undefined) return undefined;
  if (!ENTITY_KINDS.includes(to.node.kind)) return { page: { items: [] } };
  const graph = new PathGraphBuilder(from);
  await readPaths(db, graphs, graph, from, to, request);
  const nodes = await describeNodes(db, graphs, graph.nodeIds());
  const built = graph.build(nodes);
  const page = pathPage(built.graph, { limit: request.pageSize, maxWork: MAX_PATH_SEARCH_STEPS, ...(request.after ? { after: request.after } : {}) });
  if (!page.ok) {
    if ('badCursor' in page) throw new StoreError('invalid_cursor', 'page token does not match the path order');
    return { exceeded: { limit: 'max_path_search_steps', max: page.exceeded } };
  }
  const items = page.paths.map(
    (path): AccessPath => ({
      length: path.edges.length,
      permission: path.permission ?? '',
      canonical_types: [...(graph.permissionTypes.get(path.permission ?? '') ?? [])],
      steps: path.nodes.map((node, i) => ({ node: { ...built.summaries[node]! }, edge: path.edges[i] ?? null })),
    }),
  );
  const last = page.paths[page.paths.length - 1];
  return { page: page.more && last !== undefined ? { items, nextAfter: last.cursor } : { items } };
}

/** Reads the part of the graph between the two nodes into `graph`. */
async function readPaths(db: Kysely<Database>, graphs: GraphStorage, graph: PathGraphBuilder, from: Located, to: Located, request: AccessPathRequest): Promise<void> {
  const app = to.ds.seq;
  const target = to.node.id;
  const start = graph.start;
  const locals = new Set<number>();
  if ((PRINCIPAL_KINDS as readonly string[]).includes(from.node.kind) || from.node.kind === 'local_role') {
    if (from.ds.seq === app) locals.add(from.node.id);
  } else {
    await readIdentityPaths(db, graphs, graph, from, app, locals);
  }
  const reader = graphs.reader(db, app);
  for (const edge of await followEdges(reader, app, [...locals], MEMBERSHIP_EDGES)) graph.move(graph.real(app, edge.from), graph.real(app, edge.to), edge.kind);

  const rows = await findGrantPaths(reader, graphs, app, [...locals].map((principal) => ({ principal, target })));
  // A role reaches what the grants of it reach, whoever holds them (as in a role's access).
  const roleRows = from.node.kind === 'local_role' && from.ds.seq === app ? await grantsOfRole(reader, graphs, app, from.node.id, target) : [];
  const permissions = await permissionsOf(reader, app, [...rows, ...roleRows].map((r) => r.permission), request);
  const ancestors = await ancestorsOf(reader, app, target);
  const scopeState = (scope: number) => graph.chainTo(app, ancestors, scope);
  const nested = await roleNesting(reader, app, [...rows, ...roleRows].flatMap((r) => (r.role === null ? [] : [r.role])));
  // The same grant reached from several locals gives one move (moves are kept by their key).
  for (const row of rows) {
    const permission = permissions.get(row.permission);
    if (permission === undefined) continue;
    const holder = graph.real(app, row.holder);
    if (row.role === null) graph.move(holder, scopeState(row.scope), 'grants', permission);
    else graph.grantThroughRole(app, `${row.holder}`, graph.bound(app, row.holder, row.role), row, nested, scopeState(row.scope), permission);
  }
  for (const row of roleRows) {
    const permission = permissions.get(row.permission);
    if (permission !== undefined) graph.grantThroughRole(app, 'asked', start, row, nested, scopeState(row.scope), permission);
  }
}

/**
 * The roles of `ds` that `roles` include, nested to any depth (`includes_role`), and the
 * permissions each names itself (`role_grants`). A grant of a role holds the permissions of the
 * roles it includes too (the derivation stores them under the role the binding names); a path
 * shows which included role a permission comes from.
 */
async function roleNesting(reader: Kysely<Database>, ds: number, roles: readonly number[]): Promise<RoleNesting> {
  const includes = new Map<number, number[]>();
  const permissions = new Map<number, number[]>();
  if (roles.length === 0) return { includes, permissions };
  const edges = await followEdges(reader, ds, [...new Set(roles)], ['includes_role']);
  for (const edge of edges) appendTo(includes, edge.from, edge.to);
  const all = [...new Set([...roles, ...edges.map((e) => e.to)])];
  const rows = await inChunks(all, (slice) =>
    reader.selectFrom('graph_edges').select(['from_id', 'to_id']).where('ds', '=', ds).where('kind', '=', 'role_grants').where('from_id', 'in', slice).execute(),
  );
  for (const row of rows) appendTo(permissions, Number(row.from_id), Number(row.to_id));
  return { includes, permissions };
}

/** What `roleNesting` read: the roles each role includes, and the permissions each names itself. */
interface RoleNesting {
  includes: Map<number, number[]>;
  permissions: Map<number, number[]>;
}

/** The IdP side: an HRIS employee's IdP users, IdP group nesting, federation, and the links to the application's principals. */
async function readIdentityPaths(db: Kysely<Database>, graphs: GraphStorage, graph: PathGraphBuilder, from: Located, app: number, locals: Set<number>): Promise<void> {
  let identities: Array<{ idp: number; node: number }> = [];
  if (from.node.kind === 'idp_user' || from.node.kind === 'idp_group') identities = [{ idp: from.ds.seq, node: from.node.id }];
  else if (from.node.kind === 'hris_employee') {
    const users = await db.selectFrom('identity_links').select(['to_ds', 'to_node']).where('ds', '=', from.ds.seq).where('node', '=', from.node.id).where('rule', '=', 'hris').execute();
    identities = users.map((u) => ({ idp: Number(u.to_ds), node: Number(u.to_node) }));
    for (const user of identities) graph.move(graph.start, graph.real(user.idp, user.node), 'linked:hris');
  }
  for (const identity of identities) {
    for (const holders of await identityHolders(db, graphs, identity.idp, identity.node)) {
      for (const edge of holders.memberships) graph.move(graph.real(holders.idp, edge.from), graph.real(holders.idp, edge.to), edge.kind);
      if (holders.federatedTo !== undefined) graph.move(graph.real(identity.idp, holders.federatedTo), graph.real(holders.idp, holders.nodes[0]!), 'source_identity');
      const links = await inChunks(holders.nodes, (slice) =>
        db.selectFrom('identity_links').select(['node', 'to_node', 'rule']).where('ds', '=', app).where('to_ds', '=', holders.idp).where('to_node', 'in', slice).where('rule', 'in', ACCOUNT_RULES).execute(),
      );
      for (const link of links) {
        graph.move(graph.real(holders.idp, Number(link.to_node)), graph.real(app, Number(link.node)), `linked:${link.rule}`);
        locals.add(Number(link.node));
      }
    }
  }
}

/** Grants that carry role `role` and reach `target`, whoever holds them. */
async function grantsOfRole(reader: Kysely<Database>, graphs: GraphStorage, ds: number, role: number, target: number): Promise<PathRow[]> {
  const holders = await reader.selectFrom('graph_grants').select('holder').distinct().where('ds', '=', ds).where('role', '=', role).execute();
  const rows = await findGrantPaths(reader, graphs, ds, holders.map((h) => ({ principal: Number(h.holder), target })));
  return rows.filter((r) => r.role === role);
}

/** The permissions by node id that the filter keeps: name and canonical types. */
async function permissionsOf(reader: Kysely<Database>, ds: number, ids: number[], filter: PermissionFilter): Promise<Map<number, { name: string; types: string[] }>> {
  const rows = await inChunks([...new Set(ids)], (slice) => reader.selectFrom('graph_nodes').select(['id', 'name', 'properties']).where('ds', '=', ds).where('id', 'in', slice).execute());
  const kept = new Map<number, { name: string; types: string[] }>();
  for (const row of rows) {
    const value = (JSON.parse(row.properties) as { permission_type?: unknown }).permission_type;
    const types = Array.isArray(value) ? value.filter((t): t is string => typeof t === 'string') : [];
    if (filter.permission !== undefined && row.name.toLowerCase() !== filter.permission) continue;
    if (filter.canonicalType !== undefined && !types.some((t) => canonicalKey(t) === filter.canonicalType)) continue;
    kept.set(Number(row.id), { name: row.name, types });
  }
  return kept;
}

/** The target's ancestors by depth: [the target, its parent, ..., its application]. */
async function ancestorsOf(reader: Kysely<Database>, ds: number, target: number): Promise<number[]> {
  const rows = await reader.selectFrom('graph_ancestry').select(['ancestor', 'depth']).where('ds', '=', ds).where('node', '=', target).orderBy('depth').execute();
  return rows.map((r) => Number(r.ancestor));
}

/** The nodes paths show, as summaries with the sort key of each, by `${ds}:${id}`. */
async function describeNodes(db: Kysely<Database>, graphs: GraphStorage, ids: ReadonlyArray<readonly [number, number]>): Promise<Map<string, { sort: PathNode; summary: NodeSummary }>> {
  const byDs = new Map<number, Set<number>>();
  for (const [ds, id] of ids) (byDs.get(ds) ?? byDs.set(ds, new Set()).get(ds)!).add(id);
  const result = new Map<string, { sort: PathNode; summary: NodeSummary }>();
  if (byDs.size === 0) return result;
  const sources = await db.selectFrom('data_sources').select(['seq', 'id', 'provider_id']).where('seq', 'in', [...byDs.keys()]).execute();
  for (const source of sources) {
    const seq = Number(source.seq);
    const reader = graphs.reader(db, seq);
    const rows = await inChunks([...byDs.get(seq)!], (slice) =>
      reader.selectFrom('graph_nodes').select(['id', 'kind', 'node_key', 'local_key', 'name', 'node_type', 'app_id']).where('ds', '=', seq).where('id', 'in', slice).execute(),
    );
    const appIds = [...new Set(rows.flatMap((r) => (r.app_id === null ? [] : [Number(r.app_id)])))];
    const apps = await inChunks(appIds, (slice) => reader.selectFrom('graph_nodes').select(['id', 'name']).where('ds', '=', seq).where('id', 'in', slice).execute());
    const appNames = new Map(apps.map((a) => [Number(a.id), a.name]));
    for (const row of rows) {
      const summary = nodeSummary(source, row, row.app_id === null ? null : (appNames.get(Number(row.app_id)) ?? null));
      result.set(`${seq}:${Number(row.id)}`, { sort: { ds: source.id, key: row.node_key }, summary });
    }
  }
  return result;
}

/**
 * Collects the states and moves of the path graph as they are read. A node of the stored graph
 * has one "real" state; a role a binding assigns has a state of its own per holder (its grants are
 * that binding's, not the role's everywhere), and so has each ancestor on the way down to the
 * target; all of them show as their nodes.
 */
class PathGraphBuilder {
  readonly start: number;
  /** Permission names and their canonical types, of every grant move. */
  readonly permissionTypes = new Map<string, string[]>();
  private readonly states: Array<{ node: string; moves: Map<string, { edge: string; permission?: string; to: number }>; end: boolean }> = [];
  private readonly reals = new Map<string, number>();
  private readonly bounds = new Map<string, number>();
  private readonly chain = new Map<number, number>();

  constructor(from: Located) {
    this.start = this.real(from.ds.seq, from.node.id);
  }

  real(ds: number, id: number): number {
    const node = `${ds}:${id}`;
    return this.reals.get(node) ?? this.reals.set(node, this.state(node)).get(node)!;
  }

  /** The role a holder's binding assigns, reached from the holder by `has_role`. */
  bound(ds: number, holder: number, role: number): number {
    const key = `${ds}:${holder}:${role}`;
    let state = this.bounds.get(key);
    if (state === undefined) {
      this.bounds.set(key, (state = this.state(`${ds}:${role}`)));
      this.move(this.real(ds, holder), state, 'has_role');
    }
    return state;
  }

  /**
   * The grant `row` of a role, from the role's state `roleState` (a holder's binding, or the asked
   * role): a `grants` move from each role that names the permission itself, the role or one it
   * includes, reached from the role through `includes_role` moves. An included role has a state of
   * its own under `binding`, as the bound role has (its grants are the binding's). A permission
   * none of them names (no such row is derived) keeps its move from the role, so no grant is lost.
   */
  grantThroughRole(ds: number, binding: string, roleState: number, row: PathRow, nesting: RoleNesting, scope: number, permission: { name: string; types: string[] }): void {
    const role = row.role!;
    const stateOf = (r: number) => (r === role ? roleState : this.includedRole(ds, `${binding}:${role}`, r));
    let named = false;
    const seen = new Set<number>([role]);
    for (const queue = [role]; queue.length > 0; ) {
      const current = queue.shift()!;
      if (nesting.permissions.get(current)?.includes(row.permission)) {
        this.move(stateOf(current), scope, 'grants', permission);
        named = true;
      }
      for (const included of nesting.includes.get(current) ?? []) {
        this.move(stateOf(current), stateOf(included), 'includes_role');
        if (!seen.has(included)) {
          seen.add(included);
          queue.push(included);
        }
      }
    }
    if (!named) this.move(roleState, scope, 'grants', permission);
  }

  /** A role included by the role of a binding (or the asked role), with a state of its own under that binding. */
  private includedRole(ds: number, binding: string, role: number): number {
    const key = `${binding}>${role}`;
    return this.bounds.get(key) ?? this.bounds.set(key, this.state(`${ds}:${role}`)).get(key)!;
  }

  /** The state of `scope` on the way down to the target (`ancestors[0]`), through each resource between by `contains`. */
  chainTo(ds: number, ancestors: readonly number[], scope: number): number {
    const depth = ancestors.indexOf(scope);
    if (depth < 0) throw new StoreError('internal', `grant scope ${scope} is not an ancestor of the target`);
    for (let d = 0; d <= depth; d++) {
      if (this.chain.has(d)) continue;
      const state = this.state(`${ds}:${ancestors[d]!}`, d === 0);
      this.chain.set(d, state);
      if (d > 0) this.move(state, this.chain.get(d - 1)!, 'contains');
    }
    return this.chain.get(depth)!;
  }

  move(from: number, to: number, edge: string, permission?: { name: string; types: string[] }): void {
    const key = `${edge}\u0000${permission?.name ?? ''}\u0000${to}`;
    if (permission !== undefined) this.permissionTypes.set(permission.name, permission.types);
    this.states[from]!.moves.set(key, { edge, to, ...(permission ? { permission: permission.name } : {}) });
  }

  /** The stored nodes the states show, as (ds, id). */
  nodeIds(): Array<[number, number]> {
    return [...new Set(this.states.map((s) => s.node))].map((node) => node.split(':').map(Number) as [number, number]);
  }

  build(described: Map<string, { sort: PathNode; summary: NodeSummary }>): { graph: PathGraph; summaries: NodeSummary[] } {
    const index = new Map<string, number>();
    const nodes: PathNode[] = [];
    const summaries: NodeSummary[] = [];
    for (const [node, { sort, summary }] of described) {
      index.set(node, nodes.length);
      nodes.push(sort);
      summaries.push(summary);
    }
    // A node gone between two reads of this transaction cannot happen; a state without one would be a bug.
    const states: PathState[] = this.states.map((s) => {
      const node = index.get(s.node);
      if (node === undefined) throw new StoreError('internal', `path graph names node ${s.node}, which does not exist`);
      return { node, end: s.end, moves: [...s.moves.values()] };
    });
    return { graph: { nodes, states, start: this.start }, summaries };
  }

  private state(node: string, end = false): number {
    this.states.push({ node, moves: new Map(), end });
    return this.states.length - 1;
  }
}

import type { Kysely } from 'kysely';
import type { EffectivePermission, EntityRef } from '@accessgraph/contract';
import { encodeNodeId, matchesSelector, nodeSetNeedsTags, type NodeSet, type PermissionSet, type Relation, type RelationExpression, type SelectableNode } from '@accessgraph/core';
import type { Database } from './database.js';
import { PRINCIPAL_KINDS } from './effective-pairs.js';
import { findAccessPaths } from './effective-paths.js';
import { describePathRows } from './effective-permissions-query.js';
import type { PathRow } from './grant-paths.js';
import { inChunks } from './grant-paths.js';
import type { GraphStorage } from './graph-writer.js';
import { groupsOf } from './member-groups.js';
import type { AccessRow } from './person-access.js';
import { entryPoints, groupByTarget, pathsOfAsked, type AskedNode } from './principal-access.js';

/** A source node of a query spec whose relations are asked. */
export interface SourceNode {
  seq: number;
  dsId: string;
  node: number;
  kind: string;
  ref: EntityRef;
}

/** What a source reaches: how many destinations, and the permissions it holds on them. */
export interface RelationOutcome {
  /** Whether the relation holds (every selector satisfied under `nodes_operator: AND`, one otherwise). */
  holds: boolean;
  /** The destinations counted, by node id. */
  destinations: Set<string>;
  /** Raw permission names, and canonical types, over the destinations counted. */
  permissions: Set<string>;
  canonicalTypes: Set<string>;
}

/** Kinds that hold access of their own or through linked principals (the access walk's entry points). */
const HOLDER_KINDS: readonly string[] = [...PRINCIPAL_KINDS, 'local_role', 'idp_user', 'idp_group', 'hris_employee'];
/** Kinds that grants reach. */
const TARGET_KINDS: readonly string[] = ['application', 'resource'];
/** Targets per round of the access walk. */
const TARGETS_PER_ROUND = 200;

/**
 * The relations of one source to the query's destinations (spec §14.1):
 * - access: a principal (local principal, role, IdP user or group, HRIS employee) reaches the
 *   applications and resources its effective permissions reach (across data sources, through
 *   linked accounts: the same walk as `/graph/nodes/{id}/access`); an application or resource is
 *   reached by the principals of its data source (as `/accessors` answers);
 * - identity and membership, when no permission is asked: the nodes an identity link joins to the
 *   source (either direction, any rule) and the groups it is a member of (nested).
 * Raw and effective permission filters keep the destinations whose permissions satisfy them.
 * With `stopAtFirst` (no_relation only asks whether one exists) the walk ends at the first.
 */
export async function relationOf(db: Kysely<Database>, graphs: GraphStorage, source: SourceNode, relation: Relation, stopAtFirst: boolean): Promise<RelationOutcome> {
  const tally = new Tally(relation, stopAtFirst);
  if (HOLDER_KINDS.includes(source.kind)) await accessOf(db, graphs, source, tally);
  else if (TARGET_KINDS.includes(source.kind)) await accessorsOf(db, graphs, source, tally);
  const permissionAsked = relation.rawPermissions !== undefined || relation.effectivePermissions !== undefined;
  if (!permissionAsked && relation.destinations !== undefined && !tally.done()) await linkedTo(db, graphs, source, tally);
  return tally.outcome();
}

/**
 * Whether a source satisfies a `relates_to_exp`: each relation worked out as `relationOf` does (a
 * relation with `no_relation` holds when the source has none), joined by the expressions'
 * operators and negations. Every relation is worked out (no short cut), so the destinations and
 * permissions returned — those of the relations without `no_relation` that hold — do not depend on
 * the order of the specs.
 */
export async function relatesToOf(db: Kysely<Database>, graphs: GraphStorage, source: SourceNode, expression: RelationExpression): Promise<RelationOutcome> {
  const outcome: RelationOutcome = { holds: false, destinations: new Set(), permissions: new Set(), canonicalTypes: new Set() };
  const evaluate = async (e: RelationExpression): Promise<boolean> => {
    const terms: boolean[] = [];
    for (const relation of e.relations) {
      const found = await relationOf(db, graphs, source, relation, relation.noRelation);
      terms.push(found.holds !== relation.noRelation);
      if (found.holds && !relation.noRelation) {
        for (const id of found.destinations) outcome.destinations.add(id);
        for (const p of found.permissions) outcome.permissions.add(p);
        for (const c of found.canonicalTypes) outcome.canonicalTypes.add(c);
      }
    }
    for (const child of e.children) terms.push(await evaluate(child));
    const held = e.operator === 'AND' ? terms.every(Boolean) : terms.some(Boolean);
    return e.not ? !held : held;
  };
  outcome.holds = await evaluate(expression);
  return outcome;
}

/** Counts destinations once each, and which selectors they satisfied. */
class Tally {
  private readonly seen = new Set<string>();
  private readonly satisfied: boolean[];
  readonly permissions = new Set<string>();
  readonly canonicalTypes = new Set<string>();

  constructor(
    readonly relation: Relation,
    private readonly stopAtFirst: boolean,
  ) {
    this.satisfied = (relation.destinations?.selectors ?? []).map(() => false);
  }

  /** Which selectors a destination matches (for "any target", one pseudo-selector). */
  matching(node: SelectableNode): boolean[] {
    const set = this.relation.destinations;
    return set === undefined ? [TARGET_KINDS.includes(node.kind)] : set.selectors.map((s) => matchesSelector(s, node));
  }

  add(node: SelectableNode, matched: boolean[], access?: { permissions: string[]; canonicalTypes: string[] }): void {
    if (!matched.some(Boolean) || this.seen.has(node.id)) return;
    const { rawPermissions, effectivePermissions } = this.relation;
    if (rawPermissions !== undefined && !satisfies(rawPermissions, new Set((access?.permissions ?? []).map((p) => p.toLowerCase())))) return;
    if (effectivePermissions !== undefined && !satisfies(effectivePermissions, new Set(access?.canonicalTypes ?? []))) return;
    this.seen.add(node.id);
    matched.forEach((m, i) => {
      if (m && i < this.satisfied.length) this.satisfied[i] = true;
    });
    for (const p of access?.permissions ?? []) this.permissions.add(p);
    for (const c of access?.canonicalTypes ?? []) this.canonicalTypes.add(c);
  }

  done(): boolean {
    return this.stopAtFirst && this.holds();
  }

  holds(): boolean {
    if (this.seen.size === 0) return false;
    return this.relation.destinations?.operator === 'AND' ? this.satisfied.every(Boolean) : true;
  }

  outcome(): RelationOutcome {
    return { holds: this.holds(), destinations: this.seen, permissions: this.permissions, canonicalTypes: this.canonicalTypes };
  }
}

function satisfies(set: PermissionSet<string>, held: ReadonlySet<string>): boolean {
  return set.operator === 'AND' ? set.values.every((v) => held.has(v)) : set.values.some((v) => held.has(v));
}

/** The applications and resources a principal reaches, a round of targets at a time per application data source. */
async function accessOf(db: Kysely<Database>, graphs: GraphStorage, source: SourceNode, tally: Tally): Promise<void> {
  const asked: AskedNode = { seq: source.seq, dsId: source.dsId, node: source.node, kind: source.kind, ref: source.ref };
  for (const entry of await entryPoints(db, graphs, asked)) {
    const reader = graphs.reader(db, entry.ds);
    let afterTarget: string | undefined;
    for (;;) {
      const limit = TARGETS_PER_ROUND * entry.locals.length;
      const { pairs, paths } = await findAccessPaths(reader, graphs, { ds: entry.ds, principalIds: entry.locals, afterTarget, byTarget: true, limit });
      let rows = groupByTarget(asked, pairs);
      // A full round may end inside a target's pairs (one per local principal): leave that target to the next round.
      if (pairs.length === limit && rows.length > 1) rows = rows.slice(0, -1);
      if (rows.length === 0) break;
      afterTarget = rows[rows.length - 1]!.targetKey;
      await tallyRows(db, graphs, reader, { ds: entry.ds, dsId: entry.dsId }, rows, pathsOfAsked(asked, paths), 'target', tally);
      if (tally.done() || pairs.length < limit) break;
    }
    if (tally.done()) return;
  }
}

/** The principals of an application's or resource's data source that reach it. */
async function accessorsOf(db: Kysely<Database>, graphs: GraphStorage, source: SourceNode, tally: Tally): Promise<void> {
  const reader = graphs.reader(db, source.seq);
  let after: [string, string] | undefined;
  for (;;) {
    const { pairs, paths } = await findAccessPaths(reader, graphs, { ds: source.seq, targetIds: [source.node], ...(after ? { after } : {}), limit: TARGETS_PER_ROUND });
    if (pairs.length === 0) return;
    const last = pairs[pairs.length - 1]!;
    after = [last.principalKey, last.targetKey];
    const rows: AccessRow[] = pairs.map((p) => ({ principalKey: p.principalKey, targetKey: p.targetKey, principal: p.principal, target: p.target, locals: [p.principal] }));
    await tallyRows(db, graphs, reader, { ds: source.seq, dsId: source.dsId }, rows, paths, 'principal', tally);
    if (tally.done() || pairs.length < TARGETS_PER_ROUND) return;
  }
}

/**
 * Matches the far end of each access row (the target, or the principal for an accessor row)
 * against the destinations, then reads the permissions of the rows that match.
 */
async function tallyRows(db: Kysely<Database>, graphs: GraphStorage, reader: Kysely<Database>, ds: { ds: number; dsId: string }, rows: AccessRow[], paths: readonly PathRow[], end: 'target' | 'principal', tally: Tally): Promise<void> {
  const ids = rows.map((r) => (end === 'target' ? r.target : r.principal!));
  const nodes = await selectableNodes(db, reader, ds, ids, tally.relation.destinations);
  const kept: Array<{ row: AccessRow; node: SelectableNode; matched: boolean[] }> = [];
  for (const [i, row] of rows.entries()) {
    const node = nodes.get(ids[i]!);
    if (node === undefined) continue;
    const matched = tally.matching(node);
    if (matched.some(Boolean)) kept.push({ row, node, matched });
  }
  if (kept.length === 0) return;
  const described = await describePathRows(reader, graphs, ds.ds, kept.map((k) => k.row), paths);
  for (const [i, { node, matched }] of kept.entries()) {
    const access = permissionsOf(described[i]!);
    if (access.permissions.length > 0) tally.add(node, matched, access);
    if (tally.done()) return;
  }
}

/** A row's permissions and canonical types (a role's rows hold only the paths that carry the role: `pathsOfAsked`). */
function permissionsOf(row: EffectivePermission): { permissions: string[]; canonicalTypes: string[] } {
  return { permissions: [...new Set(row.paths.map((p) => p.permission))], canonicalTypes: [...new Set(row.paths.flatMap((p) => p.canonical_types))] };
}

/** Nodes joined to the source by an identity link (either direction) or that it is a member of. */
async function linkedTo(db: Kysely<Database>, graphs: GraphStorage, source: SourceNode, tally: Tally): Promise<void> {
  const out = await db.selectFrom('identity_links').select(['to_ds as ds', 'to_node as node']).where('ds', '=', source.seq).where('node', '=', source.node).execute();
  const into = await db.selectFrom('identity_links').select(['ds', 'node']).where('to_ds', '=', source.seq).where('to_node', '=', source.node).execute();
  const byDs = new Map<number, Set<number>>();
  const add = (ds: number, node: number) => (byDs.get(ds) ?? byDs.set(ds, new Set()).get(ds)!).add(node);
  for (const link of [...out, ...into]) add(Number(link.ds), Number(link.node));
  for (const group of await groupsOf(graphs.reader(db, source.seq), source.seq, source.node)) add(source.seq, group);
  if (byDs.size === 0) return;
  const ids = new Map((await db.selectFrom('data_sources').select(['seq', 'id']).where('seq', 'in', [...byDs.keys()]).execute()).map((r) => [Number(r.seq), r.id]));
  for (const [seq, nodes] of [...byDs].sort((a, b) => a[0] - b[0])) {
    const dsId = ids.get(seq);
    if (dsId === undefined) continue;
    const found = await selectableNodes(db, graphs.reader(db, seq), { ds: seq, dsId }, [...nodes], tally.relation.destinations);
    for (const node of found.values()) {
      tally.add(node, tally.matching(node));
      if (tally.done()) return;
    }
  }
}

/** Nodes of one data source by id, as selectors see them (properties and, when asked about, tags). */
export async function selectableNodes(db: Kysely<Database>, reader: Kysely<Database>, ds: { ds: number; dsId: string }, ids: readonly number[], set: NodeSet | undefined): Promise<Map<number, SelectableNode>> {
  const rows = await inChunks([...new Set(ids)], (slice) =>
    reader.selectFrom('graph_nodes').select(['id', 'kind', 'node_key', 'name', 'node_type', 'properties']).where('ds', '=', ds.ds).where('id', 'in', slice).execute(),
  );
  const tags = set !== undefined && nodeSetNeedsTags(set) ? await tagsOf(db, ds.ds, rows.map((r) => r.node_key)) : new Map<string, Array<{ key: string; value: string }>>();
  return new Map(
    rows.map((row) => [
      Number(row.id),
      { id: encodeNodeId(ds.dsId, row.node_key), kind: row.kind, nodeType: row.node_type, properties: nodeProperties(row), tags: tags.get(row.node_key) ?? [] },
    ]),
  );
}

/** A node's properties as conditions name them: stored ones (custom as `customprop_<name>`) and its `name`. */
export function nodeProperties(row: { name: string; properties: string }): Record<string, unknown> {
  return { name: row.name, ...(JSON.parse(row.properties) as Record<string, unknown>) };
}

/** Tags of nodes of one data source, by node key (tags are kept in a table shared by every data source). */
export async function tagsOf(db: Kysely<Database>, ds: number, nodeKeys: readonly string[]): Promise<Map<string, Array<{ key: string; value: string }>>> {
  const rows = await inChunks([...new Set(nodeKeys)], (slice) => db.selectFrom('graph_tags').select(['node_key', 'tag_key', 'tag_value']).where('ds', '=', ds).where('node_key', 'in', slice).execute());
  const result = new Map<string, Array<{ key: string; value: string }>>();
  for (const row of rows) (result.get(row.node_key) ?? result.set(row.node_key, []).get(row.node_key)!).push({ key: row.tag_key, value: row.tag_value });
  return result;
}

import { sql, type Kysely } from 'kysely';
import { ASK, type SliceNode, type StoredGrant } from '@accessgraph/core';
import type { Database } from './database.js';
import { inChunks } from './grant-paths.js';

/** A stored node as a change made by difference reads it. */
export interface StoredNode extends SliceNode {
  kind: string;
  nodeType: string;
  /** The application node that holds it, if any. */
  appId: number | null;
}

/** Index lookups into one data source's graph tables, for the slices of changes made by difference. */
export class NodeReader {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly ds: number,
  ) {}

  /**
   * `light`: without properties (read as none), for the nodes a change only refers to — the
   * groups, roles and resources of read-back memberships and entries, ancestors — whose rows it
   * does not write: thousands of them for a thousand entries, and their JSON costs more than the rest.
   */
  private nodes(light = false) {
    const columns = ['id', 'kind', 'node_key', 'local_key', 'name', 'node_type', 'app_id', 'parent_id', 'resource_type'] as const;
    const query = this.db.selectFrom('graph_nodes').where('ds', '=', this.ds);
    return light ? query.select([...columns, sql<string>`'{}'`.as('properties')]) : query.select([...columns, 'properties']);
  }

  byKeys(keys: readonly string[], light = false): Promise<StoredNode[]> {
    return inChunks(keys, async (slice) => (await this.nodes(light).where('node_key', 'in', slice).execute()).map(toNode));
  }

  byIds(ids: readonly number[], light = false): Promise<StoredNode[]> {
    return inChunks(ids, async (slice) => (await this.nodes(light).where('id', 'in', slice).execute()).map(toNode));
  }

  byLookupKeys(keys: readonly string[]): Promise<StoredNode[]> {
    return inChunks(keys, async (slice) => (await this.nodes().where('lookup_key', 'in', slice).execute()).map(toNode));
  }

  edgesFrom(ids: readonly number[], kinds: readonly string[]): Promise<Array<{ kind: string; from: number; to: number; properties: Record<string, unknown> | null }>> {
    return inChunks(ids, async (slice) => {
      const rows = await this.db.selectFrom('graph_edges').select(['kind', 'from_id', 'to_id', 'properties']).where('ds', '=', this.ds).where('from_id', 'in', slice).where('kind', 'in', kinds).execute();
      return rows.map((r) => ({ kind: r.kind, from: Number(r.from_id), to: Number(r.to_id), properties: r.properties === null ? null : (JSON.parse(r.properties) as Record<string, unknown>) }));
    });
  }

  /** The edges of these kinds from these nodes, without their properties (for many nodes: parsing them costs more than the read). */
  bareEdgesFrom(ids: readonly number[], kinds: readonly string[]): Promise<Array<{ from: number; to: number }>> {
    return inChunks(ids, async (slice) => {
      const rows = await this.db.selectFrom('graph_edges').select(['from_id', 'to_id']).where('ds', '=', this.ds).where('from_id', 'in', slice).where('kind', 'in', kinds).execute();
      return rows.map((r) => ({ from: Number(r.from_id), to: Number(r.to_id) }));
    });
  }

  /** The edges of these kinds to these nodes. */
  edgesTo(ids: readonly number[], kinds: readonly string[]): Promise<Array<{ kind: string; from: number; to: number }>> {
    return inChunks(ids, async (slice) => {
      const rows = await this.db.selectFrom('graph_edges').select(['kind', 'from_id', 'to_id']).where('ds', '=', this.ds).where('to_id', 'in', slice).where('kind', 'in', kinds).execute();
      return rows.map((r) => ({ kind: r.kind, from: Number(r.from_id), to: Number(r.to_id) }));
    });
  }

  /** The nodes of `kind` that are members (`member_of`) of these nodes: a group's member groups without reading its users. */
  async membersOfKind(ids: readonly number[], kind: string): Promise<number[]> {
    const rows = await inChunks(ids, (slice) =>
      this.db
        .selectFrom('graph_edges as e')
        .innerJoin('graph_nodes as n', (join) => join.onRef('n.ds', '=', 'e.ds').onRef('n.id', '=', 'e.from_id'))
        .select('e.from_id')
        .where('e.ds', '=', this.ds)
        .where('e.to_id', 'in', slice)
        .where('e.kind', '=', 'member_of')
        .where('n.kind', '=', kind)
        .execute(),
    );
    return [...new Set(rows.map((r) => Number(r.from_id)))];
  }

  /** The grants these principals hold, whole: with their type filters (lower-cased), read for the typed ones. */
  async grantsOf(holders: readonly number[]): Promise<Array<StoredGrant & { holder: number }>> {
    const grants = await inChunks(holders, async (slice) => {
      const rows = await this.db.selectFrom('graph_grants').select(['id', 'holder', 'permission', 'scope', 'role', 'self', 'descendants', 'typed']).where('ds', '=', this.ds).where('holder', 'in', slice).execute();
      return rows.map((r) => ({
        id: Number(r.id),
        holder: Number(r.holder),
        permission: Number(r.permission),
        scope: Number(r.scope),
        role: r.role === null ? null : Number(r.role),
        self: Number(r.self) === 1,
        descendants: Number(r.descendants) === 1,
        types: Number(r.typed) === 1 ? ([] as string[]) : null,
      }));
    });
    const typed = new Map(grants.filter((g) => g.types !== null).map((g) => [g.id, g.types!]));
    const types = await inChunks([...typed.keys()], (ids) => this.db.selectFrom('graph_grant_types').select(['grant_id', 'type_key']).where('ds', '=', this.ds).where('grant_id', 'in', ids).execute());
    for (const row of types) typed.get(Number(row.grant_id))!.push(row.type_key);
    return grants;
  }

  /** Each node's `identities` strings. */
  async identities(ids: readonly number[]): Promise<Map<number, string[]>> {
    const rows = await inChunks(ids, (slice) =>
      this.db.selectFrom('graph_identity_refs').select(['node', 'identity']).where('ds', '=', this.ds).where('node', 'in', slice).where('source', '=', ASK.identities).execute(),
    );
    return groupBy(rows, (r) => Number(r.node), (r) => r.identity);
  }

  async tags(keys: readonly string[]): Promise<Map<string, Array<{ key: string; value: string }>>> {
    const rows = await inChunks(keys, (slice) =>
      this.db.selectFrom('graph_tags').select(['node_key', 'tag_key', 'tag_value']).where('ds', '=', this.ds).where('node_key', 'in', slice).orderBy('node_key').orderBy('tag_key').orderBy('tag_value').execute(),
    );
    return groupBy(rows, (r) => r.node_key, (r) => ({ key: r.tag_key, value: r.tag_value }));
  }

  async grantCounts(holders: readonly number[]): Promise<Map<number, number>> {
    const rows = await inChunks(holders, (slice) =>
      this.db.selectFrom('graph_grants').select(['holder', (eb) => eb.fn.countAll<number | string>().as('n')]).where('ds', '=', this.ds).where('holder', 'in', slice).groupBy('holder').execute(),
    );
    return new Map(rows.map((r) => [Number(r.holder), Number(r.n)]));
  }

  /** How many bindings (has_role and has_permission edges) each principal has. */
  async bindingCounts(ids: readonly number[]): Promise<Map<number, number>> {
    const counts = new Map<number, number>();
    for (const edge of await this.bareEdgesFrom(ids, ['has_role', 'has_permission'])) counts.set(edge.from, (counts.get(edge.from) ?? 0) + 1);
    return counts;
  }

  /** The data source's declared resource types, lower-cased. */
  async resourceTypes(): Promise<string[]> {
    const rows = await this.db.selectFrom('data_source_types').select('type_key').where('ds', '=', this.ds).where('kind', '=', 'resource_type').execute();
    return rows.map((r) => r.type_key);
  }

  async descendants(ids: readonly number[]): Promise<number[]> {
    const rows = await inChunks(ids, (slice) => this.db.selectFrom('graph_ancestry').select('node').where('ds', '=', this.ds).where('ancestor', 'in', slice).where('depth', '>', 0).execute());
    return [...new Set(rows.map((r) => Number(r.node)))];
  }

  /** Whether any of these roles (by node key) is assigned to anyone. */
  async anyAssigned(roleKeys: readonly string[]): Promise<boolean> {
    const roles = await this.byKeys(roleKeys);
    if (roles.length === 0) return false;
    const rows = await this.db.selectFrom('graph_edges').select('to_id').where('ds', '=', this.ds).where('to_id', 'in', roles.map((r) => r.id)).where('kind', '=', 'has_role').limit(1).execute();
    return rows.length > 0;
  }

  /** The holders of grants whose scope is one of these nodes (through the grants' second key). */
  async grantHoldersOn(ids: readonly number[]): Promise<Set<number>> {
    const rows = await inChunks(ids, (slice) => this.db.selectFrom('graph_grants_by_scope').select('holder').distinct().where('ds', '=', this.ds).where('scope', 'in', slice).execute());
    return new Set(rows.map((r) => Number(r.holder)));
  }

  async ancestors(ids: readonly number[]): Promise<number[]> {
    const rows = await inChunks(ids, (slice) => this.db.selectFrom('graph_ancestry').select('ancestor').where('ds', '=', this.ds).where('node', 'in', slice).where('depth', '>', 0).execute());
    return [...new Set(rows.map((r) => Number(r.ancestor)))];
  }

  async reach(principals: readonly number[]): Promise<Map<number, Array<readonly [number, number]>>> {
    const rows = await inChunks(principals, (slice) => this.db.selectFrom('graph_reach').select(['principal', 'holder', 'depth']).where('ds', '=', this.ds).where('principal', 'in', slice).execute());
    return groupBy(rows, (r) => Number(r.principal), (r) => [Number(r.holder), Number(r.depth)] as const);
  }
}

function toNode(row: { id: number | string; kind: string; node_key: string; local_key: string; name: string; node_type: string; app_id: number | string | null; properties: string; parent_id: number | string | null; resource_type: string | null }): StoredNode {
  return {
    id: Number(row.id),
    kind: row.kind,
    key: row.node_key,
    localKey: row.local_key,
    name: row.name,
    nodeType: row.node_type,
    appId: row.app_id === null ? null : Number(row.app_id),
    properties: JSON.parse(row.properties) as Record<string, unknown>,
    parentId: row.parent_id === null ? null : Number(row.parent_id),
    resourceType: row.resource_type,
  };
}

export function groupBy<T, K, V>(items: readonly T[], key: (item: T) => K, value: (item: T) => V): Map<K, V[]> {
  const groups = new Map<K, V[]>();
  for (const item of items) (groups.get(key(item)) ?? groups.set(key(item), []).get(key(item))!).push(value(item));
  return groups;
}

/**
 * Every node reached from `starts` by following `next` a level at a time (one read per level, over
 * the whole frontier), each once, with `known` (reached already, not followed again); so cycles end.
 */
export async function walkLevels(starts: readonly number[], next: (frontier: number[]) => Promise<readonly number[]>, known: ReadonlySet<number> = new Set()): Promise<Set<number>> {
  const found = new Set(known);
  let frontier = [...starts];
  while (frontier.length > 0) {
    frontier = [...new Set(await next(frontier))].filter((id) => !found.has(id));
    for (const id of frontier) found.add(id);
  }
  return found;
}

/** Nodes by id, each once (the last of a repeated id wins: callers list the fullest read last). */
export function uniqueNodes<T extends { id: number }>(nodes: readonly T[]): T[] {
  return [...new Map(nodes.map((n) => [n.id, n])).values()];
}

import { sql, type Kysely, type SqlBool } from 'kysely';
import type { Neighbour, NodeDetail } from '@accessgraph/contract';
import { decodeNodeId, type KeysetValue } from '@accessgraph/core';
import type { Database } from './database.js';
import type { GraphStorage } from './graph-writer.js';
import { nodeSummary } from './node-summary.js';
import { PREPARED } from './prepared-statements.js';
import { StoreError } from './store-error.js';
import type { Page } from './store.js';

/** A node found by its id: its data source and row. */
export interface Located {
  ds: { seq: number; id: string; name: string; provider_id: string; provider_name: string; template: string };
  node: { id: number; kind: string; node_key: string; local_key: string; name: string; node_type: string; app_id: number | null; app_name: string | null; properties: string };
}

/**
 * Data source `dataSourceId` (as a node id spells it) if it has been pushed. A prepared statement
 * (PostgreSQL plans it once per access connection): every question about a node starts here.
 */
export async function pushedDataSourceRow(db: Kysely<Database>, dataSourceId: string): Promise<Located['ds'] | undefined> {
  return (
    await sql<Located['ds']>`${sql.raw(PREPARED)}
      select d.seq, d.id, d.name, d.provider_id, p.name as provider_name, p.custom_template as template
      from data_sources d inner join data_source_states s on s.ds = d.seq inner join providers p on p.id = d.provider_id
      where d.id = ${dataSourceId}`.execute(db)
  ).rows[0];
}

/**
 * The node of a node id, with its application's name, if its data source has a graph with that key.
 * Every question about a node starts here: two prepared statements (PostgreSQL plans each once per
 * access connection).
 */
export async function locate(db: Kysely<Database>, graphs: GraphStorage, nodeId: string): Promise<Located | undefined> {
  const decoded = decodeNodeId(nodeId);
  if (decoded === undefined) return undefined;
  const ds = await pushedDataSourceRow(db, decoded.dataSourceId);
  if (ds === undefined) return undefined;
  const seq = Number(ds.seq);
  const nodes = graphs.table('graph_nodes', seq);
  const node = (
    await sql<Located['node']>`${sql.raw(PREPARED)}
      select n.id, n.kind, n.node_key, n.local_key, n.name, n.node_type, n.app_id, app.name as app_name, n.properties
      from ${nodes} n left join ${nodes} app on app.ds = n.ds and app.id = n.app_id
      where n.ds = ${seq} and n.node_key = ${decoded.nodeKey}`.execute(db)
  ).rows[0];
  if (node === undefined) return undefined;
  return { ds: { ...ds, seq }, node: { ...node, id: Number(node.id), app_id: node.app_id === null ? null : Number(node.app_id) } };
}

/** One node with its data source, properties, tags and neighbour counts; undefined for an unknown id. */
export async function getNodeDetail(db: Kysely<Database>, graphs: GraphStorage, nodeId: string): Promise<NodeDetail | undefined> {
  const found = await locate(db, graphs, nodeId);
  if (found === undefined) return undefined;
  const { ds, node } = found;
  const reader = graphs.reader(db, ds.seq);
  const tags = await db.selectFrom('graph_tags').select(['tag_key', 'tag_value']).where('ds', '=', ds.seq).where('node_key', '=', node.node_key).orderBy('tag_key').orderBy('tag_value').execute();
  const counts = async (direction: 'out' | 'in') => {
    const column = direction === 'out' ? 'from_id' : 'to_id';
    const rows = await reader.selectFrom('graph_edges').select(['kind', (eb) => eb.fn.countAll<number | string>().as('n')]).where('ds', '=', ds.seq).where(column, '=', node.id).groupBy('kind').execute();
    return rows.map((r) => ({ edge: r.kind, direction, count: Number(r.n) }));
  };
  const links = await linkRows(db, ds.seq, node.id);
  const linked = (['out', 'in'] as const).map((direction) => ({ edge: 'linked', direction, count: links.filter((l) => l.direction === direction).length })).filter((c) => c.count > 0);
  const neighbours = [...(await counts('out')), ...(await counts('in')), ...linked].sort((a, b) => order(a.direction, b.direction) || order(a.edge, b.edge));
  return {
    ...nodeSummary(ds, node, node.app_name),
    data_source_name: ds.name,
    provider_name: ds.provider_name,
    template: ds.template,
    properties: JSON.parse(node.properties) as Record<string, unknown>,
    tags: tags.map((t) => ({ key: t.tag_key, value: t.tag_value })),
    neighbours,
  };
}

export interface NeighbourRequest {
  edge?: string;
  direction?: 'out' | 'in';
  pageSize: number;
  /** (direction, edge, data source id, node key) of the last neighbour of the previous page. */
  after?: KeysetValue[];
}

/**
 * A page of a node's neighbours: in, then out; by edge kind; then by the neighbour's data source
 * id and node key (stable values, so paging returns each once). Edges within the data source are
 * read a page at a time in that order; identity links (`linked`, to other data sources) are few
 * per node and are read whole. Undefined for an unknown node id.
 */
export async function listNeighbours(db: Kysely<Database>, graphs: GraphStorage, nodeId: string, request: NeighbourRequest): Promise<Page<Neighbour> | undefined> {
  const found = await locate(db, graphs, nodeId);
  if (found === undefined) return undefined;
  const after = request.after === undefined ? undefined : cursor(request.after);
  const limit = request.pageSize + 1;
  const rows: Candidate[] = [];
  const links = request.edge === undefined || request.edge === 'linked' ? await linkRows(db, found.ds.seq, found.node.id) : [];
  for (const direction of ['in', 'out'] as const) {
    if (request.direction !== undefined && request.direction !== direction) continue;
    if (after !== undefined && order(direction, after[0]) < 0) continue;
    rows.push(...(await edgeNeighbours(db, graphs, found, direction, request.edge, after, limit)));
    rows.push(...(await linkedNeighbours(db, graphs, links.filter((l) => l.direction === direction), direction, after)));
  }
  rows.sort(compareCandidates);
  const page = rows.slice(0, request.pageSize);
  const items = await Promise.all(page.map((c) => c.neighbour()));
  if (rows.length <= request.pageSize) return { items };
  const last = page[page.length - 1]!;
  return { items, nextAfter: [last.direction, last.edge, last.dataSourceId, last.nodeKey] };
}

/** A neighbour before it is described: its sort key, and how to describe it. */
interface Candidate {
  direction: 'out' | 'in';
  edge: string;
  dataSourceId: string;
  nodeKey: string;
  neighbour: () => Promise<Neighbour>;
}

function compareCandidates(a: Candidate, b: Candidate): number {
  return order(a.direction, b.direction) || order(a.edge, b.edge) || order(a.dataSourceId, b.dataSourceId) || order(a.nodeKey, b.nodeKey);
}

/** Bytewise order, as both engines sort key columns. */
function order(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function cursor(after: KeysetValue[]): [string, string, string, string] {
  if (after.length !== 4 || !after.every((v) => typeof v === 'string')) throw new StoreError('invalid_cursor', 'page token does not match the neighbour order');
  return after as [string, string, string, string];
}

/** Edges of the node's own data source in one direction, with the node at their other end, after the cursor, in order. */
async function edgeNeighbours(
  db: Kysely<Database>,
  graphs: GraphStorage,
  found: Located,
  direction: 'out' | 'in',
  edge: string | undefined,
  after: readonly [string, string, string, string] | undefined,
  limit: number,
): Promise<Candidate[]> {
  const { ds, node } = found;
  const [here, there] = direction === 'out' ? (['e.from_id', 'e.to_id'] as const) : (['e.to_id', 'e.from_id'] as const);
  let query = graphs
    .reader(db, ds.seq)
    .selectFrom('graph_edges as e')
    .innerJoin('graph_nodes as n', (join) => join.onRef('n.ds', '=', 'e.ds').onRef('n.id', '=', there))
    .select(['e.kind', 'e.properties as edge_properties', 'n.kind as node_kind', 'n.node_key', 'n.local_key', 'n.name', 'n.node_type', 'n.app_id'])
    .where('e.ds', '=', ds.seq)
    .where(here, '=', node.id);
  if (edge !== undefined) query = query.where('e.kind', '=', edge);
  if (after !== undefined && after[0] === direction) {
    // Within this direction, strictly after (edge, data source id, node key); the data source is this one.
    const [, afterEdge, afterDs, afterKey] = after;
    query = query.where(
      ds.id > afterDs
        ? sql<SqlBool>`e.kind >= ${afterEdge}`
        : ds.id < afterDs
          ? sql<SqlBool>`e.kind > ${afterEdge}`
          : sql<SqlBool>`(e.kind > ${afterEdge} or (e.kind = ${afterEdge} and n.node_key > ${afterKey}))`,
    );
  }
  const rows = await query.orderBy('e.kind').orderBy('n.node_key').limit(limit).execute();
  return rows.map((r) => ({
    direction,
    edge: r.kind,
    dataSourceId: ds.id,
    nodeKey: r.node_key,
    neighbour: async () => ({
      edge: r.kind,
      direction,
      node: nodeSummary(ds, { kind: r.node_kind, node_key: r.node_key, local_key: r.local_key, name: r.name, node_type: r.node_type }, await appName(db, graphs, ds.seq, r.app_id)),
      properties: r.edge_properties === null ? {} : (JSON.parse(r.edge_properties) as Record<string, unknown>),
    }),
  }));
}

interface LinkRow {
  direction: 'out' | 'in';
  otherDs: number;
  otherNode: number;
  rule: string;
  via: string;
  detail: string;
}

/** The node's identity links, both ways (a node has few). */
async function linkRows(db: Kysely<Database>, ds: number, node: number): Promise<LinkRow[]> {
  const out = await db.selectFrom('identity_links').select(['to_ds', 'to_node', 'rule', 'via', 'detail']).where('ds', '=', ds).where('node', '=', node).execute();
  const into = await db.selectFrom('identity_links').select(['ds', 'node', 'rule', 'via', 'detail']).where('to_ds', '=', ds).where('to_node', '=', node).execute();
  return [
    ...out.map((l) => ({ direction: 'out' as const, otherDs: Number(l.to_ds), otherNode: Number(l.to_node), rule: l.rule, via: l.via, detail: l.detail })),
    ...into.map((l) => ({ direction: 'in' as const, otherDs: Number(l.ds), otherNode: Number(l.node), rule: l.rule, via: l.via, detail: l.detail })),
  ];
}

/** The node's identity links in one direction, as neighbours by `linked`, after the cursor. */
async function linkedNeighbours(db: Kysely<Database>, graphs: GraphStorage, links: readonly LinkRow[], direction: 'out' | 'in', after: readonly [string, string, string, string] | undefined): Promise<Candidate[]> {
  const candidates: Candidate[] = [];
  for (const link of links) {
    const other = await db
      .selectFrom('data_sources as d')
      .innerJoin('providers as p', 'p.id', 'd.provider_id')
      .select(['d.seq', 'd.id', 'd.name', 'd.provider_id', 'p.name as provider_name', 'p.custom_template as template'])
      .where('d.seq', '=', link.otherDs)
      .executeTakeFirst();
    if (other === undefined) continue;
    const seq = Number(other.seq);
    const node = await graphs.reader(db, seq).selectFrom('graph_nodes').select(['kind', 'node_key', 'local_key', 'name', 'node_type', 'app_id']).where('ds', '=', seq).where('id', '=', link.otherNode).executeTakeFirst();
    if (node === undefined) continue;
    const candidate: Candidate = {
      direction,
      edge: 'linked',
      dataSourceId: other.id,
      nodeKey: node.node_key,
      neighbour: async () => ({
        edge: 'linked',
        direction,
        node: nodeSummary(other, node, await appName(db, graphs, seq, node.app_id)),
        properties: { rule: link.rule, via: link.via, ...(JSON.parse(link.detail) as Record<string, unknown>) },
      }),
    };
    if (after === undefined || compareCandidates(candidate, { direction: after[0] as 'out' | 'in', edge: after[1], dataSourceId: after[2], nodeKey: after[3], neighbour: () => Promise.reject(new Error('cursor')) }) > 0) candidates.push(candidate);
  }
  return candidates;
}

async function appName(db: Kysely<Database>, graphs: GraphStorage, ds: number, appId: number | null): Promise<string | null> {
  if (appId === null) return null;
  const row = await graphs.reader(db, ds).selectFrom('graph_nodes').select('name').where('ds', '=', ds).where('id', '=', Number(appId)).executeTakeFirst();
  return row?.name ?? null;
}

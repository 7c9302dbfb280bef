import { sql, type Kysely, type SqlBool } from 'kysely';
import type { NodeSummary } from '@accessgraph/contract';
import { matchesProperties, PAYLOAD_TEMPLATES, type KeysetValue, type NodeSearch } from '@accessgraph/core';
import type { CustomTemplate } from '@accessgraph/contract';
import type { GraphNodeRow } from './graph-tables.js';
import type { Database } from './database.js';
import type { GraphStorage } from './graph-writer.js';
import { escapeLike } from './keyset-list.js';
import { nodeSummary } from './node-summary.js';
import { StoreError } from './store-error.js';
import type { Page } from './store.js';

export interface NodeSearchRequest {
  search: NodeSearch;
  pageSize: number;
  /** (data source id, node key) of the last node of the previous page. */
  after?: KeysetValue[];
  /** Also count every match. */
  total?: boolean;
}

/** A data source with a graph, as a search walks them. */
interface SearchedSource {
  seq: number;
  id: string;
  provider_id: string;
}

/** Rows read per query while a page fills up. */
const BATCH = 1_000;

/**
 * Nodes of every data source that match a search, ordered by data source id, then node key: a
 * keyset order of stable values, so paging returns every node that exists throughout exactly
 * once, whatever is pushed meanwhile. The type, the key and tags are conditions in SQL; the name
 * and node type (ignoring case as JavaScript folds it, which neither engine's lower() does in
 * every locale) and property filters are checked as rows are read, a batch at a time.
 */
export async function searchNodes(db: Kysely<Database>, graphs: GraphStorage, request: NodeSearchRequest): Promise<Page<NodeSummary> & { total?: number }> {
  const after = request.after === undefined ? undefined : cursor(request.after);
  const sources = await searchedSources(db, request.search);
  const found: Found[] = [];
  let more = false;
  for (const source of sources) {
    if (after !== undefined && source.id < after[0]) continue;
    const from = after !== undefined && source.id === after[0] ? after[1] : undefined;
    for await (const rows of matching(db, graphs, source, request.search, from)) {
      for (const row of rows) {
        if (found.length === request.pageSize) {
          more = true;
          break;
        }
        found.push(foundNode(source, row));
      }
      if (more) break;
    }
    if (more) break;
  }
  await nameApplications(db, graphs, found, sources);
  const page: Page<NodeSummary> & { total?: number } = { items: found.map((f) => f.summary) };
  if (more) {
    const last = found[found.length - 1]!;
    page.nextAfter = [last.summary.data_source_id, last.nodeKey];
  }
  if (request.total) page.total = await countMatches(db, graphs, sources, request.search);
  return page;
}

/** A node as the search reads it (properties only when a condition needs them). */
type NodeRow = Pick<GraphNodeRow, 'id' | 'kind' | 'node_key' | 'local_key' | 'name' | 'node_type' | 'app_id'> & { properties?: string };

/** A node of the page being built, with what the page needs besides its summary. */
interface Found {
  summary: NodeSummary;
  /** The node key, the second half of the keyset (summaries show the key as pushed). */
  nodeKey: string;
  appId: number | null;
}

function foundNode(source: SearchedSource, row: NodeRow): Found {
  return {
    summary: nodeSummary(source, row, null),
    nodeKey: row.node_key,
    appId: row.app_id === null ? null : Number(row.app_id),
  };
}

function cursor(after: KeysetValue[]): [string, string] {
  if (after.length !== 2 || typeof after[0] !== 'string' || typeof after[1] !== 'string') throw new StoreError('invalid_cursor', 'page token does not match the node order');
  return [after[0], after[1]];
}

/**
 * The data sources with a graph that the search may find nodes in, by id. A search for one type
 * of node skips the data sources whose template makes no such nodes (an IdP user is in no
 * application): otherwise it reads every data source, a query each.
 */
async function searchedSources(db: Kysely<Database>, search: NodeSearch): Promise<SearchedSource[]> {
  let query = db
    .selectFrom('data_sources as d')
    .innerJoin('data_source_states as s', 's.ds', 'd.seq')
    .innerJoin('providers as p', 'p.id', 'd.provider_id')
    .select(['d.seq', 'd.id', 'd.provider_id', 'p.custom_template']);
  if (search.dataSourceId !== undefined) query = query.where('d.id', '=', search.dataSourceId);
  if (search.providerId !== undefined) query = query.where('d.provider_id', '=', search.providerId);
  const rows = await query.orderBy('d.id').execute();
  const holds = (template: string) => search.type === undefined || (PAYLOAD_TEMPLATES[template as CustomTemplate]?.nodeKinds.includes(search.type) ?? true);
  return rows.filter((r) => holds(r.custom_template)).map((r) => ({ seq: Number(r.seq), id: r.id, provider_id: r.provider_id }));
}

/** The matching nodes of one data source after node key `from`, in node key order, a batch at a time. */
async function* matching(db: Kysely<Database>, graphs: GraphStorage, source: SearchedSource, search: NodeSearch, from: string | undefined): AsyncGenerator<NodeRow[]> {
  const reader = graphs.reader(db, source.seq);
  let last = from;
  for (;;) {
    let query = reader
      .selectFrom('graph_nodes as n')
      .select(['n.id', 'n.kind', 'n.node_key', 'n.local_key', 'n.name', 'n.node_type', 'n.app_id'])
      .where('n.ds', '=', source.seq);
    if (search.properties !== undefined) query = query.select('n.properties');
    if (search.type !== undefined) query = query.where('n.kind', '=', search.type);
    if (search.key?.exact !== undefined) query = query.where('n.lookup_key', '=', search.key.exact);
    if (search.key?.contains !== undefined) query = query.where(sql<SqlBool>`n.lookup_key like ${`%${escapeLike(search.key.contains)}%`} escape '\\'`);
    for (const tag of search.tags) query = query.where(hasTag(source.seq, tag));
    if (last !== undefined) query = query.where('n.node_key', '>', last);
    const rows = (await query.orderBy('n.node_key').limit(BATCH).execute()) as NodeRow[];
    if (rows.length === 0) return;
    last = rows[rows.length - 1]!.node_key;
    yield rows.filter((row) => passes(row, search));
    if (rows.length < BATCH) return;
  }
}

function passes(row: NodeRow, search: NodeSearch): boolean {
  if (search.nodeType !== undefined && row.node_type.toLowerCase() !== search.nodeType) return false;
  if (search.name !== undefined) {
    const name = row.name.toLowerCase();
    if (search.name.exact !== undefined && name !== search.name.exact) return false;
    if (search.name.contains !== undefined && !name.includes(search.name.contains)) return false;
  }
  return search.properties === undefined || matchesProperties(search.properties, JSON.parse(row.properties!) as Record<string, unknown>);
}

/** The node carries the tag (tags are kept by node key, exactly as pushed; a tag without value has ''). */
function hasTag(ds: number, tag: { key: string; value?: string }) {
  const value = tag.value === undefined ? sql`` : sql` and t.tag_value = ${tag.value}`;
  return sql<SqlBool>`exists (select 1 from graph_tags t where t.ds = ${ds} and t.node_key = n.node_key and t.tag_key = ${tag.key}${value})`;
}


async function countMatches(db: Kysely<Database>, graphs: GraphStorage, sources: readonly SearchedSource[], search: NodeSearch): Promise<number> {
  let total = 0;
  for (const source of sources) for await (const rows of matching(db, graphs, source, search, undefined)) total += rows.length;
  return total;
}

/** Fills in the application names of a page's nodes (one lookup per data source). */
async function nameApplications(db: Kysely<Database>, graphs: GraphStorage, found: readonly Found[], sources: readonly SearchedSource[]): Promise<void> {
  const bySource = new Map<string, Found[]>();
  for (const f of found) if (f.appId !== null) (bySource.get(f.summary.data_source_id) ?? bySource.set(f.summary.data_source_id, []).get(f.summary.data_source_id)!).push(f);
  for (const [id, members] of bySource) {
    const seq = sources.find((s) => s.id === id)!.seq;
    const wanted = [...new Set(members.map((m) => m.appId!))];
    const apps = await graphs.reader(db, seq).selectFrom('graph_nodes').select(['id', 'name']).where('ds', '=', seq).where('id', 'in', wanted).execute();
    const names = new Map(apps.map((a) => [Number(a.id), a.name]));
    for (const member of members) member.summary.application = names.get(member.appId!) ?? null;
  }
}

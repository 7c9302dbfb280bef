import type { Kysely } from 'kysely';
import type { QuerySpecNode } from '@accessgraph/contract';
import { decodeNodeId, encodeNodeId, kindsOfNodeSet, matchesNodeSet, nodeSetNeedsTags, type KeysetValue, type NodeSet, type QuerySpec } from '@accessgraph/core';
import type { GraphNodeRow } from './graph-tables.js';
import type { Database } from './database.js';
import type { GraphStorage } from './graph-writer.js';
import { nodeSummary } from './node-summary.js';
import { nodeProperties, relatesToOf, relationOf, tagsOf, type RelationOutcome, type SourceNode } from './query-spec-relations.js';
import { StoreError } from './store-error.js';
import type { Page } from './store.js';

/** One page of a query spec's results (`POST /api/v1/assessments/query_spec:nodes`). */
export interface QuerySpecRequest {
  spec: QuerySpec;
  pageSize: number;
  /** (data source id, node key) of the last node examined by the previous page. */
  after?: KeysetValue[];
}

/** Source rows read per query. */
const BATCH = 1_000;
/**
 * Work one page may do before it answers, in rows read (a source's relations count as many): a
 * query whose matches are rare answers a short page (perhaps empty) with `has_more` and a token
 * that continues after the last node examined, rather than holding a request for minutes. Veza's
 * API does the same ("a page can be empty even when more results exist"); oaaclient follows
 * `has_more`, so nothing is lost.
 */
const WORK_PER_PAGE = 20_000;
const RELATION_COST = 50;

/**
 * The source nodes of a query spec, in (data source id, node key) order — stable keys, so paging
 * returns every node that matches throughout exactly once, whatever is pushed meanwhile. Nodes
 * are read a batch at a time, narrowed in the database to the kinds of node the source types can
 * be (and to the named nodes when selectors give `node_id`); node types, tags and conditions are
 * checked as rows are read; relations (destinations, permissions, no_relation) are worked out
 * per source that passes (`relationOf`).
 */
export async function evaluateQuerySpec(db: Kysely<Database>, graphs: GraphStorage, request: QuerySpecRequest): Promise<Page<QuerySpecNode>> {
  const items: QuerySpecNode[] = [];
  let lastItem: [string, string] | undefined;
  let work = 0;
  for await (const step of walk(db, graphs, request.spec, request.after === undefined ? undefined : cursor(request.after), true)) {
    work += step.cost;
    if (step.result !== undefined) {
      if (items.length === request.pageSize) return { items, nextAfter: lastItem! };
      items.push(step.result);
      lastItem = [step.dsId, step.nodeKey];
    }
    if (work >= WORK_PER_PAGE) return { items, nextAfter: [step.dsId, step.nodeKey] };
  }
  return { items };
}

/** How many source nodes the query spec answers (a full pass; `:result`'s `number_value`). */
export async function countQuerySpec(db: Kysely<Database>, graphs: GraphStorage, spec: QuerySpec): Promise<number> {
  let count = 0;
  for await (const step of walk(db, graphs, spec, undefined, false)) if (step.matched) count++;
  return count;
}

function cursor(after: KeysetValue[]): [string, string] {
  if (after.length !== 2 || typeof after[0] !== 'string' || typeof after[1] !== 'string') throw new StoreError('invalid_cursor', 'page token does not match the query spec order');
  return [after[0], after[1]];
}

/** A node examined (`matched` when it is a result, described when asked), or the end of a batch read; `cost` in rows. */
interface Step {
  dsId: string;
  nodeKey: string;
  matched: boolean;
  result?: QuerySpecNode;
  cost: number;
}

interface SourceDataSource {
  seq: number;
  id: string;
  provider_id: string;
}

/** A source node as read: the columns of a node the evaluation names and matches. */
type SourceRow = Pick<GraphNodeRow, 'id' | 'kind' | 'node_key' | 'local_key' | 'name' | 'node_type' | 'app_id' | 'properties'>;

async function* walk(db: Kysely<Database>, graphs: GraphStorage, spec: QuerySpec, after: [string, string] | undefined, describe: boolean): AsyncGenerator<Step> {
  const pinned = pinnedNodes(spec.sources);
  const kinds = kindsOfNodeSet(spec.sources);
  const needsTags = nodeSetNeedsTags(spec.sources);
  for (const source of await dataSources(db, pinned === undefined ? undefined : [...pinned.keys()])) {
    if (after !== undefined && source.id < after[0]) continue;
    const reader = graphs.reader(db, source.seq);
    const appNames = new Map<number, string>();
    let last = after !== undefined && source.id === after[0] ? after[1] : undefined;
    for (;;) {
      let query = reader
        .selectFrom('graph_nodes')
        .select(['id', 'kind', 'node_key', 'local_key', 'name', 'node_type', 'app_id', 'properties'])
        .where('ds', '=', source.seq)
        .where('kind', 'in', kinds);
      const keys = pinned?.get(source.id);
      if (keys !== undefined) query = query.where('node_key', 'in', keys);
      if (last !== undefined) query = query.where('node_key', '>', last);
      const rows = (await query.orderBy('node_key').limit(BATCH).execute()) as SourceRow[];
      if (rows.length === 0) break;
      last = rows[rows.length - 1]!.node_key;
      const tags = needsTags ? await tagsOf(db, source.seq, rows.map((r) => r.node_key)) : undefined;
      for (const row of rows) {
        const id = encodeNodeId(source.id, row.node_key);
        const properties = nodeProperties(row);
        if (!matchesNodeSet(spec.sources, { id, kind: row.kind, nodeType: row.node_type, properties, tags: tags?.get(row.node_key) ?? [] })) continue;
        let outcome: RelationOutcome | undefined;
        if (spec.relation !== undefined || spec.relatesTo !== undefined) {
          const ref = { type: row.kind, node_type: row.node_type, key: row.local_key, name: row.name, application: null, data_source_id: source.id };
          const asked: SourceNode = { seq: source.seq, dsId: source.id, node: Number(row.id), kind: row.kind, ref };
          outcome = await relationsOf(db, graphs, asked, spec);
          if (outcome === undefined) {
            yield { dsId: source.id, nodeKey: row.node_key, matched: false, cost: RELATION_COST };
            continue;
          }
        }
        const cost = outcome === undefined ? 1 : RELATION_COST;
        if (describe) yield { dsId: source.id, nodeKey: row.node_key, matched: true, result: await resultNode(reader, source, row, properties, outcome, appNames), cost };
        else yield { dsId: source.id, nodeKey: row.node_key, matched: true, cost };
      }
      yield { dsId: source.id, nodeKey: last, matched: false, cost: rows.length };
      if (rows.length < BATCH) break;
    }
  }
}

/**
 * A source's relations when it satisfies the spec's (`destination_node_types` with its filters and
 * `no_relation`, then `relates_to_exp`), else undefined. The destinations and permissions shown
 * are those of `destination_node_types` when the spec has them, else those of `relates_to_exp`.
 */
async function relationsOf(db: Kysely<Database>, graphs: GraphStorage, source: SourceNode, spec: QuerySpec): Promise<RelationOutcome | undefined> {
  let outcome: RelationOutcome | undefined;
  if (spec.relation !== undefined) {
    outcome = await relationOf(db, graphs, source, spec.relation, spec.relation.noRelation);
    if (outcome.holds === spec.relation.noRelation) return undefined;
  }
  if (spec.relatesTo !== undefined) {
    const related = await relatesToOf(db, graphs, source, spec.relatesTo);
    if (!related.holds) return undefined;
    outcome ??= related;
  }
  return outcome;
}

/** Node keys by data source id when the selectors name their nodes (`node_id`): every selector under OR, any under AND. */
function pinnedNodes(set: NodeSet): Map<string, string[]> | undefined {
  const ids = set.selectors.map((s) => s.nodeId);
  const named = set.operator === 'AND' ? ids.filter((id) => id !== undefined).slice(0, 1) : ids.every((id) => id !== undefined) ? ids : [];
  if (named.length === 0) return undefined;
  const pinned = new Map<string, string[]>();
  for (const id of named) {
    const decoded = decodeNodeId(id!)!;
    (pinned.get(decoded.dataSourceId) ?? pinned.set(decoded.dataSourceId, []).get(decoded.dataSourceId)!).push(decoded.nodeKey);
  }
  return pinned;
}

/** The data sources with a graph, by id (only those given, when the selectors name their nodes). */
async function dataSources(db: Kysely<Database>, only: string[] | undefined): Promise<SourceDataSource[]> {
  let query = db.selectFrom('data_sources as d').innerJoin('data_source_states as s', 's.ds', 'd.seq').select(['d.seq', 'd.id', 'd.provider_id']);
  if (only !== undefined) query = query.where('d.id', 'in', only);
  const rows = await query.orderBy('d.id').execute();
  return rows.map((r) => ({ seq: Number(r.seq), id: r.id, provider_id: r.provider_id }));
}

/** A result as Veza shapes it (`id`, `type`, `properties`, `destination_node_count`, permissions) with our node summary. */
async function resultNode(
  reader: Kysely<Database>,
  source: SourceDataSource,
  row: SourceRow,
  properties: Record<string, unknown>,
  outcome: RelationOutcome | undefined,
  appNames: Map<number, string>,
): Promise<QuerySpecNode> {
  let application: string | null = null;
  if (row.app_id !== null) {
    const appId = Number(row.app_id);
    if (!appNames.has(appId)) {
      const app = await reader.selectFrom('graph_nodes').select('name').where('ds', '=', source.seq).where('id', '=', appId).executeTakeFirst();
      appNames.set(appId, app?.name ?? '');
    }
    application = appNames.get(appId) ?? null;
  }
  const permissions = [...(outcome?.permissions ?? [])].sort(byText);
  return {
    id: encodeNodeId(source.id, row.node_key),
    type: row.node_type,
    properties,
    destination_node_count: outcome?.destinations.size ?? 0,
    permissions,
    raw_permissions: permissions,
    effective_permissions: [...(outcome?.canonicalTypes ?? [])].map(upperSnake).sort(),
    node: nodeSummary(source, row, application),
  };
}

const byCodeUnits = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const byText = (a: string, b: string) => byCodeUnits(a.toLowerCase(), b.toLowerCase()) || byCodeUnits(a, b);

/** `DataRead` as queries spell it: `DATA_READ`. */
function upperSnake(type: string): string {
  return type.replace(/([a-z])([A-Z])/g, '$1_$2').toUpperCase();
}

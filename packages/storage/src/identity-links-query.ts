import type { ExpressionBuilder, Kysely } from 'kysely';
import type { IdentityLinkRow, LinkEnd } from '@accessgraph/contract';
import { ASK, splitKind, unlinkedAsks, type IdentityLink, type IdentityRef, type KeysetValue, type LinkRule } from '@accessgraph/core';
import type { Database } from './database.js';
import { pushedDataSource } from './data-sources.js';
import { inChunks } from './grant-paths.js';
import type { GraphStorage } from './graph-writer.js';
import { StoreError } from './store-error.js';
import type { Page } from './store.js';

export interface IdentityLinkQuery {
  /** The data source's identity strings that link to nothing, instead of its links. */
  unlinked?: boolean;
  pageSize: number;
  after?: KeysetValue[];
}

type LinkKey = [ds: number, node: number, toDs: number, toNode: number, rule: string];
type LinkTableRow = Database['identity_links'];

/**
 * A page of the links that touch a data source, in both directions (design: "identity links"),
 * ordered by (from data source, from node, to data source, to node, rule) — or, with `unlinked`,
 * of its identity strings that link to nothing, ordered by (node, kind, string).
 */
export async function listIdentityLinks(db: Kysely<Database>, graphs: GraphStorage, dataSourceId: string, query: IdentityLinkQuery): Promise<Page<IdentityLinkRow>> {
  const ds = await pushedDataSource(db, dataSourceId);
  if (ds === undefined) return { items: [] };
  return query.unlinked ? unlinkedPage(db, graphs, ds, query) : linkPage(db, graphs, ds, query);
}

async function linkPage(db: Kysely<Database>, graphs: GraphStorage, ds: number, query: IdentityLinkQuery): Promise<Page<IdentityLinkRow>> {
  const after = query.after === undefined ? undefined : linkCursor(query.after);
  const limit = query.pageSize + 1;
  const side = (column: 'ds' | 'to_ds') => {
    let q = db.selectFrom('identity_links').selectAll().where(column, '=', ds);
    if (column === 'to_ds') q = q.where('ds', '<>', ds);
    if (after) q = q.where((eb) => tupleAfter(eb, after));
    return q.orderBy('ds').orderBy('node').orderBy('to_ds').orderBy('to_node').orderBy('rule').limit(limit).execute();
  };
  const rows = [...(await side('ds')), ...(await side('to_ds'))].sort(compareLinks).slice(0, limit);
  const page = rows.slice(0, query.pageSize);
  const ends = await endsOf(db, graphs, page.flatMap((r) => [[r.ds, r.node] as const, [r.to_ds, r.to_node] as const]));
  const items = page.map((r) => ({
    from: ends.get(r.ds, r.node),
    to: ends.get(r.to_ds, r.to_node),
    rule: r.rule,
    via: r.via,
    detail: JSON.parse(r.detail) as Record<string, unknown>,
  }));
  if (rows.length <= query.pageSize) return { items };
  const last = page[page.length - 1]!;
  return { items, nextAfter: [last.ds, last.node, last.to_ds, last.to_node, last.rule] };
}

function linkCursor(after: KeysetValue[]): LinkKey {
  const ok = after.length === 5 && after.slice(0, 4).every((v) => typeof v === 'number') && typeof after[4] === 'string';
  if (!ok) throw new StoreError('invalid_cursor', 'page token does not match the identity link order');
  return after as LinkKey;
}

/** Rows strictly after `key` in (ds, node, to_ds, to_node, rule) order, spelled out (row values are not portable through Kysely). */
function tupleAfter(eb: ExpressionBuilder<Database, 'identity_links'>, key: LinkKey) {
  const columns = ['ds', 'node', 'to_ds', 'to_node', 'rule'] as const;
  return eb.or(columns.map((column, i) => eb.and([...columns.slice(0, i).map((c, j) => eb(c, '=', key[j]!)), eb(column, '>', key[i]!)])));
}

function compareLinks(a: LinkTableRow, b: LinkTableRow): number {
  const x = Number(a.ds) - Number(b.ds) || Number(a.node) - Number(b.node) || Number(a.to_ds) - Number(b.to_ds) || Number(a.to_node) - Number(b.to_node);
  return x !== 0 ? x : a.rule < b.rule ? -1 : a.rule > b.rule ? 1 : 0;
}

/** The kinds of identity string that ask for a link. */
const ASK_KINDS: ReadonlySet<string> = new Set(Object.values(ASK));

async function unlinkedPage(db: Kysely<Database>, graphs: GraphStorage, ds: number, query: IdentityLinkQuery): Promise<Page<IdentityLinkRow>> {
  const after = query.after;
  if (after !== undefined && (after.length !== 3 || typeof after[0] !== 'number' || typeof after[1] !== 'string' || typeof after[2] !== 'string')) {
    throw new StoreError('invalid_cursor', 'page token does not match the unlinked identity order');
  }
  const reader = graphs.reader(db, ds);
  const refs = (await reader.selectFrom('graph_identity_refs').select(['node', 'identity', 'source']).where('ds', '=', ds).execute())
    .map((r) => ({ node: Number(r.node), identity: r.identity, source: r.source }))
    .filter((r) => ASK_KINDS.has(splitKind(r.source).kind));
  const links: IdentityLink[] = (await db.selectFrom('identity_links').select(['node', 'to_ds', 'to_node', 'rule', 'via']).where('ds', '=', ds).execute()).map((r) => ({
    fromDs: ds,
    fromNode: Number(r.node),
    toDs: Number(r.to_ds),
    toNode: Number(r.to_node),
    rule: r.rule as LinkRule,
    via: r.via,
    detail: {},
  }));
  const key = (r: IdentityRef): [number, string, string] => [r.node, r.source, r.identity];
  const unlinked = unlinkedAsks(ds, refs, links)
    .sort((a, b) => compareKeys(key(a), key(b)))
    .filter((r) => after === undefined || compareKeys(key(r), after as [number, string, string]) > 0);
  const page = unlinked.slice(0, query.pageSize);
  const ends = await endsOf(db, graphs, page.map((r) => [ds, r.node] as const));
  const items = page.map((r) => {
    const { kind, qualifier } = splitKind(r.source);
    const detail: Record<string, unknown> = { kind };
    if (qualifier !== null) detail[kind === ASK.owned ? 'node_type' : 'provider_type'] = qualifier;
    return { from: ends.get(ds, r.node), to: null, rule: null, via: r.identity, detail };
  });
  return unlinked.length > query.pageSize ? { items, nextAfter: key(page[page.length - 1]!) } : { items };
}

function compareKeys(a: [number, string, string], b: [number, string, string]): number {
  if (a[0] !== b[0]) return a[0] - b[0];
  for (const i of [1, 2] as const) if (a[i] !== b[i]) return a[i] < b[i] ? -1 : 1;
  return 0;
}

/** The link ends of nodes named by (data source, node id), read from each data source's graph. */
async function endsOf(db: Kysely<Database>, graphs: GraphStorage, nodes: ReadonlyArray<readonly [number, number]>) {
  const byDs = new Map<number, Set<number>>();
  for (const [ds, node] of nodes) (byDs.get(Number(ds)) ?? byDs.set(Number(ds), new Set()).get(Number(ds))!).add(Number(node));
  const ids = new Map<number, string>();
  if (byDs.size > 0) {
    for (const row of await db.selectFrom('data_sources').select(['seq', 'id']).where('seq', 'in', [...byDs.keys()]).execute()) ids.set(row.seq, row.id);
  }
  const found = new Map<string, LinkEnd>();
  for (const [ds, set] of byDs) {
    const reader = graphs.reader(db, ds);
    const rows = await inChunks([...set], (slice) =>
      reader.selectFrom('graph_nodes').select(['id', 'kind', 'node_type', 'local_key', 'name']).where('ds', '=', ds).where('id', 'in', slice).execute(),
    );
    for (const row of rows) {
      found.set(`${ds}:${row.id}`, { data_source_id: ids.get(ds) ?? '', type: row.kind, node_type: row.node_type, key: row.local_key, name: row.name });
    }
  }
  return {
    get(ds: number, node: number): LinkEnd {
      const end = found.get(`${Number(ds)}:${Number(node)}`);
      if (!end) throw new StoreError('internal', `identity link names node ${node} of data source ${ds}, which does not exist`);
      return { ...end };
    },
  };
}

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

type LinkKey = [ds: number, node: number, toDs: number, toKey: string, rule: string];
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
    return q.orderBy('ds').orderBy('node').orderBy('to_ds').orderBy('to_key').orderBy('rule').limit(limit).execute();
  };
  const rows = [...(await side('ds')), ...(await side('to_ds'))].sort(compareLinks).slice(0, limit);
  const page = rows.slice(0, query.pageSize);
  const ends = await endsOf(db, graphs, page.map((r) => [r.ds, r.node] as const), page.map((r) => [r.to_ds, r.to_key] as const));
  const items = page.map((r) => ({
    from: ends.get(r.ds, r.node),
    to: ends.get(r.to_ds, r.to_key),
    rule: r.rule,
    via: r.via,
    detail: JSON.parse(r.detail) as Record<string, unknown>,
  }));
  if (rows.length <= query.pageSize) return { items };
  const last = page[page.length - 1]!;
  return { items, nextAfter: [last.ds, last.node, last.to_ds, last.to_key, last.rule] };
}

function linkCursor(after: KeysetValue[]): LinkKey {
  const ok = after.length === 5 && after.slice(0, 3).every((v) => typeof v === 'number') && typeof after[3] === 'string' && typeof after[4] === 'string';
  if (!ok) throw new StoreError('invalid_cursor', 'page token does not match the identity link order');
  return after as LinkKey;
}

/** Rows strictly after `key` in (ds, node, to_ds, to_key, rule) order, spelled out (row values are not portable through Kysely). */
function tupleAfter(eb: ExpressionBuilder<Database, 'identity_links'>, key: LinkKey) {
  const columns = ['ds', 'node', 'to_ds', 'to_key', 'rule'] as const;
  return eb.or(columns.map((column, i) => eb.and([...columns.slice(0, i).map((c, j) => eb(c, '=', key[j]!)), eb(column, '>', key[i]!)])));
}

/** The order of the key (ds, node, to_ds, to_key, rule), to merge the two queries' rows. */
function compareLinks(a: LinkTableRow, b: LinkTableRow): number {
  const x = Number(a.ds) - Number(b.ds) || Number(a.node) - Number(b.node) || Number(a.to_ds) - Number(b.to_ds);
  if (x !== 0) return x;
  if (a.to_key !== b.to_key) return a.to_key < b.to_key ? -1 : 1;
  return a.rule < b.rule ? -1 : a.rule > b.rule ? 1 : 0;
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
  // Which of the data source's strings are linked: the node and rule and string of each link (its other end does not matter here).
  const links: IdentityLink[] = (await db.selectFrom('identity_links').select(['node', 'to_ds', 'rule', 'via']).where('ds', '=', ds).execute()).map((r) => ({
    fromDs: ds,
    fromNode: Number(r.node),
    toDs: Number(r.to_ds),
    toNode: -1,
    rule: r.rule as LinkRule,
    via: r.via,
    detail: {},
  }));
  const key = (r: IdentityRef): [number, string, string] => [r.node, r.source, r.identity];
  const unlinked = unlinkedAsks(ds, refs, links)
    .sort((a, b) => compareKeys(key(a), key(b)))
    .filter((r) => after === undefined || compareKeys(key(r), after as [number, string, string]) > 0);
  const page = unlinked.slice(0, query.pageSize);
  const ends = await endsOf(db, graphs, page.map((r) => [ds, r.node] as const), []);
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

/**
 * The link ends of nodes named by (data source, node id) — the referring sides — and by (data
 * source, node key) — the identities — read from each data source's graph.
 */
async function endsOf(db: Kysely<Database>, graphs: GraphStorage, byId: ReadonlyArray<readonly [number, number]>, byKey: ReadonlyArray<readonly [number, string]>) {
  const ids = groupByDs(byId.map(([ds, node]) => [Number(ds), Number(node)] as const));
  const keys = groupByDs(byKey.map(([ds, key]) => [Number(ds), key] as const));
  const names = new Map<number, string>();
  const seqs = [...new Set([...ids.keys(), ...keys.keys()])];
  if (seqs.length > 0) {
    for (const row of await db.selectFrom('data_sources').select(['seq', 'id']).where('seq', 'in', seqs).execute()) names.set(row.seq, row.id);
  }
  const found = new Map<string, LinkEnd>();
  const columns = ['id', 'node_key', 'kind', 'node_type', 'local_key', 'name'] as const;
  const keep = (ds: number, row: { id: number; node_key: string; kind: string; node_type: string; local_key: string; name: string }) => {
    const end = { data_source_id: names.get(ds) ?? '', type: row.kind, node_type: row.node_type, key: row.local_key, name: row.name };
    found.set(`${ds}:${row.id}`, end);
    found.set(`${ds}#${row.node_key}`, end);
  };
  for (const [ds, set] of ids) {
    const reader = graphs.reader(db, ds);
    for (const row of await inChunks([...set], (slice) => reader.selectFrom('graph_nodes').select(columns).where('ds', '=', ds).where('id', 'in', slice).execute())) keep(ds, row);
  }
  for (const [ds, set] of keys) {
    const reader = graphs.reader(db, ds);
    for (const row of await inChunks([...set], (slice) => reader.selectFrom('graph_nodes').select(columns).where('ds', '=', ds).where('node_key', 'in', slice).execute())) keep(ds, row);
  }
  return {
    get(ds: number, node: number | string): LinkEnd {
      const end = found.get(typeof node === 'number' ? `${Number(ds)}:${node}` : `${Number(ds)}#${node}`);
      if (!end) throw new StoreError('internal', `identity link names node ${node} of data source ${ds}, which does not exist`);
      return { ...end };
    },
  };
}

function groupByDs<T>(pairs: ReadonlyArray<readonly [number, T]>): Map<number, Set<T>> {
  const groups = new Map<number, Set<T>>();
  for (const [ds, value] of pairs) (groups.get(ds) ?? groups.set(ds, new Set()).get(ds)!).add(value);
  return groups;
}

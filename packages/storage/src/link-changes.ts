import { sql, type Kysely } from 'kysely';
import type { IdentityLink, LinkDetail, LinkRule, OfferChanges } from '@accessgraph/core';
import type { Database } from './database.js';
import type { BulkRows } from './graph-rows.js';
import type { GraphTransaction } from './graph-writer.js';
import { inChunks } from './grant-paths.js';

/**
 * Writes the links that touch data source `ds` so that they become `links`, changing only what
 * differs. A connector's daily push usually resolves to the links that were already there: an
 * identity provider re-pushed unchanged re-resolves a million links to the same million, and
 * rewriting them (a million deletes and inserts into two b-trees) cost more than the rest of the
 * push. So the stored links are read and compared by key, (from, to, rule), with `via` and
 * `detail`; gone or changed ones are deleted, new or changed ones inserted. When most of them
 * changed (an identity provider whose users moved in its list gets new node ids), all are
 * rewritten instead: deleting the whole set is cheaper than deleting most of it row by row.
 */
export async function writeLinkChanges(tx: GraphTransaction, ds: number, links: readonly IdentityLink[], scope: LinkScope = 'all'): Promise<{ deleted: number; inserted: number }> {
  const conn = tx.conn;
  const stored = await storedLinks(conn, ds, scope);
  // A first push (or one whose links were all gone): nothing to compare, every link is new.
  if (stored.length === 0) {
    await insertLinks(tx, links);
    return { deleted: 0, inserted: links.length };
  }
  const fresh = new LinkIndex();
  for (const link of links) fresh.add(link.fromDs, link.fromNode, link);
  const removed: StoredLink[] = [];
  const kept = new Set<IdentityLink>();
  for (const row of stored) {
    const same = fresh.find(row);
    if (same !== undefined && same.via === row.via && detailJson(same.detail) === row.detail) kept.add(same);
    else removed.push(row);
  }
  const added = kept.size === links.length ? [] : links.filter((l) => !kept.has(l));
  if (scope === 'all' && removed.length > REWRITE_ABOVE && removed.length > stored.length / 2) {
    await removeIdentityLinks(conn, [ds]);
    await insertLinks(tx, links);
    return { deleted: stored.length, inserted: links.length };
  }
  for (let i = 0; i < removed.length; i += DELETE_BATCH) await deleteRows(conn, removed.slice(i, i + DELETE_BATCH));
  await insertLinks(tx, added);
  return { deleted: removed.length, inserted: added.length };
}

/** Removes every link that touches the data sources, in the caller's transaction. */
export async function removeIdentityLinks(conn: Kysely<Database>, ds: readonly number[]): Promise<void> {
  if (ds.length === 0) return;
  await conn.deleteFrom('identity_links').where('ds', 'in', ds).execute();
  await conn.deleteFrom('identity_links').where('to_ds', 'in', ds).execute();
}

/**
 * Which of the links that touch a data source a push rewrites: 'all', or, for a re-pushed identity
 * provider, what its offer changes can affect (`linkScope` in identity-links.ts): the links it
 * makes, and owners of its nodes and federation to it from other identity providers, always; when
 * some strings changed, also the links to it of the applications' accounts and HRIS employees that
 * ask for one of those strings, each resolved again with all its strings.
 * `identityProviders`: the other identity providers, the only data sources whose owner and
 * federation links can point at it (read from their side: a range of their own links, not of the
 * million that applications have to it); `resolvedAgain`: per application or HRIS, those nodes.
 */
export type LinkScope = 'all' | (OfferChanges & { identityProviders: readonly number[]; resolvedAgain: ReadonlyMap<number, readonly number[]> });

/** Rules of links to an identity provider from other identity providers, which every push of it re-resolves in full (their strings are read anyway). */
const FROM_IDENTITY_PROVIDERS: readonly LinkRule[] = ['owner', 'source_identity'];
/** Rules of applications' and HRIS' links to an identity provider, re-resolved only for the nodes that ask for changed strings. */
const BY_STRING: readonly LinkRule[] = ['identities', 'idp_binding', 'hris'];

/** How many links touch the data source. */
export async function countLinks(conn: Kysely<Database>, ds: number): Promise<number> {
  const count = (query: ReturnType<typeof linksFrom>) => query.select((eb) => eb.fn.countAll<number | string>().as('n')).executeTakeFirstOrThrow();
  const [from, to] = [await count(linksFrom(conn, ds)), await count(linksTo(conn, ds))];
  return Number(from.n) + Number(to.n);
}

/** The links a data source's nodes make (also those within it). */
const linksFrom = (conn: Kysely<Database>, ds: number) => conn.selectFrom('identity_links').where('ds', '=', ds);
/** The links to a data source's nodes from other data sources. */
const linksTo = (conn: Kysely<Database>, ds: number) => conn.selectFrom('identity_links').where('to_ds', '=', ds).where('ds', '<>', ds);

type StoredLink = Database['identity_links'];

/** More deleted links than this, and more than half of those stored: all are rewritten. */
export const REWRITE_ABOVE = 1_000;

/** Rows per DELETE of keys: 5 parameters each, well under both engines' limits. */
const DELETE_BATCH = 1_000;

async function storedLinks(conn: Kysely<Database>, ds: number, scope: LinkScope): Promise<StoredLink[]> {
  const from = await linksFrom(conn, ds).selectAll().execute();
  const to = linksTo(conn, ds).selectAll();
  if (scope === 'all') return from.concat(await to.execute());
  const fromIdps = scope.identityProviders.length === 0 ? [] : await to.where('ds', 'in', scope.identityProviders).where('rule', 'in', FROM_IDENTITY_PROVIDERS).execute();
  const resolved: StoredLink[] = [];
  for (const [other, nodes] of scope.resolvedAgain) {
    resolved.push(...(await inChunks(nodes, (slice) => to.where('ds', '=', other).where('node', 'in', slice).where('rule', 'in', BY_STRING).execute())));
  }
  return from.concat(fromIdps, resolved);
}

async function deleteRows(conn: Kysely<Database>, rows: readonly StoredLink[]): Promise<void> {
  if (rows.length === 0) return;
  const keys = sql.join(rows.map((r) => sql`(${r.ds}, ${r.node}, ${r.to_ds}, ${r.to_node}, ${r.rule})`));
  await sql`delete from identity_links where (ds, node, to_ds, to_node, rule) in (${keys})`.execute(conn);
}

/**
 * Links by their referring node, as a number (data source and node id: both fit in 53 bits), each
 * with the few links it has: no key string per link.
 */
class LinkIndex {
  private readonly byFrom = new Map<number, IdentityLink[]>();

  add(ds: number, node: number, link: IdentityLink): void {
    const key = Number(ds) * 2 ** 32 + Number(node);
    const list = this.byFrom.get(key);
    if (list) list.push(link);
    else this.byFrom.set(key, [link]);
  }

  find(row: StoredLink): IdentityLink | undefined {
    const list = this.byFrom.get(Number(row.ds) * 2 ** 32 + Number(row.node));
    return list?.find((l) => l.toDs === Number(row.to_ds) && l.toNode === Number(row.to_node) && l.rule === row.rule);
  }
}

const detailTexts = new WeakMap<LinkDetail, string>();

/** A detail as stored (JSON); links made the same way share their detail object, so each is stringified once. */
function detailJson(detail: LinkDetail): string {
  let text = detailTexts.get(detail);
  if (text === undefined) detailTexts.set(detail, (text = JSON.stringify(detail)));
  return text;
}

/** Inserts links, per referring data source, in key order (SQLite then appends to the table's b-tree). */
async function insertLinks(tx: GraphTransaction, links: readonly IdentityLink[]): Promise<void> {
  const byFrom = new Map<number, IdentityLink[]>();
  for (const link of links) (byFrom.get(link.fromDs) ?? byFrom.set(link.fromDs, []).get(link.fromDs)!).push(link);
  for (const [ds, rows] of byFrom) await tx.insertRows(ds, linkRows(rows.sort(byKey)));
}

/** The key order of identity_links within one referring data source: node, to_ds, to_node, rule. */
function byKey(a: IdentityLink, b: IdentityLink): number {
  return a.fromNode - b.fromNode || a.toDs - b.toDs || a.toNode - b.toNode || (a.rule < b.rule ? -1 : a.rule > b.rule ? 1 : 0);
}

function linkRows(links: readonly IdentityLink[]): BulkRows {
  return {
    table: 'identity_links',
    columns: [
      ['node', 'integer'],
      ['to_ds', 'integer'],
      ['to_node', 'integer'],
      ['rule', 'text'],
      ['via', 'text'],
      ['detail', 'text'],
    ],
    count: links.length,
    fill(i, out, at) {
      const l = links[i]!;
      out[at] = l.fromNode;
      out[at + 1] = l.toDs;
      out[at + 2] = l.toNode;
      out[at + 3] = l.rule;
      out[at + 4] = l.via;
      out[at + 5] = detailJson(l.detail);
    },
  };
}

/**
 * Replaces the links that touch some nodes of data source `ds` (from them or to them) with
 * `links`: a change made by difference re-resolves only its nodes' links (see `relinkNodes`).
 */
export async function replaceNodeLinks(tx: GraphTransaction, ds: number, nodes: readonly number[], links: readonly IdentityLink[]): Promise<{ deleted: number; inserted: number }> {
  let deleted = 0;
  await inChunks(nodes, async (slice) => {
    const from = await tx.conn.deleteFrom('identity_links').where('ds', '=', ds).where('node', 'in', slice).executeTakeFirst();
    // Also those within the data source (a report's link to its manager): the caller gives them again.
    const to = await tx.conn.deleteFrom('identity_links').where('to_ds', '=', ds).where('to_node', 'in', slice).executeTakeFirst();
    deleted += Number(from.numDeletedRows) + Number(to.numDeletedRows);
    return [];
  });
  await insertLinks(tx, links);
  return { deleted, inserted: links.length };
}

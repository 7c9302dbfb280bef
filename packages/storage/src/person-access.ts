import type { Kysely } from 'kysely';
import type { EntityRef } from '@accessgraph/contract';
import type { Database } from './database.js';
import { findAccessPairs } from './effective-pairs.js';
import type { GraphStorage } from './graph-writer.js';

/**
 * One row of an effective-permission page before its paths are read: a principal of the data
 * source, or an IdP user (`person`) whose access comes through `locals`, the data source's
 * principals linked to it or to its IdP groups.
 */
export interface AccessRow {
  principalKey: string;
  targetKey: string;
  /** The data source's principal (absent for a person). */
  principal?: number;
  person?: EntityRef;
  target: number;
  locals: number[];
}

/**
 * Marks the sort key of a person's rows, which follow every row of the data source's own
 * principals: the key is this prefix, the identity provider's data source number and the IdP
 * user's node key.
 */
const PERSON = '\uffff';

export function isPersonKey(key: string): boolean {
  return key.startsWith(PERSON);
}

function personKey(idpDs: number, nodeKey: string): string {
  return `${PERSON}${idpDs}/${nodeKey}`;
}

function personDs(key: string): number {
  return Number(key.slice(PERSON.length, key.indexOf('/')));
}

interface PersonSearch {
  /** The IdP identity, lower-cased. */
  principal: string;
  target?: string;
  after?: [string, string];
  limit: number;
}

/**
 * The access to data source `ds` of the IdP users whose identity is `principal`, in every
 * identity provider (design: "an IdP user's access is the union over itself, its IdP groups, the
 * local principals linked to them"): the user's groups come from its identity provider's reach,
 * the local principals linked to the user or those groups from the identity links, and their
 * access from the data source's own expansion, one row per target, targets in key order. Only
 * identity providers with a link into `ds` are read beyond one index lookup, so a query costs the
 * same with one identity provider or fifty.
 */
export async function personRows(conn: Kysely<Database>, graphs: GraphStorage, db: Kysely<Database>, ds: number, search: PersonSearch): Promise<AccessRow[]> {
  const after = search.after !== undefined && isPersonKey(search.after[0]) ? search.after : undefined;
  const idps = await conn
    .selectFrom('identity_links')
    .select('to_ds')
    .distinct()
    .where('ds', '=', ds)
    .where('to_ds', '<>', ds)
    .orderBy('to_ds')
    .execute();
  const rows: AccessRow[] = [];
  const idpIds = new Map<number, string>();
  if (idps.length > 0) {
    const ids = await conn.selectFrom('data_sources').select(['seq', 'id']).where('seq', 'in', idps.map((i) => i.to_ds)).execute();
    for (const row of ids) idpIds.set(row.seq, row.id);
  }
  for (const { to_ds: idpDs } of idps) {
    if (after !== undefined && idpDs < personDs(after[0])) continue;
    const reader = graphs.reader(conn, idpDs);
    const users = await reader
      .selectFrom('graph_nodes')
      .select(['id', 'node_key', 'local_key', 'name', 'node_type'])
      .where('ds', '=', idpDs)
      .where('lookup_key', '=', search.principal)
      .where('kind', '=', 'idp_user')
      .execute();
    for (const user of users) {
      const key = personKey(idpDs, user.node_key);
      if (after !== undefined && (idpDs === personDs(after[0]) && key < after[0])) continue;
      const holders = await reader.selectFrom('graph_reach').select('holder').where('ds', '=', idpDs).where('principal', '=', user.id).execute();
      const locals = await conn
        .selectFrom('identity_links')
        .select('node')
        .distinct()
        .where('to_ds', '=', idpDs)
        .where('to_node', 'in', [Number(user.id), ...holders.map((h) => Number(h.holder))])
        .where('ds', '=', ds)
        .execute();
      if (locals.length === 0) continue;
      const ids = [...new Set(locals.map((l) => Number(l.node)))];
      // Each target has at most one pair per local principal: this many pairs hold the first `limit` targets whole.
      const pairs = await findAccessPairs(db, {
        ds,
        principalIds: ids,
        target: search.target,
        afterTarget: after !== undefined && key === after[0] ? after[1] : undefined,
        byTarget: true,
        limit: (search.limit - rows.length) * ids.length,
      });
      const person: EntityRef = { type: 'idp_user', node_type: user.node_type, key: user.local_key, name: user.name, application: null, data_source_id: idpIds.get(idpDs) ?? '' };
      for (const pair of pairs) {
        const last = rows[rows.length - 1];
        if (last?.person !== undefined && last.principalKey === key && last.target === pair.target) last.locals.push(pair.principal);
        else if (rows.length < search.limit) rows.push({ principalKey: key, targetKey: pair.targetKey, person, target: pair.target, locals: [pair.principal] });
        else break;
      }
      if (rows.length >= search.limit) return rows;
    }
  }
  return rows;
}

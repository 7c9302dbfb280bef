import type { Kysely } from 'kysely';
import type { EntityRef } from '@accessgraph/contract';
import type { Database } from './database.js';
import { findAccessPairs } from './effective-pairs.js';
import type { GraphStorage } from './graph-writer.js';
import { inChunks } from './grant-paths.js';
import { identityHolders } from './member-groups.js';

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
 * local principals linked to them"): the user's groups come from its identity provider's member_of edges,
 * the local principals linked to the user or those groups from the identity links, and their
 * access from the data source's own expansion, one row per target, targets in key order. A user
 * or group of another identity provider federated to the user or one of its groups
 * (`source_identity`) passes on what it has, and its own groups' (spec §13.3 rule 5). Only
 * identity providers with a link into `ds` are read beyond one index lookup, so a query costs the
 * same with one identity provider or fifty.
 */
export async function personRows(conn: Kysely<Database>, graphs: GraphStorage, db: Kysely<Database>, ds: number, search: PersonSearch): Promise<AccessRow[]> {
  const after = search.after !== undefined && isPersonKey(search.after[0]) ? search.after : undefined;
  // The identity providers with links into the data source, and those their principals are federated to.
  const direct = (await conn.selectFrom('identity_links').select('to_ds').distinct().where('ds', '=', ds).where('to_ds', '<>', ds).execute()).map((r) => Number(r.to_ds));
  const federated =
    direct.length === 0
      ? []
      : (await conn.selectFrom('identity_links').select('to_ds').distinct().where('ds', 'in', direct).where('rule', '=', 'source_identity').execute()).map((r) => Number(r.to_ds));
  const idps = [...new Set([...direct, ...federated])].sort((a, b) => a - b).map((seq) => ({ to_ds: seq }));
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
      const locals = await linkedLocals(conn, graphs, ds, idpDs, Number(user.id));
      if (locals.length === 0) continue;
      // Each target has at most one pair per local principal: this many pairs hold the first `limit` targets whole.
      const pairs = await findAccessPairs(db, {
        ds,
        principalIds: locals,
        target: search.target,
        afterTarget: after !== undefined && key === after[0] ? after[1] : undefined,
        byTarget: true,
        limit: (search.limit - rows.length) * locals.length,
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

/**
 * The principals of data source `ds` linked to IdP user `user` of `idpDs`: to the user or any of
 * its groups, or to a principal of another identity provider federated to one of those, or to
 * that principal's groups.
 */
async function linkedLocals(conn: Kysely<Database>, graphs: GraphStorage, ds: number, idpDs: number, user: number): Promise<number[]> {
  const locals = new Set<number>();
  for (const { idp, nodes } of await identityHolders(conn, graphs, idpDs, user)) {
    const rows = await inChunks(nodes, (slice) => conn.selectFrom('identity_links').select('node').distinct().where('to_ds', '=', idp).where('to_node', 'in', slice).where('ds', '=', ds).execute());
    for (const row of rows) locals.add(Number(row.node));
  }
  return [...locals];
}

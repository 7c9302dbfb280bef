import type { Kysely } from 'kysely';
import type { Database } from './database.js';
import { inChunks } from './grant-paths.js';
import type { GraphStorage } from './graph-writer.js';

/**
 * Every group `principal` is a member of in data source `ds`, transitively: its member_of edges
 * followed level by level (identity providers store no reach rows; see deriveIdpGraph). Group
 * nesting is shallow, so this is a few indexed lookups.
 */
export async function groupsOf(reader: Kysely<Database>, ds: number, principal: number): Promise<number[]> {
  const seen = new Set<number>([principal]);
  let frontier = [principal];
  while (frontier.length > 0) {
    const rows = await inChunks(frontier, (slice) => reader.selectFrom('graph_edges').select('to_id').where('ds', '=', ds).where('kind', '=', 'member_of').where('from_id', 'in', slice).execute());
    frontier = [];
    for (const { to_id } of rows) {
      const group = Number(to_id);
      if (!seen.has(group)) {
        seen.add(group);
        frontier.push(group);
      }
    }
  }
  seen.delete(principal);
  return [...seen];
}

/** Links by which an application's principal stands for an IdP user or group. */
export const ACCOUNT_RULES = ['identities', 'idp_binding', 'mapping'];

/**
 * The IdP principals whose links carry an IdP user's or group's access: itself and its groups
 * (nested), and the principals of other identity providers federated to any of those
 * (`source_identity`) with their groups (spec §13.3).
 */
export async function identityHolders(db: Kysely<Database>, graphs: GraphStorage, idp: number, node: number): Promise<Array<{ idp: number; nodes: number[] }>> {
  const holders = [node, ...(await groupsOf(graphs.reader(db, idp), idp, node))];
  const result = [{ idp, nodes: holders }];
  const federated = await inChunks(holders, (slice) =>
    db.selectFrom('identity_links').select(['ds', 'node']).where('to_ds', '=', idp).where('to_node', 'in', slice).where('rule', '=', 'source_identity').execute(),
  );
  for (const f of federated) result.push({ idp: Number(f.ds), nodes: [Number(f.node), ...(await groupsOf(graphs.reader(db, Number(f.ds)), Number(f.ds), Number(f.node)))] });
  return result;
}

import type { Kysely } from 'kysely';
import type { Database } from './database.js';
import { inChunks } from './grant-paths.js';

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

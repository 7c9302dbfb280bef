import { CompiledQuery, type Kysely, type RawBuilder } from 'kysely';
import type { Database } from './database.js';

/** One data source's part of a read that spans several: its query, compiled through that data source's reader. */
export interface Branch<Row> {
  /** `graphs.reader(db, ds)`: names the data source's own tables (SQLite tables, PostgreSQL partitions). */
  reader: Kysely<Database>;
  query: RawBuilder<Row>;
}

/**
 * Runs one read on several data sources' graphs as one query: each branch compiled through its
 * own reader (so it names that data source's tables and is planned from their statistics), tagged
 * with its position, joined by UNION ALL, the rows in branch order and then `order` (a column every
 * branch selects). An access answer reads each data source a principal has accounts in; as a query
 * per data source, round trips rather than the work of each query set its cost (ten data sources,
 * twenty round trips: on PostgreSQL most of the answer's time).
 *
 * Kysely builds a union from its query builder, not from raw templates compiled for different
 * table names, so the branches are joined here as SQL text. Parameters stay parameters: SQLite's
 * `?` are positional, PostgreSQL's `$n` are renumbered by the offset of their branch.
 */
export async function unionOfBranches<Row extends object>(db: Kysely<Database>, branches: ReadonlyArray<Branch<Row>>, order: string): Promise<Array<Row & { branch: number }>> {
  const parts: string[] = [];
  const parameters: unknown[] = [];
  for (const [i, branch] of branches.entries()) {
    const compiled = branch.query.compile(branch.reader);
    const offset = parameters.length;
    const text = offset === 0 ? compiled.sql : compiled.sql.replace(/\$(\d+)/g, (_, n: string) => `$${Number(n) + offset}`);
    parts.push(`select ${i} as branch, b.* from (${text}) b`);
    parameters.push(...compiled.parameters);
  }
  const query = `${parts.join(' union all ')} order by branch, ${order}`;
  const result = await db.executeQuery<Row & { branch: number }>(CompiledQuery.raw(query, parameters));
  return result.rows.map((row) => ({ ...row, branch: Number(row.branch) }));
}

/** Rows of a union, by the branch they came from. */
export function byBranch<Row extends { branch: number }>(rows: readonly Row[], branches: number): Row[][] {
  const split: Row[][] = Array.from({ length: branches }, () => []);
  for (const row of rows) split[row.branch]!.push(row);
  return split;
}

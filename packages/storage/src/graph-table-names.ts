import { IdentifierNode, OperationNodeTransformer, type KyselyPlugin, type QueryId, type TableNode } from 'kysely';

/**
 * Each data source's graph lives in tables of its own on both engines (PostgreSQL: partitions of
 * the graph tables; SQLite: tables made from them as templates; see `graph-writer.ts`). These are
 * their names, and the plugin through which queries written against the graph tables read one
 * data source's.
 */

/** The name of data source `ds`'s table (partition) of graph table `parent` (each push renames its new one to it). */
export function partitionName(parent: string, ds: number): string {
  return `${parent}__${Number(ds)}`;
}

/** The table data source `ds`'s graph holds `table` in, as queries name it (an alias: the table it reads from). */
export function ownTableName(table: string, ds: number, aliases: Readonly<Record<string, string>> = {}): string {
  return partitionName(aliases[table] ?? table, ds);
}

/**
 * Reads data source `ds`'s graph from its own tables. On SQLite nothing else holds it. On
 * PostgreSQL the partitions are read directly rather than through the parent tables: the
 * planner then estimates joins from the partitions' own statistics (ANALYZEd by each push).
 * Through a parent it would use the parent's inherited statistics, which only an ANALYZE of
 * the parent gathers (autovacuum never analyzes partitioned tables), and that ANALYZE samples every
 * partition of every data source; without them it takes default guesses, and a page of effective
 * permissions was planned as a scan of every grant (minutes instead of milliseconds).
 * `aliases` name tables that queries use but the engine reads from another table (on PostgreSQL
 * the second keys, `graph_grants_by_scope` and `graph_reach_by_holder`, are indexes of the
 * grants and reach tables).
 */
export function partitionReader(ds: number, tables: readonly string[], aliases: Readonly<Record<string, string>> = {}): KyselyPlugin {
  const names = new Map([...tables, ...Object.keys(aliases)].map((table) => [table, ownTableName(table, ds, aliases)]));
  const transformer = new PartitionNames(names);
  return {
    transformQuery: (args) => transformer.transformNode(args.node, args.queryId),
    transformResult: async (args) => args.result,
  };
}

class PartitionNames extends OperationNodeTransformer {
  constructor(private readonly names: ReadonlyMap<string, string>) {
    super();
  }

  protected override transformTable(node: TableNode, queryId?: QueryId): TableNode {
    const transformed = super.transformTable(node, queryId);
    const name = transformed.table.schema ? undefined : this.names.get(transformed.table.identifier.name);
    return name ? { ...transformed, table: { ...transformed.table, identifier: IdentifierNode.create(name) } } : transformed;
  }
}


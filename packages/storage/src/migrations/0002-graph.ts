import { sql, type ColumnDefinitionBuilder, type CreateTableBuilder, type Kysely } from 'kysely';
import type { DialectCapabilities } from '../capabilities.js';

/**
 * What pushes store: each data source's payload (its source of truth), push history, and the
 * graph derived from the payload — nodes, edges, and the linear pieces effective permissions are
 * expanded from at query time (membership reach, resource ancestry, grants after role expansion).
 *
 * Derived tables are keyed by `data_sources.seq`, a small integer, rather than the 36-character
 * id: they reach millions of rows, and every row and index entry repeats the key.
 *
 * The seven bulk graph tables (nodes, edges, reach, ancestry, grants, grant types, identity
 * references) carry no foreign key, not even to their data source: a push writes a million rows
 * into them, and a per-row check (or, on PostgreSQL, the ON DELETE CASCADE trigger's bookkeeping)
 * more than doubles the time of that write. They are replaced wholesale by each push from one
 * consistent derivation, and removed explicitly, in the same transaction, when their data source
 * or its provider is deleted (`GraphTransaction.remove`), and so are tags (one per node at most).
 * The small per-data-source tables (declared types, payload, push history) keep ON DELETE CASCADE.
 *
 * Their physical layout differs by engine (`DialectCapabilities.graphLayout`, see
 * `graph-writer.ts`): on PostgreSQL each is partitioned by LIST (ds), one partition per data
 * source, which a push builds aside and swaps in; on SQLite all data sources share them, and the
 * big ones are WITHOUT ROWID, stored in the b-tree of a primary key that is also their main access
 * path, so that each row costs one b-tree fewer to write and to delete. Those keys span every
 * column of reach and ancestry rows (the derivation emits each pair once; an exact repeat is
 * ignored) and (holder, id) of grants. The second way into grants (by scope) and reach (by
 * holder) is an index on PostgreSQL, and on SQLite a table of its own that the push writes in
 * its key order (see `secondKey`); queries name it through a view on PostgreSQL. Other indexes
 * are the same on both engines.
 */
export function graphMigration(caps: DialectCapabilities) {
  const key = (col: ColumnDefinitionBuilder) =>
    caps.keyCollation ? col.notNull().modifyEnd(sql`collate ${sql.id(caps.keyCollation)}`) : col.notNull();
  const ds = (col: ColumnDefinitionBuilder) => col.notNull().references('data_sources.seq').onDelete('cascade');
  const int = (col: ColumnDefinitionBuilder) => col.notNull();
  const table = <T extends string>(db: Kysely<unknown>, name: T): CreateTableBuilder<T, 'ds'> =>
    db.schema.createTable(name).addColumn('ds', 'integer', ds);
  const partitioned = caps.graphLayout === 'partition-per-data-source';
  /** A bulk graph table: no foreign key; partitioned on PostgreSQL. */
  const graphTable = <T extends string>(db: Kysely<unknown>, name: T): CreateTableBuilder<T, 'ds'> => {
    const builder = db.schema.createTable(name).addColumn('ds', 'integer', int);
    return partitioned ? builder.modifyEnd(sql`partition by list (ds)`) : builder;
  };
  /**
   * Creates `table` stored, on SQLite, in the b-tree of its key `sqliteKey` (WITHOUT ROWID); on
   * PostgreSQL the table is a heap with a plain index `index` on `postgresColumns` instead: a
   * unique index would gain nothing there and could not be deduplicated.
   */
  const clustered = async (
    db: Kysely<unknown>,
    table: CreateTableBuilder<string, 'ds'>,
    spec: { table: string; index: string; sqliteKey: string[]; postgresColumns: string[] },
  ) => {
    if (partitioned) {
      await table.execute();
      await db.schema.createIndex(spec.index).on(spec.table).columns(spec.postgresColumns).execute();
    } else {
      await table.addPrimaryKeyConstraint(`${spec.index}_pk`, spec.sqliteKey as never).modifyEnd(sql`without rowid`).execute();
    }
  };

  /**
   * A second key into a big graph table, for queries that drive from the other end. On
   * PostgreSQL: an index `index` on `table` (built once per push, after the load) and a view
   * `name` over the table. On SQLite: a table `name` holding `columns` (integers), clustered on
   * `key`, which the push fills itself in key order: appends, the way CREATE INDEX builds an index.
   * An index on the shared table would instead be updated row by row in the table's order, at
   * random places: measured on a million grants, three times slower to write and five times
   * slower to delete.
   */
  const secondKey = async (db: Kysely<unknown>, spec: { table: string; name: string; index: string; key: string[]; columns: string[] }) => {
    if (partitioned) {
      await db.schema.createIndex(spec.index).on(spec.table).columns(spec.key).execute();
      await sql`create view ${sql.id(spec.name)} as select ${sql.join(spec.columns.map((c) => sql.id(c)))} from ${sql.id(spec.table)}`.execute(db);
    } else {
      let builder = db.schema.createTable(spec.name) as CreateTableBuilder<string, string>;
      for (const column of spec.columns) builder = builder.addColumn(column, 'integer', int);
      await builder.addPrimaryKeyConstraint(`${spec.name}_pk`, spec.key as never).modifyEnd(sql`without rowid`).execute();
    }
  };

  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await addDataSourceSeq(db, caps);

      // Nodes stay a rowid table on SQLite: their properties can be large, and WITHOUT ROWID
      // suits rows well under a twentieth of a page.
      await graphTable(db, 'graph_nodes')
        .addColumn('id', 'integer', int)
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('node_key', 'text', key)
        .addColumn('local_key', 'text', (c) => c.notNull())
        // local_key lower-cased by the app (Unicode-aware, unlike SQLite's lower()), for filters.
        .addColumn('lookup_key', 'text', key)
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('node_type', 'text', (c) => c.notNull())
        .addColumn('app_id', 'integer')
        .addColumn('parent_id', 'integer')
        .addColumn('resource_type', 'text')
        // resource_type lower-cased by the app, compared with the grants' lower-cased type lists.
        .addColumn('resource_type_key', 'text')
        .addColumn('properties', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('graph_nodes_pk', ['ds', 'id'])
        .execute();
      await db.schema.createIndex('graph_nodes_key').unique().on('graph_nodes').columns(['ds', 'node_key']).execute();
      await db.schema.createIndex('graph_nodes_lookup').on('graph_nodes').columns(['ds', 'lookup_key']).execute();

      // Edges are written in from_id order, so their one index grows at its end.
      await graphTable(db, 'graph_edges')
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('from_id', 'integer', int)
        .addColumn('to_id', 'integer', int)
        .addColumn('properties', 'text')
        .execute();
      await db.schema.createIndex('graph_edges_from').on('graph_edges').columns(['ds', 'from_id']).execute();

      // Both directions cover the pair, so a probe never visits the table.
      await clustered(
        db,
        graphTable(db, 'graph_reach').addColumn('principal', 'integer', int).addColumn('holder', 'integer', int).addColumn('depth', 'integer', int),
        { table: 'graph_reach', index: 'graph_reach_principal', sqliteKey: ['ds', 'principal', 'holder', 'depth'], postgresColumns: ['ds', 'principal', 'holder'] },
      );
      await secondKey(db, {
        table: 'graph_reach',
        name: 'graph_reach_by_holder',
        index: 'graph_reach_holder',
        key: ['ds', 'holder', 'principal'],
        columns: ['ds', 'holder', 'principal'],
      });

      // Covering in both directions (ancestry stays small: nodes x depth); (ds, node, ancestor)
      // also answers "is A an ancestor of N" with one probe.
      const ancestryKey = ['ds', 'node', 'ancestor', 'depth'];
      await clustered(
        db,
        graphTable(db, 'graph_ancestry').addColumn('node', 'integer', int).addColumn('ancestor', 'integer', int).addColumn('depth', 'integer', int),
        { table: 'graph_ancestry', index: 'graph_ancestry_node', sqliteKey: ancestryKey, postgresColumns: ancestryKey },
      );
      await db.schema.createIndex('graph_ancestry_ancestor').on('graph_ancestry').columns(['ds', 'ancestor', 'node', 'depth']).execute();

      // No index on (ds, id): grant types are found through their own key, and an index the
      // queries never use would cost a third of the time of writing a million grants. On SQLite
      // the id completes the clustering key, so rows with the same holder stay distinct.
      const grants = graphTable(db, 'graph_grants')
        .addColumn('id', 'integer', int)
        .addColumn('holder', 'integer', int)
        .addColumn('permission', 'integer', int)
        .addColumn('scope', 'integer', int)
        .addColumn('self', 'integer', int)
        .addColumn('descendants', 'integer', int)
        .addColumn('role', 'integer')
        .addColumn('typed', 'integer', int);
      await clustered(db, grants, { table: 'graph_grants', index: 'graph_grants_holder', sqliteKey: ['ds', 'holder', 'id'], postgresColumns: ['ds', 'holder'] });
      await secondKey(db, {
        table: 'graph_grants',
        name: 'graph_grants_by_scope',
        index: 'graph_grants_scope',
        key: partitioned ? ['ds', 'scope'] : ['ds', 'scope', 'holder', 'id'],
        // What a query driven by its targets reads of a grant (permission and role come later, by id).
        columns: ['ds', 'scope', 'holder', 'id', 'self', 'descendants', 'typed'],
      });

      const grantTypes = graphTable(db, 'graph_grant_types')
        .addColumn('grant_id', 'integer', int)
        .addColumn('type_key', 'text', key)
        .addPrimaryKeyConstraint('graph_grant_types_pk', ['ds', 'grant_id', 'type_key']);
      await (partitioned ? grantTypes : grantTypes.modifyEnd(sql`without rowid`)).execute();

      await graphTable(db, 'graph_identity_refs')
        .addColumn('node', 'integer', int)
        .addColumn('identity', 'text', (c) => c.notNull())
        .addColumn('source', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('graph_identity_refs_node').on('graph_identity_refs').columns(['ds', 'node']).execute();

      await db.schema
        .createTable('graph_tags')
        .addColumn('ds', 'integer', int)
        .addColumn('node_key', 'text', key)
        .addColumn('tag_key', 'text', key)
        .addColumn('tag_value', 'text', key)
        .addPrimaryKeyConstraint('graph_tags_pk', ['ds', 'node_key', 'tag_key', 'tag_value'])
        .execute();

      await table(db, 'data_source_types')
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('type_name', 'text', (c) => c.notNull())
        .addColumn('type_key', 'text', key)
        .addPrimaryKeyConstraint('data_source_types_pk', ['ds', 'kind', 'type_key'])
        .execute();

      await db.schema
        .createTable('data_source_states')
        .addColumn('ds', 'integer', (c) => c.primaryKey().references('data_sources.seq').onDelete('cascade'))
        .addColumn('payload', caps.bytesType, (c) => c.notNull())
        .addColumn('pushed_at', 'text', (c) => c.notNull())
        .execute();

      await table(db, 'pushes')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('started_at', 'text', key)
        .addColumn('duration_ms', 'integer', int)
        .addColumn('key_id', 'text')
        .addColumn('size_bytes', 'bigint', int)
        .addColumn('compression', 'text', (c) => c.notNull())
        .addColumn('incremental', 'integer', int)
        .addColumn('outcome', 'text', (c) => c.notNull())
        .addColumn('counts', 'text', (c) => c.notNull())
        .addColumn('warnings', 'text', (c) => c.notNull())
        .addColumn('errors', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('pushes_history').on('pushes').columns(['ds', 'started_at', 'id']).execute();
    },
  };
}

/** A compact, unique integer per data source, for existing rows too. */
async function addDataSourceSeq(db: Kysely<unknown>, caps: DialectCapabilities): Promise<void> {
  if (caps.seqStrategy === 'identity') {
    await db.schema
      .alterTable('data_sources')
      .addColumn('seq', 'integer', (c) => c.notNull().generatedByDefaultAsIdentity())
      .execute();
  } else {
    await db.schema.alterTable('data_sources').addColumn('seq', 'integer').execute();
    await sql`update data_sources set seq = rowid`.execute(db);
    await sql`
      create trigger data_sources_assign_seq after insert on data_sources when new.seq is null
      begin
        update data_sources set seq = new.rowid where rowid = new.rowid;
      end`.execute(db);
  }
  await db.schema.createIndex('data_sources_seq').unique().on('data_sources').column('seq').execute();
}

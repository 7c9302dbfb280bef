import { sql, type ColumnDefinitionBuilder, type CreateTableBuilder, type Kysely } from 'kysely';
import type { DialectCapabilities } from '../capabilities.js';

/**
 * What pushes store: each data source's payload (its source of truth), push history, and the
 * graph derived from the payload — nodes, edges, and the linear pieces effective permissions are
 * expanded from at query time (membership reach, resource ancestry, grants after role expansion).
 *
 * Derived tables are keyed by `data_sources.seq`, a small integer, rather than the 36-character
 * id: they reach millions of rows, and every row and index entry repeats the key. Every table
 * cascades from its data source, so deleting a data source (or its provider) removes everything
 * it contributed. Within a data source, derived rows carry no foreign keys of their own: they are
 * replaced wholesale by each push from one consistent derivation, and per-row checks would slow
 * the bulk write that dominates a push.
 */
export function graphMigration(caps: DialectCapabilities) {
  const key = (col: ColumnDefinitionBuilder) =>
    caps.keyCollation ? col.notNull().modifyEnd(sql`collate ${sql.id(caps.keyCollation)}`) : col.notNull();
  const ds = (col: ColumnDefinitionBuilder) => col.notNull().references('data_sources.seq').onDelete('cascade');
  const int = (col: ColumnDefinitionBuilder) => col.notNull();
  const table = <T extends string>(db: Kysely<unknown>, name: T): CreateTableBuilder<T, 'ds'> =>
    db.schema.createTable(name).addColumn('ds', 'integer', ds);

  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await addDataSourceSeq(db, caps);

      await table(db, 'graph_nodes')
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

      await table(db, 'graph_edges')
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('from_id', 'integer', int)
        .addColumn('to_id', 'integer', int)
        .addColumn('properties', 'text')
        .execute();
      await db.schema.createIndex('graph_edges_from').on('graph_edges').columns(['ds', 'from_id']).execute();

      await table(db, 'graph_reach')
        .addColumn('principal', 'integer', int)
        .addColumn('holder', 'integer', int)
        .addColumn('depth', 'integer', int)
        .execute();
      // Both directions cover the pair, so a probe never visits the table.
      await db.schema.createIndex('graph_reach_principal').on('graph_reach').columns(['ds', 'principal', 'holder']).execute();
      await db.schema.createIndex('graph_reach_holder').on('graph_reach').columns(['ds', 'holder', 'principal']).execute();

      await table(db, 'graph_ancestry')
        .addColumn('node', 'integer', int)
        .addColumn('ancestor', 'integer', int)
        .addColumn('depth', 'integer', int)
        .execute();
      // Covering in both directions (ancestry stays small: nodes x depth); (ds, node, ancestor)
      // also answers "is A an ancestor of N" with one probe.
      await db.schema.createIndex('graph_ancestry_node').on('graph_ancestry').columns(['ds', 'node', 'ancestor', 'depth']).execute();
      await db.schema.createIndex('graph_ancestry_ancestor').on('graph_ancestry').columns(['ds', 'ancestor', 'node', 'depth']).execute();

      await table(db, 'graph_grants')
        .addColumn('id', 'integer', int)
        .addColumn('holder', 'integer', int)
        .addColumn('permission', 'integer', int)
        .addColumn('scope', 'integer', int)
        .addColumn('self', 'integer', int)
        .addColumn('descendants', 'integer', int)
        .addColumn('role', 'integer')
        .addColumn('typed', 'integer', int)
        .execute();
      // No index on (ds, id): grant types are found through their own key, and an index the
      // queries never use would cost a third of the time of writing a million grants.
      await db.schema.createIndex('graph_grants_holder').on('graph_grants').columns(['ds', 'holder']).execute();
      await db.schema.createIndex('graph_grants_scope').on('graph_grants').columns(['ds', 'scope']).execute();

      await table(db, 'graph_grant_types')
        .addColumn('grant_id', 'integer', int)
        .addColumn('type_key', 'text', key)
        .addPrimaryKeyConstraint('graph_grant_types_pk', ['ds', 'grant_id', 'type_key'])
        .execute();

      await table(db, 'graph_identity_refs')
        .addColumn('node', 'integer', int)
        .addColumn('identity', 'text', (c) => c.notNull())
        .addColumn('source', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('graph_identity_refs_node').on('graph_identity_refs').columns(['ds', 'node']).execute();

      // Tags hang on the node's stable key, not its per-push id, because they outlive pushes.
      await table(db, 'graph_tags')
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

import { sql, type ColumnDefinitionBuilder, type Kysely } from 'kysely';
import type { DialectCapabilities } from '../capabilities.js';

/**
 * Saved queries and reports (Veza's assessments API, spec §14.2–14.3).
 *
 * A saved query keeps the client's body as JSON text (`spec_json`): the query spec with its
 * name, description, labels and whatever else a client sends, so it can be echoed and evaluated
 * later. A report keeps its own fields the same way (`fields_json`) and lists its queries in
 * `report_queries`, ordered by `position`; the primary key makes a query appear at most once
 * per report. Deleting a report or a query removes its rows there (ON DELETE CASCADE; the
 * service refuses to delete a query that a report uses unless asked to force it).
 *
 * Lists page by (created_at, id), so ids and times are key columns (bytewise order on both
 * engines); `report_queries_query` answers "which reports use this query" for deletions.
 */
export function assessmentsMigration(caps: DialectCapabilities) {
  const key = (col: ColumnDefinitionBuilder) =>
    caps.keyCollation ? col.notNull().modifyEnd(sql`collate ${sql.id(caps.keyCollation)}`) : col.notNull();

  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('saved_queries')
        .addColumn('id', 'text', (c) => key(c).primaryKey())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('spec_json', 'text', (c) => c.notNull())
        .addColumn('created_by', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', key)
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('saved_queries_created').on('saved_queries').columns(['created_at', 'id']).execute();

      await db.schema
        .createTable('reports')
        .addColumn('id', 'text', (c) => key(c).primaryKey())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('fields_json', 'text', (c) => c.notNull())
        .addColumn('created_by', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', key)
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('reports_created').on('reports').columns(['created_at', 'id']).execute();

      await db.schema
        .createTable('report_queries')
        .addColumn('report_id', 'text', (c) => key(c).references('reports.id').onDelete('cascade'))
        .addColumn('query_id', 'text', (c) => key(c).references('saved_queries.id').onDelete('cascade'))
        .addColumn('position', 'integer', (c) => c.notNull())
        .addPrimaryKeyConstraint('report_queries_pk', ['report_id', 'query_id'])
        .execute();
      await db.schema.createIndex('report_queries_query').on('report_queries').columns(['query_id', 'report_id']).execute();
    },
    async down(db: Kysely<unknown>): Promise<void> {
      await db.schema.dropTable('report_queries').execute();
      await db.schema.dropTable('reports').execute();
      await db.schema.dropTable('saved_queries').execute();
    },
  };
}

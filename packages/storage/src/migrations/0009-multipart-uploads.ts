import { sql, type ColumnDefinitionBuilder, type Kysely } from 'kysely';
import type { DialectCapabilities } from '../capabilities.js';

/**
 * Multipart uploads (`POST .../datasources/{id}:parts`, spec §2.7).
 *
 * Chunks live in the database, not in a replica's memory, so any replica can take any chunk of
 * an upload. `upload_parts` holds one row per (upload, sequence number): a re-upload of a number
 * replaces its row. `touched_at` is the last start or chunk (or the completion), which idle
 * uploads expire from (`uploads_touched`); `completed_at` marks an upload whose chunks were
 * taken by `complete`, kept until it expires so a second `complete` is told so. Deleting a data
 * source or an upload removes its rows (ON DELETE CASCADE).
 */
export function multipartUploadsMigration(caps: DialectCapabilities) {
  const key = (col: ColumnDefinitionBuilder) =>
    caps.keyCollation ? col.notNull().modifyEnd(sql`collate ${sql.id(caps.keyCollation)}`) : col.notNull();

  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('uploads')
        .addColumn('id', 'text', (c) => key(c).primaryKey())
        .addColumn('data_source_id', 'text', (c) => c.notNull().references('data_sources.id').onDelete('cascade'))
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('touched_at', 'text', key)
        .addColumn('completed_at', 'text')
        .execute();
      await db.schema.createIndex('uploads_touched').on('uploads').columns(['touched_at']).execute();
      await db.schema.createIndex('uploads_data_source').on('uploads').columns(['data_source_id']).execute();

      await db.schema
        .createTable('upload_parts')
        .addColumn('upload_id', 'text', (c) => key(c).references('uploads.id').onDelete('cascade'))
        .addColumn('sequence_number', 'integer', (c) => c.notNull())
        .addColumn('data', caps.bytesType, (c) => c.notNull())
        .addColumn('size_bytes', 'integer', (c) => c.notNull())
        .addPrimaryKeyConstraint('upload_parts_pk', ['upload_id', 'sequence_number'])
        .execute();
    },
    async down(db: Kysely<unknown>): Promise<void> {
      await db.schema.dropTable('upload_parts').execute();
      await db.schema.dropTable('uploads').execute();
    },
  };
}

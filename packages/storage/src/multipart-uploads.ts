import type { Kysely } from 'kysely';
import type { DialectCapabilities } from './capabilities.js';
import type { Database } from './database.js';
import { lower } from './keyset-list.js';
import type { UploadPart, UploadRecord } from './store.js';
import { inWriteTransaction } from './write-transaction.js';

/** Opens a multipart upload to a data source. */
export async function createUpload(db: Kysely<Database>, upload: { id: string; dataSourceId: string; now: string }): Promise<void> {
  await db
    .insertInto('uploads')
    .values({ id: lower(upload.id), data_source_id: lower(upload.dataSourceId), created_at: upload.now, touched_at: upload.now, completed_at: null })
    .execute();
}

/** The upload of that id (any case) with the sizes of the chunks it holds, or undefined. */
export async function getUpload(db: Kysely<Database>, id: string): Promise<UploadRecord | undefined> {
  const row = await db.selectFrom('uploads').selectAll().where('id', '=', lower(id)).executeTakeFirst();
  if (!row) return undefined;
  const parts = await db
    .selectFrom('upload_parts')
    .select(['sequence_number', 'size_bytes'])
    .where('upload_id', '=', row.id)
    .orderBy('sequence_number')
    .execute();
  return {
    id: row.id,
    dataSourceId: row.data_source_id,
    createdAt: row.created_at,
    touchedAt: row.touched_at,
    completedAt: row.completed_at,
    parts: parts.map((p) => ({ sequenceNumber: Number(p.sequence_number), sizeBytes: Number(p.size_bytes) })),
  };
}

/**
 * Stores a chunk, replacing one of the same number, and marks the upload touched; false (and
 * nothing written) when the upload is gone or completed. The upload's row is updated first, so
 * on PostgreSQL a chunk and a concurrent `complete` are serialized by its row lock.
 */
export async function putUploadPart(db: Kysely<Database>, caps: DialectCapabilities, part: UploadPart): Promise<boolean> {
  const id = lower(part.uploadId);
  return inWriteTransaction(db, caps, async (conn) => {
    const touched = await conn.updateTable('uploads').set({ touched_at: part.now }).where('id', '=', id).where('completed_at', 'is', null).executeTakeFirst();
    if (Number(touched.numUpdatedRows) === 0) return false;
    const row = { upload_id: id, sequence_number: part.sequenceNumber, data: part.data, size_bytes: part.data.byteLength };
    await conn
      .insertInto('upload_parts')
      .values(row)
      .onConflict((oc) => oc.columns(['upload_id', 'sequence_number']).doUpdateSet({ data: row.data, size_bytes: row.size_bytes }))
      .execute();
    return true;
  });
}

/**
 * Completes an upload: marks it completed and takes its chunks (deleting them), in sequence
 * order, atomically; undefined (and nothing changed) when the upload is gone or already
 * completed, so of two concurrent completions only one gets the chunks.
 */
export async function takeUploadParts(db: Kysely<Database>, caps: DialectCapabilities, uploadId: string, now: string): Promise<Array<{ sequenceNumber: number; data: Uint8Array }> | undefined> {
  const id = lower(uploadId);
  return inWriteTransaction(db, caps, async (conn) => {
    const claimed = await conn
      .updateTable('uploads')
      .set({ completed_at: now, touched_at: now })
      .where('id', '=', id)
      .where('completed_at', 'is', null)
      .executeTakeFirst();
    if (Number(claimed.numUpdatedRows) === 0) return undefined;
    const parts = await conn.selectFrom('upload_parts').select(['sequence_number', 'data']).where('upload_id', '=', id).orderBy('sequence_number').execute();
    await conn.deleteFrom('upload_parts').where('upload_id', '=', id).execute();
    return parts.map((p) => ({ sequenceNumber: Number(p.sequence_number), data: p.data }));
  });
}

/** Deletes uploads (open or completed) untouched since `idleBefore`, with their chunks; how many. */
export async function deleteIdleUploads(db: Kysely<Database>, idleBefore: string): Promise<number> {
  const result = await db.deleteFrom('uploads').where('touched_at', '<', idleBefore).executeTakeFirst();
  return Number(result.numDeletedRows);
}

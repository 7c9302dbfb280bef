import { sql, type Kysely } from 'kysely';
import type { ApiKeyRow, Database } from './database.js';
import { PREPARED } from './prepared-statements.js';
import { toApiKeyRecord } from './row-mappers.js';
import type { ApiKeyRecord } from './store.js';

/** API keys, stored as hashes. */
export async function createApiKey(db: Kysely<Database>, record: ApiKeyRecord): Promise<void> {
  await db
    .insertInto('api_keys')
    .values({
      id: record.id,
      name: record.name,
      role: record.role,
      key_hash: record.keyHash,
      prefix: record.prefix,
      created_at: record.createdAt,
      last_used_at: record.lastUsedAt,
      revoked_at: record.revokedAt,
    })
    .execute();
}

/**
 * Every request reads its key: a prepared statement where connections keep them (PostgreSQL's
 * access pool, which the store reads keys on), so it is not planned on every request.
 */
export async function getApiKey(db: Kysely<Database>, id: string): Promise<ApiKeyRecord | undefined> {
  const row = (await sql<ApiKeyRow>`${sql.raw(PREPARED)}select * from api_keys where id = ${id}`.execute(db)).rows[0];
  return row && toApiKeyRecord(row);
}

export async function listApiKeys(db: Kysely<Database>): Promise<ApiKeyRecord[]> {
  const rows = await db.selectFrom('api_keys').selectAll().orderBy('created_at').orderBy('id').execute();
  return rows.map(toApiKeyRecord);
}

/** Marks a key revoked; false if there is no such key. Revoking twice keeps the first time. */
export async function revokeApiKey(db: Kysely<Database>, id: string, now: string): Promise<boolean> {
  const exists = await db.selectFrom('api_keys').select('id').where('id', '=', id).executeTakeFirst();
  if (!exists) return false;
  await db.updateTable('api_keys').set({ revoked_at: now }).where('id', '=', id).where('revoked_at', 'is', null).execute();
  return true;
}

export async function touchApiKey(db: Kysely<Database>, id: string, now: string): Promise<void> {
  await db.updateTable('api_keys').set({ last_used_at: now }).where('id', '=', id).execute();
}

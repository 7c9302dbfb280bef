import { sql, type Kysely } from 'kysely';
import type { DialectCapabilities } from './capabilities.js';
import type { Database } from './database.js';
import { inWriteTransaction, lockDataSource } from './write-transaction.js';

/** How large a data source's state is: its stored payload and the changes logged after it, in bytes (gzipped). */
export interface StateSize {
  payloadBytes: number;
  logBytes: number;
  logCount: number;
}

/** Bytes of `column` (a blob on SQLite, bytea on PostgreSQL). */
const bytesOf = (caps: DialectCapabilities, column: string) => (caps.bytesType === 'bytea' ? sql<number>`octet_length(${sql.ref(column)})` : sql<number>`length(${sql.ref(column)})`);

export async function stateSize(db: Kysely<Database>, caps: DialectCapabilities, ds: number): Promise<StateSize> {
  const state = await db.selectFrom('data_source_states').select(bytesOf(caps, 'payload').as('n')).where('ds', '=', ds).executeTakeFirst();
  const log = await db
    .selectFrom('data_source_changes')
    .select([(eb) => eb.fn.coalesce(eb.fn.sum(bytesOf(caps, 'payload')), sql<number>`0`).as('bytes'), (eb) => eb.fn.countAll<number | string>().as('count')])
    .where('ds', '=', ds)
    .executeTakeFirstOrThrow();
  return { payloadBytes: Number(state?.n ?? 0), logBytes: Number(log.bytes), logCount: Number(log.count) };
}

/**
 * Folds the logged changes into the stored payload: `payload` is the stored one with the first
 * `changes` logged changes applied, made from the state read at `pushedAt`. Only if the state is
 * still that one (no push since): then the payload replaces the stored one and those changes leave
 * the log, and the state's time stays (what it is did not change, only how it is kept). Returns
 * whether it did; if not, a later change folds them.
 */
export async function compactState(db: Kysely<Database>, caps: DialectCapabilities, dataSourceId: string, fold: { payload: Uint8Array; pushedAt: string; changes: number }): Promise<boolean> {
  return inWriteTransaction(db, caps, async (conn) => {
    const target = await conn.selectFrom('data_sources').select('seq').where('id', '=', dataSourceId.toLowerCase()).executeTakeFirst();
    if (!target) return false;
    if (caps.advisoryLocks) await lockDataSource(conn, caps, target.seq);
    const state = await conn.selectFrom('data_source_states').select('pushed_at').where('ds', '=', target.seq).executeTakeFirst();
    const logged = await conn.selectFrom('data_source_changes').select('seq').where('ds', '=', target.seq).orderBy('seq').execute();
    if (state?.pushed_at !== fold.pushedAt || logged.length !== fold.changes) return false;
    const payload = Buffer.from(fold.payload.buffer, fold.payload.byteOffset, fold.payload.byteLength);
    await conn.updateTable('data_source_states').set({ payload }).where('ds', '=', target.seq).execute();
    await conn.deleteFrom('data_source_changes').where('ds', '=', target.seq).execute();
    return true;
  });
}

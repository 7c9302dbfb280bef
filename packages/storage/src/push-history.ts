import { sql, type Kysely } from 'kysely';
import type { PushRecord } from '@accessgraph/contract';
import type { KeysetValue } from '@accessgraph/core';
import type { Database } from './database.js';
import type { PushRow } from './graph-tables.js';
import { StoreError } from './store-error.js';
import type { Page } from './store.js';

/**
 * At most this many warnings and errors of one push are kept. A bad payload can produce one per
 * entity (hundreds of thousands); the first thousand explain the problem, and a history row
 * stays small. The push answer itself still carries them all; `last_push_warnings` counts them all.
 */
export const KEPT_ISSUES_PER_PUSH = 1_000;

/** Appends a push to data source `ds`'s history, inside the caller's transaction. */
export async function insertPushRecord(conn: Kysely<Database>, ds: number, record: PushRecord): Promise<void> {
  await conn
    .insertInto('pushes')
    .values({
      id: record.id,
      ds,
      started_at: record.started_at,
      duration_ms: record.duration_ms,
      key_id: record.key_id,
      size_bytes: record.size_bytes,
      compression: record.compression,
      incremental: record.incremental ? 1 : 0,
      outcome: record.outcome,
      counts: JSON.stringify(record.counts),
      warnings: JSON.stringify(record.warnings.slice(0, KEPT_ISSUES_PER_PUSH)),
      errors: JSON.stringify(record.errors.slice(0, KEPT_ISSUES_PER_PUSH)),
    })
    .execute();
}

/** A data source's pushes, newest first; `after` is [started_at, id] of the previous page's last row. */
export async function listPushRecords(
  db: Kysely<Database>,
  dataSourceId: string,
  request: { pageSize: number; after?: KeysetValue[] },
): Promise<Page<PushRecord>> {
  const after = request.after;
  if (after !== undefined && (after.length !== 2 || after.some((v) => typeof v !== 'string'))) {
    throw new StoreError('invalid_cursor', 'page token does not match the push history order');
  }
  let query = db
    .selectFrom('pushes as p')
    .innerJoin('data_sources as d', 'd.seq', 'p.ds')
    .selectAll('p')
    .select('d.id as data_source_id')
    .where('d.id', '=', dataSourceId.toLowerCase());
  if (after) {
    const [startedAt, id] = after as [string, string];
    query = query.where(sql<boolean>`(p.started_at < ${startedAt} or (p.started_at = ${startedAt} and p.id < ${id}))`);
  }
  const rows = await query.orderBy('p.started_at', 'desc').orderBy('p.id', 'desc').limit(request.pageSize + 1).execute();
  const items = rows.slice(0, request.pageSize).map(toPushRecord);
  if (rows.length <= request.pageSize) return { items };
  const last = items[items.length - 1]!;
  return { items, nextAfter: [last.started_at, last.id] };
}

function toPushRecord(row: PushRow & { data_source_id: string }): PushRecord {
  return {
    id: row.id,
    data_source_id: row.data_source_id,
    started_at: row.started_at,
    duration_ms: Number(row.duration_ms),
    key_id: row.key_id,
    size_bytes: Number(row.size_bytes),
    compression: row.compression,
    incremental: Number(row.incremental) === 1,
    outcome: row.outcome as PushRecord['outcome'],
    counts: JSON.parse(row.counts) as PushRecord['counts'],
    warnings: JSON.parse(row.warnings) as PushRecord['warnings'],
    errors: JSON.parse(row.errors) as PushRecord['errors'],
  };
}

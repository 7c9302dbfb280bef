import type { Kysely } from 'kysely';
import type { DialectCapabilities } from './capabilities.js';
import type { SavedQueryRow } from './assessment-tables.js';
import { pageByCreation, type CreationOrderRequest } from './creation-order.js';
import type { Database } from './database.js';
import type { Page } from './store.js';
import { inWriteTransaction, lockAssessments } from './write-transaction.js';

/** A saved query to store: its id and time come from the app. */
export interface NewSavedQuery {
  id: string;
  name: string;
  /** The client's body: query spec, name, description, labels and any other field, stored as given. */
  spec: Record<string, unknown>;
  /** The API key that creates it. */
  createdBy: string;
  now: string;
}

/** A stored saved query. */
export interface SavedQueryRecord {
  id: string;
  name: string;
  spec: Record<string, unknown>;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
}

/** What deleting a saved query did: a query that reports use is kept unless the delete forces it. */
export type SavedQueryDeletion =
  | { outcome: 'deleted' }
  | { outcome: 'not_found' }
  | { outcome: 'in_use'; reports: { id: string; name: string }[] };

export async function createSavedQuery(db: Kysely<Database>, input: NewSavedQuery): Promise<SavedQueryRecord> {
  const row: SavedQueryRow = {
    id: input.id.toLowerCase(),
    name: input.name,
    spec_json: JSON.stringify(input.spec),
    created_by: input.createdBy,
    created_at: input.now,
    updated_at: input.now,
  };
  await db.insertInto('saved_queries').values(row).execute();
  return toSavedQuery(row);
}

/** The saved query of that id (any case), or undefined. */
export async function getSavedQuery(db: Kysely<Database>, id: string): Promise<SavedQueryRecord | undefined> {
  const row = await db.selectFrom('saved_queries').selectAll().where('id', '=', id.toLowerCase()).executeTakeFirst();
  return row && toSavedQuery(row);
}

/** Saved queries, oldest first (then by id). */
export async function listSavedQueries(db: Kysely<Database>, request: CreationOrderRequest): Promise<Page<SavedQueryRecord>> {
  const page = await pageByCreation(db.selectFrom('saved_queries').selectAll(), request);
  return { items: page.rows.map(toSavedQuery), ...(page.nextAfter ? { nextAfter: page.nextAfter } : {}) };
}

/**
 * Deletes a saved query. Without `force`, a query that a report uses stays, and the answer names
 * those reports; with it, the query leaves every report too. The check and the delete hold the
 * assessments lock, so no report can take the query in between.
 */
export async function deleteSavedQuery(
  db: Kysely<Database>,
  caps: DialectCapabilities,
  id: string,
  options: { force: boolean },
): Promise<SavedQueryDeletion> {
  const key = id.toLowerCase();
  return inWriteTransaction(db, caps, async (conn) => {
    await lockAssessments(conn, caps);
    const found = await conn.selectFrom('saved_queries').select('id').where('id', '=', key).executeTakeFirst();
    if (!found) return { outcome: 'not_found' };
    if (!options.force) {
      const reports = await conn
        .selectFrom('report_queries as rq')
        .innerJoin('reports as r', 'r.id', 'rq.report_id')
        .select(['r.id', 'r.name'])
        .where('rq.query_id', '=', key)
        .orderBy('r.created_at')
        .orderBy('r.id')
        .execute();
      if (reports.length > 0) return { outcome: 'in_use', reports };
    }
    await conn.deleteFrom('report_queries').where('query_id', '=', key).execute();
    await conn.deleteFrom('saved_queries').where('id', '=', key).execute();
    return { outcome: 'deleted' };
  });
}

const IDS_PER_LOOKUP = 1_000;

/** Which of these saved query ids (lower-cased) exist; read inside the caller's transaction. */
export async function existingQueryIds(conn: Kysely<Database>, ids: readonly string[]): Promise<Set<string>> {
  const found = new Set<string>();
  // In slices: one statement may bind at most 32,766 values on SQLite.
  for (let start = 0; start < ids.length; start += IDS_PER_LOOKUP) {
    const rows = await conn.selectFrom('saved_queries').select('id').where('id', 'in', ids.slice(start, start + IDS_PER_LOOKUP)).execute();
    for (const row of rows) found.add(row.id);
  }
  return found;
}

function toSavedQuery(row: SavedQueryRow): SavedQueryRecord {
  return {
    id: row.id,
    name: row.name,
    spec: JSON.parse(row.spec_json) as Record<string, unknown>,
    createdBy: row.created_by,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

import type { Kysely } from 'kysely';
import type { DialectCapabilities } from './capabilities.js';
import type { ReportRow } from './assessment-tables.js';
import { pageByCreation, type CreationOrderRequest } from './creation-order.js';
import type { Database } from './database.js';
import { existingQueryIds } from './saved-queries.js';
import type { Page } from './store.js';
import { inWriteTransaction, lockAssessments } from './write-transaction.js';

/** A report as written by a create or a full replace. */
export interface ReportWrite {
  id: string;
  name: string;
  /** The report's other fields (description, category, version, unknown fields), stored as given. */
  fields: Record<string, unknown>;
  /** Its saved queries, in order; a repeated id is kept once, at its first place. */
  queryIds: string[];
  /** The API key that writes it (kept from the create on a replace). */
  by: string;
  now: string;
}

/** A query of a report, with its name so a reader need not look it up. */
export interface ReportQueryRef {
  id: string;
  name: string;
}

/** A stored report with its queries in order. */
export interface ReportRecord {
  id: string;
  name: string;
  fields: Record<string, unknown>;
  queries: ReportQueryRef[];
  createdBy: string;
  createdAt: string;
  updatedAt: string;
}

/** What a report write did: written, no such report, or saved queries that do not exist (lower-cased ids). */
export type ReportWriteResult =
  | { outcome: 'written'; report: ReportRecord }
  | { outcome: 'not_found' }
  | { outcome: 'unknown_queries'; ids: string[] };

type Conn = Kysely<Database>;

const ROWS_PER_INSERT = 1_000;

export async function createReport(db: Conn, caps: DialectCapabilities, input: ReportWrite): Promise<ReportWriteResult> {
  return inWriteTransaction(db, caps, async (conn) => {
    await lockAssessments(conn, caps);
    const queryIds = distinctLower(input.queryIds);
    const unknown = await unknownQueries(conn, queryIds);
    if (unknown.length > 0) return { outcome: 'unknown_queries', ids: unknown };
    const id = input.id.toLowerCase();
    await conn
      .insertInto('reports')
      .values({ id, name: input.name, fields_json: JSON.stringify(input.fields), created_by: input.by, created_at: input.now, updated_at: input.now })
      .execute();
    await insertQueries(conn, id, queryIds, 0);
    return { outcome: 'written', report: (await readReport(conn, id))! };
  });
}

/** Replaces a report's name, fields and queries; its id, creator and creation time stay. */
export async function replaceReport(db: Conn, caps: DialectCapabilities, input: ReportWrite): Promise<ReportWriteResult> {
  return inWriteTransaction(db, caps, async (conn) => {
    await lockAssessments(conn, caps);
    const id = input.id.toLowerCase();
    const found = await conn.selectFrom('reports').select('id').where('id', '=', id).executeTakeFirst();
    if (!found) return { outcome: 'not_found' };
    const queryIds = distinctLower(input.queryIds);
    const unknown = await unknownQueries(conn, queryIds);
    if (unknown.length > 0) return { outcome: 'unknown_queries', ids: unknown };
    await conn.updateTable('reports').set({ name: input.name, fields_json: JSON.stringify(input.fields), updated_at: input.now }).where('id', '=', id).execute();
    await conn.deleteFrom('report_queries').where('report_id', '=', id).execute();
    await insertQueries(conn, id, queryIds, 0);
    return { outcome: 'written', report: (await readReport(conn, id))! };
  });
}

/**
 * Appends a saved query to a report; a query the report already has stays where it is and
 * nothing changes (adding twice leaves one entry, and the same `updated_at`).
 */
export async function addQueryToReport(
  db: Conn,
  caps: DialectCapabilities,
  change: { reportId: string; queryId: string; now: string },
): Promise<ReportWriteResult> {
  return inWriteTransaction(db, caps, async (conn) => {
    await lockAssessments(conn, caps);
    const reportId = change.reportId.toLowerCase();
    const queryId = change.queryId.toLowerCase();
    const found = await conn.selectFrom('reports').select('id').where('id', '=', reportId).executeTakeFirst();
    if (!found) return { outcome: 'not_found' };
    if ((await unknownQueries(conn, [queryId])).length > 0) return { outcome: 'unknown_queries', ids: [queryId] };
    const present = await conn.selectFrom('report_queries').select('position').where('report_id', '=', reportId).where('query_id', '=', queryId).executeTakeFirst();
    if (!present) {
      const last = await conn.selectFrom('report_queries').select((eb) => eb.fn.max('position').as('position')).where('report_id', '=', reportId).executeTakeFirst();
      await insertQueries(conn, reportId, [queryId], last?.position == null ? 0 : Number(last.position) + 1);
      await conn.updateTable('reports').set({ updated_at: change.now }).where('id', '=', reportId).execute();
    }
    return { outcome: 'written', report: (await readReport(conn, reportId))! };
  });
}

/** The report of that id (any case) with its queries, or undefined; read in one transaction. */
export async function getReport(db: Conn, id: string): Promise<ReportRecord | undefined> {
  return db.transaction().execute((trx) => readReport(trx, id.toLowerCase()));
}

/** Reports, oldest first (then by id), each with its queries. */
export async function listReports(db: Conn, request: CreationOrderRequest): Promise<Page<ReportRecord>> {
  return db.transaction().execute(async (trx) => {
    const page = await pageByCreation(trx.selectFrom('reports').selectAll(), request);
    const queries = await queriesOf(
      trx,
      page.rows.map((r) => r.id),
    );
    return { items: page.rows.map((row) => toReport(row, queries.get(row.id) ?? [])), ...(page.nextAfter ? { nextAfter: page.nextAfter } : {}) };
  });
}

/** Deletes a report (its saved queries stay); false if there is none of that id. */
export async function deleteReport(db: Conn, caps: DialectCapabilities, id: string): Promise<boolean> {
  return inWriteTransaction(db, caps, async (conn) => {
    await lockAssessments(conn, caps);
    const key = id.toLowerCase();
    await conn.deleteFrom('report_queries').where('report_id', '=', key).execute();
    const result = await conn.deleteFrom('reports').where('id', '=', key).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  });
}

async function readReport(conn: Conn, id: string): Promise<ReportRecord | undefined> {
  const row = await conn.selectFrom('reports').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) return undefined;
  return toReport(row, (await queriesOf(conn, [id])).get(id) ?? []);
}

/** The queries of these reports, each report's in position order. */
async function queriesOf(conn: Conn, reportIds: string[]): Promise<Map<string, ReportQueryRef[]>> {
  const byReport = new Map<string, ReportQueryRef[]>();
  if (reportIds.length === 0) return byReport;
  const rows = await conn
    .selectFrom('report_queries as rq')
    .innerJoin('saved_queries as q', 'q.id', 'rq.query_id')
    .select(['rq.report_id', 'q.id', 'q.name'])
    .where('rq.report_id', 'in', reportIds)
    .orderBy('rq.report_id')
    .orderBy('rq.position')
    .execute();
  for (const row of rows) {
    const list = byReport.get(row.report_id) ?? [];
    list.push({ id: row.id, name: row.name });
    byReport.set(row.report_id, list);
  }
  return byReport;
}

async function insertQueries(conn: Conn, reportId: string, queryIds: string[], firstPosition: number): Promise<void> {
  const rows = queryIds.map((queryId, i) => ({ report_id: reportId, query_id: queryId, position: firstPosition + i }));
  // In slices: one statement may bind at most 32,766 values on SQLite.
  for (let start = 0; start < rows.length; start += ROWS_PER_INSERT) {
    await conn.insertInto('report_queries').values(rows.slice(start, start + ROWS_PER_INSERT)).execute();
  }
}

async function unknownQueries(conn: Conn, queryIds: string[]): Promise<string[]> {
  const existing = await existingQueryIds(conn, queryIds);
  return queryIds.filter((id) => !existing.has(id));
}

function distinctLower(ids: string[]): string[] {
  return [...new Set(ids.map((id) => id.toLowerCase()))];
}

function toReport(row: ReportRow, queries: ReportQueryRef[]): ReportRecord {
  return {
    id: row.id,
    name: row.name,
    fields: JSON.parse(row.fields_json) as Record<string, unknown>,
    queries,
    createdBy: row.created_by,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

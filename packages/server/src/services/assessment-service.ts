import { randomUUID } from 'node:crypto';
import type { BooleanFlag, FieldViolation, AssessmentReport, ReportListQuery, ReportWriteBody, SavedQuery, SavedQueryCreate, SavedQueryListQuery } from '@accessgraph/contract';
import type { ReportWriteResult, Store } from '@accessgraph/storage';
import { ApiError } from '../http/api-error.js';
import { reportFields, reportView, savedQuerySpec, savedQueryView } from './assessment-views.js';
import { nowIso } from './clock.js';
import { questionOf, simplePage, valuesEnvelope } from './list-paging.js';

/** Who writes: the API key's id becomes `created_by`. */
export interface Writer {
  keyId: string;
}

/**
 * Saved queries and reports (Veza's assessments API, spec §14.2–14.3): create, read, list,
 * replace, delete, and a report's queries. Evaluating a query spec is another service's; it
 * reads a saved query's spec through `querySpec`.
 */
export class AssessmentService {
  constructor(private readonly store: Store) {}

  // Saved queries

  async createQuery(body: SavedQueryCreate, writer: Writer): Promise<{ value: SavedQuery }> {
    checkName(body.name);
    const record = await this.store.createSavedQuery({ id: randomUUID(), name: body.name, spec: savedQuerySpec(body), createdBy: writer.keyId, now: nowIso() });
    return { value: savedQueryView(record) };
  }

  async listQueries(query: SavedQueryListQuery) {
    const question = questionOf('saved_queries');
    const page = await this.store.listSavedQueries(simplePage(question, query));
    return valuesEnvelope({ ...page, items: page.items.map(savedQueryView) }, question);
  }

  async getQuery(id: string): Promise<{ value: SavedQuery }> {
    const record = await this.store.getSavedQuery(id);
    if (!record) throw ApiError.notFound('saved query', id);
    return { value: savedQueryView(record) };
  }

  /**
   * The stored spec of a saved query — the body it was created with, without the server's fields,
   * `query_type` and `visibility` defaulted — for running a saved query by id; 404 if unknown.
   */
  async querySpec(id: string): Promise<Record<string, unknown>> {
    const record = await this.store.getSavedQuery(id);
    if (!record) throw ApiError.notFound('saved query', id);
    return record.spec;
  }

  /** Deletes a saved query; one that reports use needs `force` (then it leaves them too). */
  async deleteQuery(id: string, force: BooleanFlag | undefined): Promise<Record<string, never>> {
    const deletion = await this.store.deleteSavedQuery(id, { force: flagValue(force) });
    if (deletion.outcome === 'not_found') throw ApiError.notFound('saved query', id);
    if (deletion.outcome === 'in_use') {
      const names = deletion.reports.map((r) => `"${r.name}" (${r.id})`).join(', ');
      const description = `used by ${deletion.reports.length === 1 ? 'report' : 'reports'} ${names}; send force=True to delete the query and remove it from them`;
      throw new ApiError('FailedPrecondition', 'QUERY_IN_USE', `saved query "${id}" is ${description}`, {
        violations: [{ field: 'force', description }],
      });
    }
    return {};
  }

  // Reports

  async createReport(body: ReportWriteBody, writer: Writer): Promise<{ value: AssessmentReport }> {
    checkName(body.name);
    const result = await this.store.createReport({ ...reportWrite(body), id: randomUUID(), by: writer.keyId });
    return { value: reportView(written(result, body, 'report', '')) };
  }

  async listReports(query: ReportListQuery) {
    const question = questionOf('reports');
    const page = await this.store.listReports(simplePage(question, query));
    return valuesEnvelope({ ...page, items: page.items.map(reportView) }, question);
  }

  async getReport(id: string): Promise<{ value: AssessmentReport }> {
    const record = await this.store.getReport(id);
    if (!record) throw ApiError.notFound('report', id);
    return { value: reportView(record) };
  }

  /**
   * Replaces a report (PUT). The body may be the object a GET returned: its `id` must be the
   * path's, its timestamps and creator are ignored, its expanded `queries` entries are read by `query`.
   */
  async replaceReport(id: string, body: ReportWriteBody, writer: Writer): Promise<{ value: AssessmentReport }> {
    if (body.id != null && body.id.toLowerCase() !== id.toLowerCase()) {
      throw ApiError.invalid([{ field: 'id', description: `must be the report id in the path ("${id}") or absent` }], 'ID_MISMATCH');
    }
    checkName(body.name);
    const result = await this.store.replaceReport({ ...reportWrite(body), id, by: writer.keyId });
    return { value: reportView(written(result, body, 'report', id)) };
  }

  /** Adds a saved query to a report, at the end; adding one the report has changes nothing. */
  async addQueryToReport(reportId: string, queryId: string): Promise<{ value: AssessmentReport }> {
    const result = await this.store.addQueryToReport({ reportId, queryId, now: nowIso() });
    if (result.outcome === 'unknown_queries') throw ApiError.notFound('saved query', queryId);
    return { value: reportView(written(result, undefined, 'report', reportId)) };
  }

  async deleteReport(id: string): Promise<Record<string, never>> {
    if (!(await this.store.deleteReport(id))) throw ApiError.notFound('report', id);
    return {};
  }
}

/** `True`, `true`, `TRUE` and `1` are true; absent is false. */
function flagValue(flag: BooleanFlag | undefined): boolean {
  return flag !== undefined && (flag === '1' || flag.toLowerCase() === 'true');
}

/** The schema bounds a name's length; a name of only spaces names nothing either. */
function checkName(name: string): void {
  if (name.trim() === '') throw ApiError.invalid([{ field: 'name', description: 'must not be blank' }]);
}

function reportWrite(body: ReportWriteBody) {
  return { name: body.name, fields: reportFields(body), queryIds: (body.queries ?? []).map((q) => q.query), now: nowIso() };
}

/**
 * The written report, or the error its write ended with: a 404 for an unknown report, a 400 naming
 * `queries[i].query` for each entry of the body that names no saved query.
 */
function written(result: ReportWriteResult, body: ReportWriteBody | undefined, resource: string, id: string) {
  if (result.outcome === 'written') return result.report;
  if (result.outcome === 'not_found') throw ApiError.notFound(resource, id);
  const unknown = new Set(result.ids);
  const violations: FieldViolation[] = (body?.queries ?? []).flatMap((q, i) =>
    unknown.has(q.query.toLowerCase()) ? [{ field: `queries[${i}].query`, description: `saved query "${q.query}" does not exist` }] : [],
  );
  throw ApiError.invalid(violations);
}

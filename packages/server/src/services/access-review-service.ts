import type { Readable } from 'node:stream';
import type { AccessReviewQuery, AccessReviewRow } from '@accessgraph/contract';
import type { KeysetValue } from '@accessgraph/core';
import { canonicalKey, ENTITY_KINDS, type AccessReviewRequest, type AccessReviewScope, type Page, type Store } from '@accessgraph/storage';
import { ApiError } from '../http/api-error.js';
import { accessReviewCsv } from './access-review-csv.js';
import type { DataSourceService } from './data-source-service.js';
import { countedEnvelope, countRows, questionOf, simplePage } from './list-paging.js';

/** Rows read from storage per page of a CSV export: each page is one read transaction, its rows the memory an export holds. */
const CSV_PAGE_ROWS = 500;

/** An answer: a page of JSON rows, or a whole CSV file to stream. */
export type AccessReviewAnswer =
  | { format: 'json'; body: ReturnType<typeof countedEnvelope<AccessReviewRow>> }
  | { format: 'csv'; filename: string; stream: Readable };

/**
 * The access review export (issue 6): who reaches an application and its resources, a resource,
 * or a whole application data source, with the person behind each account, as JSON pages or one
 * streamed CSV file.
 */
export class AccessReviewService {
  constructor(
    private readonly store: Store,
    private readonly dataSources: DataSourceService,
  ) {}

  /** The review of an application (with its resources) or a resource: 404 for an unknown node, 400 naming `node_id` for any other node. */
  async ofNode(nodeId: string, query: AccessReviewQuery): Promise<AccessReviewAnswer> {
    const node = await this.store.findNode(nodeId);
    if (node === undefined) throw ApiError.notFound('node', nodeId);
    if (!ENTITY_KINDS.includes(node.type)) {
      throw ApiError.invalid([{ field: 'node_id', description: `${node.type.replace(/_/g, ' ')} nodes are not reached by grants: review an application or a resource` }]);
    }
    return this.answer({ nodeId }, `access-review-${node.name}`, ['node', nodeId], query);
  }

  /** The review of a whole application data source: 404 for an unknown one, 400 naming `data_source_id` for another template's. */
  async ofDataSource(providerId: string, dataSourceId: string, query: AccessReviewQuery): Promise<AccessReviewAnswer> {
    const dataSource = await this.dataSources.get(providerId, dataSourceId);
    if (dataSource.custom_template !== 'application') {
      throw ApiError.invalid([
        { field: 'data_source_id', description: `${dataSource.custom_template.replace(/_/g, ' ')} data sources grant nothing to review: review an application data source` },
      ]);
    }
    return this.answer({ dataSourceId: dataSource.id }, `access-review-${dataSource.name}`, ['datasource', dataSource.id], query);
  }

  private async answer(scope: AccessReviewScope, name: string, subject: string[], query: AccessReviewQuery): Promise<AccessReviewAnswer> {
    const { page_size: _size, page_token: _token, total: _total, format = 'json', ...filters } = query;
    const request = filtersOf(query);
    if (format === 'csv') {
      if (query.page_token) throw ApiError.invalid([{ field: 'page_token', description: 'a CSV export is the whole answer; page with format=json' }]);
      // The first page is read before anything is sent, so an unknown node still answers a JSON 404.
      const first = await this.page(scope, { ...request, pageSize: CSV_PAGE_ROWS });
      return { format, filename: `${fileName(name)}.csv`, stream: accessReviewCsv(this.pages(scope, request, first)) };
    }
    // A page token continues only the review it came from, with the same filters.
    const question = questionOf('access_review', ...subject, filters);
    const page = await this.page(scope, { ...request, ...simplePage(question, query) });
    const total = query.total ? await countRows((next) => this.page(scope, { ...request, ...next })) : undefined;
    return { format, body: countedEnvelope(page, question, total) };
  }

  private async page(scope: AccessReviewScope, request: AccessReviewRequest): Promise<Page<AccessReviewRow>> {
    const page = await this.store.listAccessReview(scope, request);
    if (page === undefined) throw ApiError.notFound('nodeId' in scope ? 'node' : 'datasource', 'nodeId' in scope ? scope.nodeId : scope.dataSourceId);
    return page;
  }

  /** Every page of a review from the first, each read when the one before has been consumed. */
  private async *pages(scope: AccessReviewScope, filters: Omit<AccessReviewRequest, 'pageSize'>, first: Page<AccessReviewRow>): AsyncGenerator<AccessReviewRow[]> {
    let page = first;
    yield page.items;
    while (page.nextAfter !== undefined) {
      const after: KeysetValue[] = page.nextAfter;
      page = await this.page(scope, { ...filters, pageSize: CSV_PAGE_ROWS, after });
      yield page.items;
    }
  }
}

/** The query's filters in the store's terms: names lower-cased, canonical types as canonicalKey gives them. */
function filtersOf(query: AccessReviewQuery): Omit<AccessReviewRequest, 'pageSize'> {
  return {
    ...(query.principal_type ? { principalType: query.principal_type } : {}),
    ...(query.permission ? { permission: query.permission.toLowerCase() } : {}),
    ...(query.canonical_type ? { canonicalType: canonicalKey(query.canonical_type) } : {}),
    ...(query.terminated_only === true ? { terminatedOnly: true } : {}),
    ...(query.inactive_only === true ? { inactiveOnly: true } : {}),
  };
}

/** A file name safe in a Content-Disposition header on every platform: ASCII letters, digits, dot, dash and underscore. */
function fileName(name: string): string {
  const safe = name
    .normalize('NFKD')
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/^[-.]+|-+$/g, '')
    .slice(0, 100);
  return safe === '' ? 'access-review' : safe;
}

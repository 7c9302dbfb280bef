import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, type ListQuery } from '@accessgraph/contract';
import { decodePageToken, encodePageToken, parseFilter, parseOrderBy, type KeysetValue, type ValidationIssue } from '@accessgraph/core';
import type { ListRequest, Page } from '@accessgraph/storage';
import { ApiError } from '../http/api-error.js';

/**
 * The question a page token belongs to: its parts as JSON, each object's keys in order. The same
 * question asked with its query parameters in another order (or a query spec with its fields in
 * another order) is the same question, and a token from one page continues it.
 */
export function questionOf(...parts: unknown[]): string {
  return JSON.stringify(parts, (_key, value: unknown) =>
    value !== null && typeof value === 'object' && !Array.isArray(value) ? Object.fromEntries(Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : value,
  );
}

/** A list request checked and ready for the store, with the question its page tokens belong to. */
export interface PagedQuestion {
  request: ListRequest;
  question: string;
}

/**
 * Turns `filter`, `order_by`, `page_size` and `page_token` into a store request, or a 400 that
 * names every problem. Page sizes follow Google's API rules, which Veza's gateway uses: 0 or
 * absent means the default, more than the maximum is lowered to it.
 */
export function pagedQuestion(scope: string, query: ListQuery, fields: readonly string[]): PagedQuestion {
  const issues: ValidationIssue[] = [];
  const filter = query.filter?.trim() ? parseFilter(query.filter, fields) : undefined;
  if (filter && !filter.ok) issues.push(...filter.issues);
  const order = query.order_by?.trim() ? parseOrderBy(query.order_by, fields) : undefined;
  if (order && !order.ok) issues.push(...order.issues);
  const question = questionOf(scope, query.filter ?? '', query.order_by ?? '');
  const after = query.page_token ? decodePageToken(query.page_token, question) : undefined;
  if (after && !after.ok) issues.push(...after.issues);
  if (issues.length > 0) {
    const reason = issues.every((i) => i.path === 'page_token') ? 'INVALID_PAGE_TOKEN' : 'INVALID_FILTER';
    throw ApiError.fromIssues(issues, reason);
  }
  const pageSize = Math.min(query.page_size || DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE);
  return {
    question,
    request: {
      ...(filter?.ok ? { filter: filter.value } : {}),
      order: order?.ok ? order.value : [{ field: 'name', direction: 'asc' }],
      pageSize,
      ...(after?.ok ? { after: after.value } : {}),
    },
  };
}

/** The OAA list envelope for a page. */
export function valuesEnvelope<T>(page: Page<T>, question: string) {
  return {
    values: page.items,
    next_page_token: page.nextAfter ? encodePageToken(question, page.nextAfter) : '',
    has_more: page.nextAfter !== undefined,
  };
}

/** Page size and keyset position of a list without filter or order (history, read-backs). */
export function simplePage(question: string, query: { page_size?: number | undefined; page_token?: string | undefined }) {
  const after = query.page_token ? decodePageToken(query.page_token, question) : undefined;
  if (after && !after.ok) throw ApiError.fromIssues(after.issues, 'INVALID_PAGE_TOKEN');
  return {
    pageSize: Math.min(query.page_size || DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE),
    ...(after?.ok ? { after: after.value } : {}),
  };
}

/** A page request of a keyset list: how many rows, after which key. */
export interface PageRequest {
  pageSize: number;
  after?: KeysetValue[];
}

/**
 * Every row of an answer counted, for `total=true`: the answer's pages read one after the other,
 * the largest page at a time, as a client paging through it would (so the count is of the rows
 * paging returns). `read` answers undefined when the subject is gone (then 0).
 */
export async function countRows(read: (page: PageRequest) => Promise<Page<unknown> | undefined>): Promise<number> {
  let rows = 0;
  let after: KeysetValue[] | undefined;
  do {
    const page = await read({ pageSize: MAX_PAGE_SIZE, ...(after ? { after } : {}) });
    if (page === undefined) return rows;
    rows += page.items.length;
    after = page.nextAfter;
  } while (after !== undefined);
  return rows;
}

/** The list envelope, with `total_count` when a total was asked for. */
export function countedEnvelope<T>(page: Page<T>, question: string, total: number | undefined) {
  return { ...valuesEnvelope(page, question), ...(total === undefined ? {} : { total_count: total }) };
}

import { sql, type SelectQueryBuilder } from 'kysely';
import type { KeysetValue } from '@accessgraph/core';
import { StoreError } from './store-error.js';

/** A page request of a list kept in creation order (saved queries, reports). */
export interface CreationOrderRequest {
  pageSize: number;
  /** [created_at, id] of the last row of the previous page (from its page token). */
  after?: KeysetValue[];
}

/**
 * One page of rows in (created_at, id) order: oldest first, ties broken by id, so paging returns
 * every row that exists throughout exactly once, whatever is created or deleted meanwhile.
 * `created_at` and `id` are the unqualified columns of the query's single table.
 */
export async function pageByCreation<DB, TB extends keyof DB, Row extends { created_at: string; id: string }>(
  query: SelectQueryBuilder<DB, TB, Row>,
  request: CreationOrderRequest,
): Promise<{ rows: Row[]; nextAfter?: string[] }> {
  const after = request.after;
  if (after !== undefined && (after.length !== 2 || after.some((v) => typeof v !== 'string'))) {
    throw new StoreError('invalid_cursor', 'page token does not match the creation order');
  }
  let paged = query;
  if (after) {
    const [createdAt, id] = after as [string, string];
    paged = paged.where(sql<boolean>`(created_at > ${createdAt} or (created_at = ${createdAt} and id > ${id}))`);
  }
  const rows = (await paged.orderBy(sql`created_at`).orderBy(sql`id`).limit(request.pageSize + 1).execute()) as Row[];
  if (rows.length <= request.pageSize) return { rows };
  const page = rows.slice(0, request.pageSize);
  const last = page[page.length - 1]!;
  return { rows: page, nextAfter: [last.created_at, last.id] };
}

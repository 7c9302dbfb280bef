import { sql, type Expression, type ExpressionBuilder, type Kysely, type SqlBool } from 'kysely';
import type { FilterNode, KeysetValue, OrderTerm } from '@accessgraph/core';
import type { Database } from './database.js';
import { StoreError } from './store-error.js';
import type { ListRequest } from './store.js';

/**
 * How one list field maps to a column: the column holds a normalised key (lower-cased names,
 * upper-cased states), and `normalise` brings a filter value to the same form, so comparisons
 * are plain column comparisons that indexes can serve.
 */
export interface ListField {
  column: string;
  normalise: (value: string) => string;
}

export type ListFields = Record<string, ListField>;

export const lower = (value: string) => value.toLowerCase();
export const upper = (value: string) => value.toUpperCase();

/** The filter as a SQL condition. */
export function filterCondition<DB, TB extends keyof DB>(
  eb: ExpressionBuilder<DB, TB>,
  node: FilterNode,
  fields: ListFields,
): Expression<SqlBool> {
  if (node.kind !== 'compare') {
    const terms = node.terms.map((t) => filterCondition(eb, t, fields));
    return node.kind === 'and' ? eb.and(terms) : eb.or(terms);
  }
  const field = fields[node.field];
  if (!field) throw new Error(`list field ${node.field} has no column`);
  const column = sql.ref(field.column);
  const value = field.normalise(node.value);
  switch (node.op) {
    case 'eq':
      return sql<SqlBool>`${column} = ${value}`;
    case 'ne':
      return sql<SqlBool>`${column} <> ${value}`;
    case 'co':
      return sql<SqlBool>`${column} like ${`%${escapeLike(value)}%`} escape '\\'`;
    case 'sw':
      return sql<SqlBool>`${column} like ${`${escapeLike(value)}%`} escape '\\'`;
    default:
      // Lists are parsed with FILTER_OPERATORS only.
      throw new Error(`list filters have no operator ${node.op}`);
  }
}

export function escapeLike(value: string): string {
  return value.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** The sort terms with the id appended as the final tie-breaker, so every row has a unique key. */
export function keysetOrder(request: ListRequest, idField: string): OrderTerm[] {
  return request.order.some((t) => t.field === idField)
    ? request.order
    : [...request.order, { field: idField, direction: 'asc' }];
}

/**
 * Rows strictly after `after` in `order`:
 * (k1 > v1) or (k1 = v1 and k2 > v2) or ... with `<` for descending terms.
 */
export function afterCondition(order: OrderTerm[], after: KeysetValue[], fields: ListFields): Expression<SqlBool> {
  const ors = order.map((term, i) => {
    const equal = order.slice(0, i).map((t, j) => sql`${sql.ref(fields[t.field]!.column)} = ${after[j]}`);
    const cmp = term.direction === 'asc' ? sql`>` : sql`<`;
    const strict = sql`${sql.ref(fields[term.field]!.column)} ${cmp} ${after[i]}`;
    return sql.join([...equal, strict], sql` and `);
  });
  return sql<SqlBool>`(${sql.join(ors.map((o) => sql`(${o})`), sql` or `)})`;
}

/** ORDER BY terms matching `keysetOrder`. */
export function orderByTerms(order: OrderTerm[], fields: ListFields) {
  return order.map((t) => sql`${sql.ref(fields[t.field]!.column)} ${t.direction === 'asc' ? sql`asc` : sql`desc`}`);
}

/** Checks a decoded page token against the order it must continue. */
export function afterMatchesOrder(order: OrderTerm[], after: KeysetValue[] | undefined): boolean {
  return after === undefined || after.length === order.length;
}

/** One keyset page of a table, optionally scoped to rows whose `scope.column` equals a value. */
export async function keysetPage<Row>(
  db: Kysely<Database>,
  table: 'providers' | 'data_sources',
  fields: ListFields,
  request: ListRequest,
  scope?: { column: string; value: string },
): Promise<{ rows: Row[]; nextAfter?: (string | number)[] }> {
  const order = keysetOrder(request, 'id');
  if (!afterMatchesOrder(order, request.after)) {
    throw new StoreError('invalid_cursor', 'page token does not match the sort order');
  }
  let query = db.selectFrom(table).selectAll();
  if (scope) query = query.where(sql.ref(scope.column), '=', scope.value);
  if (request.filter) {
    const filter = request.filter;
    query = query.where((eb) => filterCondition(eb, filter, fields));
  }
  if (request.after) query = query.where(afterCondition(order, request.after, fields));
  for (const term of orderByTerms(order, fields)) query = query.orderBy(term);
  const rows = (await query.limit(request.pageSize + 1).execute()) as Row[];
  if (rows.length <= request.pageSize) return { rows };
  const page = rows.slice(0, request.pageSize);
  const last = page[page.length - 1] as Record<string, string | number>;
  return { rows: page, nextAfter: order.map((t) => last[fields[t.field]!.column]!) };
}

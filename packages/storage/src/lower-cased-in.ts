import { sql, type RawBuilder, type SqlBool } from 'kysely';
import type { DialectCapabilities } from './capabilities.js';

/** At most this many strings are looked for in SQL; callers with more read everything and filter as they go. */
export const LOWER_CASED_IN_LIMIT = 2_000;

/**
 * A condition that keeps the rows whose text `column`, lower-cased as JavaScript's toLowerCase
 * does, is one of `values` (already lower-cased) — and also rows it cannot judge, which the
 * caller filters again with toLowerCase. Neither engine lower-cases like JavaScript in every
 * locale: SQLite's lower() folds ASCII only, PostgreSQL's follows the database's locale. Both fold
 * ASCII alike when asked plainly (SQLite's lower(), PostgreSQL's translate() of A-Z), so a string
 * of printable ASCII is judged in SQL and any other string is passed through. Written by hand: no
 * query builder knows the difference.
 */
export function lowerCasedIn(caps: DialectCapabilities, column: string, values: readonly string[]): RawBuilder<SqlBool> {
  const col = sql.ref(column);
  const list = sql.join(values);
  return caps.engine === 'sqlite'
    ? sql<SqlBool>`(lower(${col}) in (${list}) or ${col} glob '*[^ -~]*')`
    : sql<SqlBool>`(translate(${col}, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz') in (${list}) or ${col} ~ '[^ -~]')`;
}

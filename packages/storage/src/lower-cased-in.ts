import { sql, type RawBuilder, type SqlBool } from 'kysely';
import type { DialectCapabilities } from './capabilities.js';

/**
 * At most this many strings are looked up through the indexes on lower-cased strings (migration
 * 0012); callers with more read everything and filter as they go (a re-pushed identity provider
 * whose every email moved: a scan beats 200k lookups).
 */
export const LOWER_CASED_IN_LIMIT = 20_000;

/**
 * Lower-casing as JavaScript's toLowerCase does: neither engine does it in every locale, but both
 * fold ASCII alike when asked plainly (SQLite's lower() folds ASCII only, and so does PostgreSQL's
 * under the C collation). So a string is judged in SQL when it is ASCII (as many bytes as
 * characters in UTF-8) and any other is passed through, for the caller to compare with
 * toLowerCase. Two conditions, each matching an index of migration 0012 exactly (an OR of them
 * would use neither): `lowerCasedAsciiIn`, the ASCII rows whose lower-cased text is one of
 * `values` (already lower-cased), and `notAscii`, every other row. Measured over a million rows
 * before the indexes: PostgreSQL's translate() of A-Z took 2.9 s where lower() under C takes
 * 0.26 s, and on SQLite a GLOB for non-ASCII characters 0.26 s where comparing lengths takes
 * 0.11 s. Written by hand: no query builder knows the difference.
 */
export function lowerCasedAsciiIn(caps: DialectCapabilities, column: string, values: readonly string[]): RawBuilder<SqlBool> {
  const col = sql.ref(column);
  // The values as one parameter (a JSON array, a text array): a query of thousands of parameters cost
  // more to build and compile, 3 ms each, than to run; both engines still look each one up in the index.
  return caps.engine === 'sqlite'
    ? sql<SqlBool>`(lower(${col}) in (select value from json_each(${JSON.stringify(values)})) and length(${col}) = length(cast(${col} as blob)))`
    : sql<SqlBool>`(lower(${col} collate "C") = any(${values as string[]}::text[]) and octet_length(${col}) = char_length(${col}))`;
}

export function notAscii(caps: DialectCapabilities, column: string): RawBuilder<SqlBool> {
  const col = sql.ref(column);
  return caps.engine === 'sqlite' ? sql<SqlBool>`length(${col}) <> length(cast(${col} as blob))` : sql<SqlBool>`octet_length(${col}) <> char_length(${col})`;
}

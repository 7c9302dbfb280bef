/**
 * What differs between the SQL engines, named once. Code outside the dialect files asks these
 * flags rather than checking which engine it runs on.
 */
export interface DialectCapabilities {
  readonly engine: 'sqlite' | 'postgres';
  /**
   * Collation clause for key columns, so sorting and keyset comparisons are bytewise on both
   * engines (SQLite's default is already BINARY; PostgreSQL's follows the locale).
   */
  readonly keyCollation: string;
}

export const SQLITE_CAPABILITIES: DialectCapabilities = { engine: 'sqlite', keyCollation: '' };
export const POSTGRES_CAPABILITIES: DialectCapabilities = { engine: 'postgres', keyCollation: 'C' };

/** A table or index name as an SQL identifier, for the catalog statements Kysely's builder does not cover (both engines quote alike). */
export function quoteIdentifier(identifier: string): string {
  return `"${identifier.replace(/"/g, '""')}"`;
}

import { sql, type Kysely } from 'kysely';
import type { DialectCapabilities } from '../capabilities.js';
import { quoteIdentifier } from '../quote-identifier.js';

/**
 * Indexes on identity strings by their lower-cased text, for the reads of the accounts and
 * employees that ask for some strings (`readRefs` with values): a change of an identity
 * provider's users re-resolves the links of the strings those users offered and offer, and
 * without an index finding them read every string of every application (a million at the
 * identity benchmark's scale) for a change of a thousand users. Two indexes, because the engines
 * lower-case only ASCII as JavaScript does (`lower-cased-in.ts`): one on the lower-cased string,
 * for ASCII strings, and a partial one holding only the strings with other characters, which the
 * read takes whole and compares in JavaScript. PostgreSQL creates them on the partitioned table,
 * which builds them on every partition; on SQLite the template gets them (so every later push
 * builds them on the data source's new table) and the tables of graphs pushed before get them here.
 */
export function identityRefsByStringMigration(caps: DialectCapabilities) {
  const sqlite = caps.graphLayout === 'shared-clustered';
  const create = async (db: Kysely<unknown>, table: string, names: { lower: string; other: string }) => {
    if (sqlite) {
      await sql.raw(`create index ${quoteIdentifier(names.lower)} on ${quoteIdentifier(table)} (ds, lower(identity))`).execute(db);
      await sql.raw(`create index ${quoteIdentifier(names.other)} on ${quoteIdentifier(table)} (ds) where length(identity) <> length(cast(identity as blob))`).execute(db);
    } else {
      await sql.raw(`create index ${quoteIdentifier(names.lower)} on ${quoteIdentifier(table)} (lower(identity collate "C"))`).execute(db);
      // Keyed by node: PostgreSQL's graph indexes do not lead with ds (0005), and only the predicate matters here.
      await sql.raw(`create index ${quoteIdentifier(names.other)} on ${quoteIdentifier(table)} (node) where octet_length(identity) <> char_length(identity)`).execute(db);
    }
  };
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await create(db, 'graph_identity_refs', { lower: 'graph_identity_refs_lower', other: 'graph_identity_refs_other' });
      if (!sqlite) return;
      const pushed = await sql<{ name: string }>`select name from sqlite_schema where type = 'table' and name glob 'graph_identity_refs__[0-9]*' order by name`.execute(db);
      for (const { name } of pushed.rows) await create(db, name, { lower: `${name}_lower`, other: `${name}_other` });
    },
    async down(db: Kysely<unknown>): Promise<void> {
      await db.schema.dropIndex('graph_identity_refs_other').execute();
      await db.schema.dropIndex('graph_identity_refs_lower').execute();
    },
  };
}

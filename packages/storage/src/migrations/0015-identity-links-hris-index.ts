import { sql, type Kysely } from 'kysely';

/**
 * An index of the HRIS links by the IdP user they reach (`rule = 'hris'` only): who an accessor is
 * looks up the employees behind a page's IdP users (`people-behind.ts`). Through the identity's side
 * index (to_ds, to_node, …) that lookup read every link into each user — its accounts in every
 * application, fifteen in the query benchmark — to keep the one HRIS link: 2.8 ms for 100 users on
 * PostgreSQL, 0.17 ms through this index (BENCHMARKS.md Q7). Partial, so it holds one row per
 * employee link and costs the millions of account links nothing. Its columns are the identity's
 * side index's, so a user's employees come in the same order through either.
 */
export function identityLinksHrisIndexMigration() {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema.createIndex('identity_links_hris').on('identity_links').columns(['to_ds', 'to_node', 'ds', 'node']).where(sql.ref('rule'), '=', 'hris').execute();
    },
    async down(db: Kysely<unknown>): Promise<void> {
      await db.schema.dropIndex('identity_links_hris').execute();
    },
  };
}

import { sql, type ColumnDefinitionBuilder, type Kysely } from 'kysely';
import type { DialectCapabilities } from '../capabilities.js';

/**
 * Okta SSO last-login enrichment (`okta-sso.ts`). All of it is in the database, so every replica
 * enriches alike:
 * - `integration_settings`: named settings (`okta_sso_user_matching_property`), one row each.
 * - `okta_users`: what imports told about each Okta user: its login as the System Log's
 *   `actor.alternateId` shows it, and its profile (JSON) from a users export.
 * - `okta_sso_logins`: per (Okta application id, Okta user id) the latest successful
 *   `user.authentication.sso` sign-in. Imports only ever move a time forward.
 * - `okta_sso_accounts`: per local user of a pushed application that has an `okta_app_id`, its
 *   node and its identities in payload order (JSON): what a recomputation after an import or a
 *   change of the setting matches, without decoding the payload. Rewritten by each push of the
 *   data source; deleted with it (ON DELETE CASCADE: a few rows per user of enriched applications).
 */
export function oktaSsoActivityMigration(caps: DialectCapabilities) {
  const key = (col: ColumnDefinitionBuilder) =>
    caps.keyCollation ? col.notNull().modifyEnd(sql`collate ${sql.id(caps.keyCollation)}`) : col.notNull();
  const required = (col: ColumnDefinitionBuilder) => col.notNull();

  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('integration_settings')
        .addColumn('name', 'text', (c) => key(c).primaryKey())
        .addColumn('value', 'text', required)
        .addColumn('updated_at', 'text', required)
        .execute();

      await db.schema
        .createTable('okta_users')
        .addColumn('id', 'text', (c) => key(c).primaryKey())
        .addColumn('login', 'text')
        .addColumn('profile', 'text', required)
        .addColumn('updated_at', 'text', required)
        .execute();

      await db.schema
        .createTable('okta_sso_logins')
        .addColumn('app_id', 'text', key)
        .addColumn('user_id', 'text', key)
        .addColumn('last_login_at', 'text', required)
        .addPrimaryKeyConstraint('okta_sso_logins_pk', ['app_id', 'user_id'])
        .execute();

      await db.schema
        .createTable('okta_sso_accounts')
        .addColumn('ds', 'integer', (c) => c.notNull().references('data_sources.seq').onDelete('cascade'))
        .addColumn('node', 'integer', required)
        .addColumn('app_id', 'text', key)
        .addColumn('identities', 'text', required)
        .addPrimaryKeyConstraint('okta_sso_accounts_pk', ['ds', 'node'])
        .execute();
      await db.schema.createIndex('okta_sso_accounts_app').on('okta_sso_accounts').columns(['app_id']).execute();
    },
    async down(db: Kysely<unknown>): Promise<void> {
      for (const table of ['okta_sso_accounts', 'okta_sso_logins', 'okta_users', 'integration_settings']) await db.schema.dropTable(table).execute();
    },
  };
}

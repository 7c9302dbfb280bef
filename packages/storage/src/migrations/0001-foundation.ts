import { sql, type ColumnDefinitionBuilder, type Kysely } from 'kysely';
import type { DialectCapabilities } from '../capabilities.js';

/** Providers, their icons and declared types, data sources, API keys. */
export function foundationMigration(caps: DialectCapabilities) {
  const key = (col: ColumnDefinitionBuilder) =>
    caps.keyCollation ? col.notNull().modifyEnd(sql`collate ${sql.id(caps.keyCollation)}`) : col.notNull();

  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('providers')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('name_key', 'text', key)
        .addColumn('custom_template', 'text', key)
        .addColumn('state', 'text', key)
        .addColumn('provisioning', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('options_json', 'text', (c) => c.notNull().defaultTo('{}'))
        .addColumn('created_at', 'text', key)
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('providers_name_key').unique().on('providers').column('name_key').execute();

      await db.schema
        .createTable('provider_types')
        .addColumn('provider_id', 'text', (c) => c.notNull().references('providers.id').onDelete('cascade'))
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('type_name', 'text', (c) => c.notNull())
        .addColumn('type_key', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('provider_types_pk', ['provider_id', 'kind', 'type_key'])
        .execute();
      await db.schema.createIndex('provider_types_lookup').on('provider_types').columns(['type_key', 'kind']).execute();

      await db.schema
        .createTable('provider_icons')
        .addColumn('provider_id', 'text', (c) => c.primaryKey().references('providers.id').onDelete('cascade'))
        .addColumn('mime_type', 'text', (c) => c.notNull())
        .addColumn('icon_base64', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('data_sources')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('provider_id', 'text', (c) => c.notNull().references('providers.id').onDelete('cascade'))
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('name_key', 'text', key)
        .addColumn('status', 'text', key)
        .addColumn('created_at', 'text', key)
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addColumn('last_push_at', 'text')
        .addColumn('last_push_warnings', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('incremental_allowed', 'integer', (c) => c.notNull().defaultTo(0))
        .execute();
      await db.schema
        .createIndex('data_sources_provider_name')
        .unique()
        .on('data_sources')
        .columns(['provider_id', 'name_key'])
        .execute();

      await db.schema
        .createTable('api_keys')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('role', 'text', (c) => c.notNull())
        .addColumn('key_hash', 'text', (c) => c.notNull())
        .addColumn('prefix', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', key)
        .addColumn('last_used_at', 'text')
        .addColumn('revoked_at', 'text')
        .execute();
    },
  };
}

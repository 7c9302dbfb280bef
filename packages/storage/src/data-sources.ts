import type { Kysely } from 'kysely';
import type { DataSource, DataSourceStatus } from '@accessgraph/contract';
import type { DialectCapabilities } from './capabilities.js';
import type { Database, DataSourceRow } from './database.js';
import { keysetPage, lower, upper, type ListFields } from './keyset-list.js';
import { refreshProviderTypes } from './provider-types.js';
import { toDataSource } from './row-mappers.js';
import { StoreError } from './store-error.js';
import type { ListRequest, NewDataSource, Page } from './store.js';
import { inWriteTransaction } from './write-transaction.js';

const DATA_SOURCE_FIELDS: ListFields = {
  id: { column: 'id', normalise: lower },
  name: { column: 'name_key', normalise: lower },
  status: { column: 'status', normalise: upper },
  created_at: { column: 'created_at', normalise: (value) => value },
};

/** Creates a data source; its `seq` comes from the database (see migration 0002). */
export async function createDataSource(db: Kysely<Database>, input: NewDataSource): Promise<DataSource> {
  const row: DataSourceRow = {
    id: input.id,
    provider_id: input.providerId,
    name: input.name,
    name_key: lower(input.name),
    status: 'PENDING',
    created_at: input.now,
    updated_at: input.now,
    last_push_at: null,
    last_push_warnings: 0,
    incremental_allowed: 0,
  };
  await db.insertInto('data_sources').values(row).execute();
  const created = await getDataSource(db, input.providerId, input.id);
  if (!created) throw new StoreError('internal', 'data source vanished after insert');
  return created;
}

export async function getDataSource(db: Kysely<Database>, providerId: string, id: string): Promise<DataSource | undefined> {
  const row = await db
    .selectFrom('data_sources as d')
    .innerJoin('providers as p', 'p.id', 'd.provider_id')
    .selectAll('d')
    .select('p.custom_template')
    .where('d.id', '=', lower(id))
    .where('d.provider_id', '=', lower(providerId))
    .executeTakeFirst();
  return row && toDataSource(row, row.custom_template);
}

export async function listDataSources(db: Kysely<Database>, providerId: string, request: ListRequest): Promise<Page<DataSource>> {
  const provider = await db.selectFrom('providers').select('custom_template').where('id', '=', lower(providerId)).executeTakeFirst();
  if (!provider) return { items: [] };
  const page = await keysetPage<DataSourceRow>(db, 'data_sources', DATA_SOURCE_FIELDS, request, {
    column: 'provider_id',
    value: lower(providerId),
  });
  return { items: page.rows.map((r) => toDataSource(r, provider.custom_template)), nextAfter: page.nextAfter };
}

/**
 * Deletes a data source. Its graph, payload and history go with it through ON DELETE CASCADE;
 * the types its pushes declared leave the provider's list unless another data source declares
 * them too.
 */
export async function deleteDataSource(
  db: Kysely<Database>,
  caps: DialectCapabilities,
  providerId: string,
  id: string,
): Promise<boolean> {
  return inWriteTransaction(db, caps, async (conn) => {
    const declared = await conn
      .selectFrom('data_sources as d')
      .innerJoin('data_source_types as t', 't.ds', 'd.seq')
      .select('t.ds')
      .where('d.id', '=', lower(id))
      .where('d.provider_id', '=', lower(providerId))
      .limit(1)
      .executeTakeFirst();
    const result = await conn
      .deleteFrom('data_sources')
      .where('id', '=', lower(id))
      .where('provider_id', '=', lower(providerId))
      .executeTakeFirst();
    if (declared) await refreshProviderTypes(conn, caps, lower(providerId));
    return Number(result.numDeletedRows) > 0;
  });
}

export async function setDataSourceStatus(db: Kysely<Database>, id: string, status: DataSourceStatus, now: string): Promise<void> {
  await db.updateTable('data_sources').set({ status, updated_at: now }).where('id', '=', id).execute();
}

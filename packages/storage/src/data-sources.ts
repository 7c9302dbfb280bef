import type { Kysely } from 'kysely';
import type { DataSource, DataSourceStatus } from '@accessgraph/contract';
import type { DialectCapabilities } from './capabilities.js';
import type { Database, DataSourceRow } from './database.js';
import type { GraphStorage } from './graph-writer.js';
import { keysetPage, lower, upper, type ListFields } from './keyset-list.js';
import { removeIdentityLinks } from './link-changes.js';
import { refreshProviderTypes } from './provider-types.js';
import { toDataSource } from './row-mappers.js';
import { StoreError } from './store-error.js';
import type { ListRequest, NewDataSource, Page } from './store.js';

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
 * Deletes a data source with everything it contributed, in one transaction: its payload, history
 * and declared types through ON DELETE CASCADE, its graph explicitly (the graph tables carry no
 * foreign keys, see migration 0002). The types it declared leave the provider's list unless
 * another data source declares them too. Deleting the row first means a push to it that is still
 * running fails at its own UPDATE of the row rather than leave a graph behind (see commitPush), and
 * keeps the locks in the order pushes take them: row, provider, graph tables.
 */
export async function deleteDataSource(graphs: GraphStorage, caps: DialectCapabilities, providerId: string, id: string): Promise<boolean> {
  return graphs.transaction(async (tx) => {
    const conn = tx.conn;
    const target = await conn
      .selectFrom('data_sources')
      .select('seq')
      .where('id', '=', lower(id))
      .where('provider_id', '=', lower(providerId))
      .executeTakeFirst();
    if (!target) return false;
    const declared = await conn.selectFrom('data_source_types').select('ds').where('ds', '=', target.seq).limit(1).executeTakeFirst();
    const result = await conn.deleteFrom('data_sources').where('seq', '=', target.seq).executeTakeFirst();
    if (Number(result.numDeletedRows) === 0) return false;
    if (declared) await refreshProviderTypes(conn, caps, lower(providerId));
    await removeIdentityLinks(conn, [target.seq]);
    await tx.remove([target.seq]);
    return true;
  });
}

/**
 * Deletes a provider with its data sources, icon, declared types and everything the data sources
 * contributed (see deleteDataSource), in one transaction.
 */
export async function deleteProvider(graphs: GraphStorage, providerId: string): Promise<boolean> {
  return graphs.transaction(async (tx) => {
    const removed = await tx.conn.deleteFrom('data_sources').where('provider_id', '=', lower(providerId)).returning('seq').execute();
    const result = await tx.conn.deleteFrom('providers').where('id', '=', lower(providerId)).executeTakeFirst();
    await removeIdentityLinks(tx.conn, removed.map((r) => r.seq));
    await tx.remove(removed.map((r) => r.seq));
    return Number(result.numDeletedRows) > 0;
  });
}

export async function setDataSourceStatus(db: Kysely<Database>, id: string, status: DataSourceStatus, now: string): Promise<void> {
  await db.updateTable('data_sources').set({ status, updated_at: now }).where('id', '=', id).execute();
}

/**
 * The `seq` of a data source that has been pushed, or undefined when it does not exist or has no
 * push yet (then it has no graph, and on PostgreSQL no partitions to read).
 */
export async function pushedDataSource(db: Kysely<Database>, dataSourceId: string): Promise<number | undefined> {
  const source = await db
    .selectFrom('data_sources as d')
    .leftJoin('data_source_states as s', 's.ds', 'd.seq')
    .select(['d.seq', 's.ds as pushed'])
    .where('d.id', '=', dataSourceId.toLowerCase())
    .executeTakeFirst();
  return source && source.pushed !== null ? source.seq : undefined;
}

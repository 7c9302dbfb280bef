import { sql, type Kysely } from 'kysely';
import type { DataSource, DataSourceStatus, Provider, ProviderTypes } from '@accessgraph/contract';
import type { Database, DataSourceRow, ProviderRow } from './database.js';
import type { DialectCapabilities } from './capabilities.js';
import {
  afterCondition,
  afterMatchesOrder,
  filterCondition,
  keysetOrder,
  lower,
  orderByTerms,
  upper,
  type ListFields,
} from './keyset-list.js';
import { PROVIDER_TYPE_KINDS, groupProviderTypes, toApiKeyRecord, toDataSource, toProvider } from './row-mappers.js';
import { StoreError } from './store-error.js';
import type {
  ApiKeyRecord,
  ListRequest,
  NewDataSource,
  NewProvider,
  Page,
  ProviderChanges,
  Store,
  StoredIcon,
} from './store.js';

const same = (value: string) => value;

const PROVIDER_FIELDS: ListFields = {
  id: { column: 'id', normalise: lower },
  name: { column: 'name_key', normalise: lower },
  state: { column: 'state', normalise: upper },
  custom_template: { column: 'custom_template', normalise: lower },
  created_at: { column: 'created_at', normalise: same },
};

const DATA_SOURCE_FIELDS: ListFields = {
  id: { column: 'id', normalise: lower },
  name: { column: 'name_key', normalise: lower },
  status: { column: 'status', normalise: upper },
  created_at: { column: 'created_at', normalise: same },
};

/**
 * The Store on any SQL engine Kysely speaks. Engine differences come in through
 * `DialectCapabilities` and `translateError`; the queries here are portable.
 */
export class KyselyStore implements Store {
  readonly engine: 'sqlite' | 'postgres';

  constructor(
    private readonly db: Kysely<Database>,
    caps: DialectCapabilities,
    private readonly translateError: (error: unknown) => StoreError,
    private readonly onClose: () => Promise<void> = async () => {},
  ) {
    this.engine = caps.engine;
  }

  /** Runs a database call, translating driver errors at the boundary. */
  private async run<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      throw error instanceof StoreError ? error : this.translateError(error);
    }
  }

  async ping(): Promise<void> {
    await this.run(() => sql`select 1`.execute(this.db));
  }

  async close(): Promise<void> {
    await this.db.destroy();
    await this.onClose();
  }

  // Providers

  createProvider(input: NewProvider): Promise<Provider> {
    return this.run(async () => {
      const row: ProviderRow = {
        id: input.id,
        name: input.name,
        name_key: lower(input.name),
        custom_template: input.customTemplate,
        state: input.state,
        provisioning: input.provisioning ? 1 : 0,
        options_json: JSON.stringify(input.options),
        created_at: input.now,
        updated_at: input.now,
      };
      await this.db.insertInto('providers').values(row).execute();
      return toProvider(row);
    });
  }

  getProvider(id: string): Promise<Provider | undefined> {
    return this.run(async () => {
      const row = await this.db.selectFrom('providers').selectAll().where('id', '=', lower(id)).executeTakeFirst();
      return row && (await this.withTypes([row]))[0];
    });
  }

  listProviders(request: ListRequest): Promise<Page<Provider>> {
    return this.run(async () => {
      const page = await this.pageOf<ProviderRow>('providers', PROVIDER_FIELDS, request);
      return { items: await this.withTypes(page.rows), nextAfter: page.nextAfter };
    });
  }

  updateProvider(id: string, changes: ProviderChanges): Promise<Provider | undefined> {
    return this.run(async () => {
      const updated = await this.db.transaction().execute(async (trx) => {
        const current = await trx.selectFrom('providers').select('options_json').where('id', '=', lower(id)).executeTakeFirst();
        if (!current) return false;
        const update: Partial<ProviderRow> = { updated_at: changes.now };
        if (changes.name !== undefined) Object.assign(update, { name: changes.name, name_key: lower(changes.name) });
        if (changes.provisioning !== undefined) update.provisioning = changes.provisioning ? 1 : 0;
        if (changes.options !== undefined) {
          update.options_json = JSON.stringify({ ...(JSON.parse(current.options_json) as object), ...changes.options });
        }
        await trx.updateTable('providers').set(update).where('id', '=', lower(id)).execute();
        return true;
      });
      return updated ? this.getProvider(id) : undefined;
    });
  }

  deleteProvider(id: string): Promise<boolean> {
    // Data sources, icons and declared types go with it through ON DELETE CASCADE.
    return this.run(async () => {
      const result = await this.db.deleteFrom('providers').where('id', '=', lower(id)).executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    });
  }

  setProviderTypes(id: string, types: ProviderTypes): Promise<void> {
    return this.run(() =>
      this.db.transaction().execute(async (trx) => {
        await trx.deleteFrom('provider_types').where('provider_id', '=', id).execute();
        const rows = Object.entries(PROVIDER_TYPE_KINDS).flatMap(([field, kind]) =>
          [...new Map(types[field as keyof ProviderTypes].map((t) => [lower(t), t]))].map(([typeKey, typeName]) => ({
            provider_id: id,
            kind,
            type_name: typeName,
            type_key: typeKey,
          })),
        );
        if (rows.length > 0) await trx.insertInto('provider_types').values(rows).execute();
      }),
    );
  }

  private async withTypes(rows: ProviderRow[]): Promise<Provider[]> {
    if (rows.length === 0) return [];
    const typeRows = await this.db
      .selectFrom('provider_types')
      .selectAll()
      .where(
        'provider_id',
        'in',
        rows.map((r) => r.id),
      )
      .orderBy('kind')
      .orderBy('type_key')
      .execute();
    const types = groupProviderTypes(typeRows);
    return rows.map((row) => toProvider(row, types.get(row.id)));
  }

  // Icons

  putProviderIcon(icon: StoredIcon, now: string): Promise<void> {
    return this.run(async () => {
      const row = { provider_id: icon.providerId, mime_type: icon.mimeType, icon_base64: icon.base64, updated_at: now };
      await this.db
        .insertInto('provider_icons')
        .values(row)
        .onConflict((oc) =>
          oc.column('provider_id').doUpdateSet({ mime_type: row.mime_type, icon_base64: row.icon_base64, updated_at: now }),
        )
        .execute();
    });
  }

  getProviderIcon(providerId: string): Promise<StoredIcon | undefined> {
    return this.run(async () => {
      const row = await this.db
        .selectFrom('provider_icons')
        .selectAll()
        .where('provider_id', '=', lower(providerId))
        .executeTakeFirst();
      return row && { providerId: row.provider_id, mimeType: row.mime_type as StoredIcon['mimeType'], base64: row.icon_base64 };
    });
  }

  deleteProviderIcon(providerId: string): Promise<boolean> {
    return this.run(async () => {
      const result = await this.db.deleteFrom('provider_icons').where('provider_id', '=', lower(providerId)).executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    });
  }

  findIconByType(lookup: { schemaType?: string; nodeType?: string }): Promise<StoredIcon | undefined> {
    return this.run(async () => {
      const schemaKinds = [PROVIDER_TYPE_KINDS.application_types, PROVIDER_TYPE_KINDS.idp_types, PROVIDER_TYPE_KINDS.hris_types];
      const row = await this.db
        .selectFrom('provider_icons as i')
        .innerJoin('providers as p', 'p.id', 'i.provider_id')
        .innerJoin('provider_types as t', 't.provider_id', 'p.id')
        .select(['i.provider_id', 'i.mime_type', 'i.icon_base64'])
        .where((eb) =>
          eb.or([
            ...(lookup.schemaType !== undefined
              ? [eb.and([eb('t.type_key', '=', lower(lookup.schemaType)), eb('t.kind', 'in', schemaKinds)])]
              : []),
            ...(lookup.nodeType !== undefined
              ? [eb.and([eb('t.type_key', '=', lower(lookup.nodeType)), eb('t.kind', '=', PROVIDER_TYPE_KINDS.resource_types)])]
              : []),
          ]),
        )
        .orderBy('p.created_at')
        .orderBy('p.id')
        .limit(1)
        .executeTakeFirst();
      return row && { providerId: row.provider_id, mimeType: row.mime_type as StoredIcon['mimeType'], base64: row.icon_base64 };
    });
  }

  // Data sources

  createDataSource(input: NewDataSource): Promise<DataSource> {
    return this.run(async () => {
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
      await this.db.insertInto('data_sources').values(row).execute();
      const created = await this.getDataSource(input.providerId, input.id);
      if (!created) throw new StoreError('internal', 'data source vanished after insert');
      return created;
    });
  }

  getDataSource(providerId: string, id: string): Promise<DataSource | undefined> {
    return this.run(async () => {
      const row = await this.db
        .selectFrom('data_sources as d')
        .innerJoin('providers as p', 'p.id', 'd.provider_id')
        .selectAll('d')
        .select('p.custom_template')
        .where('d.id', '=', lower(id))
        .where('d.provider_id', '=', lower(providerId))
        .executeTakeFirst();
      return row && toDataSource(row, row.custom_template);
    });
  }

  listDataSources(providerId: string, request: ListRequest): Promise<Page<DataSource>> {
    return this.run(async () => {
      const provider = await this.db
        .selectFrom('providers')
        .select('custom_template')
        .where('id', '=', lower(providerId))
        .executeTakeFirst();
      if (!provider) return { items: [] };
      const page = await this.pageOf<DataSourceRow>('data_sources', DATA_SOURCE_FIELDS, request, {
        column: 'provider_id',
        value: lower(providerId),
      });
      return { items: page.rows.map((r) => toDataSource(r, provider.custom_template)), nextAfter: page.nextAfter };
    });
  }

  deleteDataSource(providerId: string, id: string): Promise<boolean> {
    return this.run(async () => {
      const result = await this.db
        .deleteFrom('data_sources')
        .where('id', '=', lower(id))
        .where('provider_id', '=', lower(providerId))
        .executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    });
  }

  setDataSourceStatus(id: string, status: DataSourceStatus, now: string): Promise<void> {
    return this.run(async () => {
      await this.db.updateTable('data_sources').set({ status, updated_at: now }).where('id', '=', id).execute();
    });
  }

  // API keys

  createApiKey(record: ApiKeyRecord): Promise<void> {
    return this.run(async () => {
      await this.db
        .insertInto('api_keys')
        .values({
          id: record.id,
          name: record.name,
          role: record.role,
          key_hash: record.keyHash,
          prefix: record.prefix,
          created_at: record.createdAt,
          last_used_at: record.lastUsedAt,
          revoked_at: record.revokedAt,
        })
        .execute();
    });
  }

  getApiKey(id: string): Promise<ApiKeyRecord | undefined> {
    return this.run(async () => {
      const row = await this.db.selectFrom('api_keys').selectAll().where('id', '=', id).executeTakeFirst();
      return row && toApiKeyRecord(row);
    });
  }

  listApiKeys(): Promise<ApiKeyRecord[]> {
    return this.run(async () => {
      const rows = await this.db.selectFrom('api_keys').selectAll().orderBy('created_at').orderBy('id').execute();
      return rows.map(toApiKeyRecord);
    });
  }

  revokeApiKey(id: string, now: string): Promise<boolean> {
    return this.run(async () => {
      const exists = await this.db.selectFrom('api_keys').select('id').where('id', '=', id).executeTakeFirst();
      if (!exists) return false;
      await this.db.updateTable('api_keys').set({ revoked_at: now }).where('id', '=', id).where('revoked_at', 'is', null).execute();
      return true;
    });
  }

  touchApiKey(id: string, now: string): Promise<void> {
    return this.run(async () => {
      await this.db.updateTable('api_keys').set({ last_used_at: now }).where('id', '=', id).execute();
    });
  }

  // Paging

  /** One keyset page of a table, optionally scoped to rows whose `scope.column` equals a value. */
  private async pageOf<Row>(
    table: 'providers' | 'data_sources',
    fields: ListFields,
    request: ListRequest,
    scope?: { column: string; value: string },
  ): Promise<{ rows: Row[]; nextAfter?: (string | number)[] }> {
    const order = keysetOrder(request, 'id');
    if (!afterMatchesOrder(order, request.after)) {
      throw new StoreError('invalid_cursor', 'page token does not match the sort order');
    }
    let query = this.db.selectFrom(table).selectAll();
    if (scope) query = query.where(sql.ref(scope.column), '=', scope.value);
    if (request.filter) {
      const filter = request.filter;
      query = query.where((eb) => filterCondition(eb, filter, fields));
    }
    if (request.after) query = query.where(afterCondition(order, request.after, fields));
    for (const term of orderByTerms(order, fields)) query = query.orderBy(term);
    const rows = (await query.limit(request.pageSize + 1).execute()) as Row[];
    if (rows.length <= request.pageSize) return { rows };
    const page = rows.slice(0, request.pageSize);
    const last = page[page.length - 1] as Record<string, string | number>;
    return { rows: page, nextAfter: order.map((t) => last[fields[t.field]!.column]!) };
  }
}

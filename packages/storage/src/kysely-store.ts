import { sql, type Kysely } from 'kysely';
import type { DataSource, DataSourceStatus, EffectivePermission, EntityAccessRow, IdentityLinkRow, Neighbour, NodeDetail, NodeSummary, Provider, ProviderTypes, PushRecord } from '@accessgraph/contract';
import type { KeysetValue } from '@accessgraph/core';
import type { AccessReviewRow } from '@accessgraph/contract';
import type { Database, ProviderRow } from './database.js';
import type { DialectCapabilities } from './capabilities.js';
import { keysetPage, lower, upper, type ListFields } from './keyset-list.js';
import * as apiKeys from './api-keys.js';
import * as dataSources from './data-sources.js';
import { listEffectivePermissions } from './effective-permissions-query.js';
import { listIdentityLinks, type IdentityLinkQuery } from './identity-links-query.js';
import { getNodeDetail, listNeighbours, locate, type NeighbourRequest } from './node-detail.js';
import { searchNodes, type NodeSearchRequest } from './node-search.js';
import { listPrincipalAccess, type PrincipalAccessRequest } from './principal-access.js';
import { listEntityAccess, type EntityAccessRequest } from './entity-access.js';
import { NodeKindError } from './node-kind.js';
import { countQuerySpec, evaluateQuerySpec, type QuerySpecRequest } from './query-spec.js';
import type { QuerySpecNode } from '@accessgraph/contract';
import type { QuerySpec } from '@accessgraph/core';
import { listAccessPaths, type AccessPathAnswer, type AccessPathRequest } from './access-paths.js';
import { listAccessReview, type AccessReviewRequest, type AccessReviewScope } from './access-review.js';
import * as icons from './provider-icons.js';
import * as uploads from './multipart-uploads.js';
import * as oktaSso from './okta-sso.js';
import { writeProviderTypes } from './provider-types.js';
import type { GraphStorage } from './graph-writer.js';
import { commitPush, recordFailedPush, type PushWriterContext } from './push-commit.js';
import { commitLeafDelta } from './leaf-delta-commit.js';
import { compactState } from './state-compaction.js';
import { readLeafSlice, type LeafSliceRead } from './leaf-slice.js';
import { readIdpSlice, type IdpSliceRead } from './idp-slice.js';
import { readHrisSlice, type HrisSliceRead } from './hris-slice.js';
import type { HrisDeltaPlan, IdpDeltaPlan, LeafDeltaPlan } from '@accessgraph/core';
import { listPushRecords } from './push-history.js';
import * as savedQueries from './saved-queries.js';
import * as reports from './assessment-reports.js';
import type { CreationOrderRequest } from './creation-order.js';
import { groupProviderTypes, toProvider } from './row-mappers.js';
import { StoreError } from './store-error.js';
import type {
  ApiKeyRecord,
  DataSourceState,
  EffectivePermissionQuery,
  ListRequest,
  NewPushRecord,
  NewDataSource,
  NewProvider,
  Page,
  ProviderChanges,
  PushCommit,
  PushCommitted,
  LeafDeltaCommit,
  LeafDeltaCommitted,
  Store,
  StoredIcon,
  UploadPart,
  UploadRecord,
} from './store.js';

const same = (value: string) => value;

const PROVIDER_FIELDS: ListFields = {
  id: { column: 'id', normalise: lower },
  name: { column: 'name_key', normalise: lower },
  state: { column: 'state', normalise: upper },
  custom_template: { column: 'custom_template', normalise: lower },
  created_at: { column: 'created_at', normalise: same },
};

/** What a KyselyStore is built from; the dialect files (sqlite-store, postgres-store) assemble it. */
export interface KyselyStoreOptions {
  db: Kysely<Database>;
  caps: DialectCapabilities;
  /** Translates a driver error into a StoreError at the boundary. */
  translateError: (error: unknown) => StoreError;
  /** The engine's way of replacing and removing derived graphs (see graph-writer.ts). */
  graphs: GraphStorage;
  /**
   * Connections for the access reads (what a node reaches, who reaches a node), opened with the
   * engine's `joinsAsWritten` settings; without them those reads are transactions on `db`.
   */
  accessDb?: Kysely<Database>;
  /** Runs as the store closes, before its database connection does. */
  onClose?: () => Promise<void>;
}

/**
 * The Store on any SQL engine Kysely speaks. Engine differences come in through
 * `DialectCapabilities`, the graph storage and `translateError`; the queries here are portable.
 * Push writes, push history and effective permissions live in their own modules.
 */
export class KyselyStore implements Store {
  readonly engine: 'sqlite' | 'postgres';
  private readonly db: Kysely<Database>;
  private readonly accessDb: Kysely<Database> | undefined;
  private readonly caps: DialectCapabilities;
  private readonly translateError: (error: unknown) => StoreError;
  private readonly pushWriter: PushWriterContext;
  private readonly graphs: GraphStorage;
  private readonly onClose: () => Promise<void>;

  constructor(options: KyselyStoreOptions) {
    this.db = options.db;
    this.accessDb = options.accessDb;
    this.caps = options.caps;
    this.engine = options.caps.engine;
    this.translateError = options.translateError;
    this.graphs = options.graphs;
    this.pushWriter = { db: options.db, caps: options.caps, graphs: options.graphs };
    this.onClose = options.onClose ?? (async () => {});
  }

  /** Runs a database call, translating driver errors at the boundary. */
  private async run<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      // A refused node kind is the caller's to answer (a 400), not a database failure.
      throw error instanceof StoreError || error instanceof NodeKindError ? error : this.translateError(error);
    }
  }

  /**
   * A read of access (what a node reaches, who reaches a node, the paths between, a data source's
   * effective permissions and access review). With connections of its own
   * (PostgreSQL: `joinsAsWritten`, prepared statements) it runs there, each query on whichever
   * connection is free, so independent queries go side by side; each sees what was committed when
   * it started, as every statement does under READ COMMITTED. Otherwise (SQLite) it is one read
   * transaction: one snapshot for all its queries, and on the one connection nothing else
   * interleaves.
   */
  private accessRead<T>(work: (db: Kysely<Database>) => Promise<T>): Promise<T> {
    return this.accessDb === undefined ? this.db.transaction().execute(work) : work(this.accessDb);
  }

  async ping(): Promise<void> {
    await this.run(() => sql`select 1`.execute(this.db));
  }

  async close(): Promise<void> {
    await this.onClose();
    await this.accessDb?.destroy();
    await this.db.destroy();
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
      const page = await keysetPage<ProviderRow>(this.db, 'providers', PROVIDER_FIELDS, request);
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
    return this.run(() => dataSources.deleteProvider(this.graphs, id));
  }

  setProviderTypes(id: string, types: ProviderTypes): Promise<void> {
    return this.run(() => this.db.transaction().execute((trx) => writeProviderTypes(trx, id, types)));
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
    return this.run(() => icons.putProviderIcon(this.db, icon, now));
  }

  getProviderIcon(providerId: string): Promise<StoredIcon | undefined> {
    return this.run(() => icons.getProviderIcon(this.db, providerId));
  }

  deleteProviderIcon(providerId: string): Promise<boolean> {
    return this.run(() => icons.deleteProviderIcon(this.db, providerId));
  }

  findIconByType(lookup: { schemaType?: string; nodeType?: string }): Promise<StoredIcon | undefined> {
    return this.run(() => icons.findIconByType(this.db, lookup));
  }

  // Data sources

  createDataSource(input: NewDataSource): Promise<DataSource> {
    return this.run(() => dataSources.createDataSource(this.db, input));
  }

  getDataSource(providerId: string, id: string): Promise<DataSource | undefined> {
    return this.run(() => dataSources.getDataSource(this.db, providerId, id));
  }

  listDataSources(providerId: string, request: ListRequest): Promise<Page<DataSource>> {
    return this.run(() => dataSources.listDataSources(this.db, providerId, request));
  }

  deleteDataSource(providerId: string, id: string): Promise<boolean> {
    return this.run(() => dataSources.deleteDataSource(this.graphs, this.caps, providerId, id));
  }

  setDataSourceStatus(id: string, status: DataSourceStatus, now: string): Promise<void> {
    return this.run(() => dataSources.setDataSourceStatus(this.db, id, status, now));
  }

  // Pushes

  listIdentityLinks(dataSourceId: string, query: IdentityLinkQuery): Promise<Page<IdentityLinkRow>> {
    return this.run(() => listIdentityLinks(this.db, this.graphs, dataSourceId, query));
  }

  // The query API's graph reads: each in one transaction, so a push that commits meanwhile is seen whole or not at all.

  searchNodes(request: NodeSearchRequest): Promise<Page<NodeSummary> & { total?: number }> {
    return this.run(() => this.db.transaction().execute((trx) => searchNodes(trx, this.graphs, request)));
  }

  getNode(nodeId: string): Promise<NodeDetail | undefined> {
    return this.run(() => this.db.transaction().execute((trx) => getNodeDetail(trx, this.graphs, nodeId)));
  }

  findNode(nodeId: string): Promise<{ type: string; name: string } | undefined> {
    return this.run(async () => {
      const found = await this.db.transaction().execute((trx) => locate(trx, this.graphs, nodeId));
      return found === undefined ? undefined : { type: found.node.kind, name: found.node.name };
    });
  }

  listNeighbours(nodeId: string, request: NeighbourRequest): Promise<Page<Neighbour> | undefined> {
    return this.run(() => this.db.transaction().execute((trx) => listNeighbours(trx, this.graphs, nodeId, request)));
  }

  listPrincipalAccess(nodeId: string, request: PrincipalAccessRequest): Promise<Page<EffectivePermission> | undefined> {
    return this.run(() => this.accessRead((db) => listPrincipalAccess(db, this.graphs, nodeId, request)));
  }

  listEntityAccess(nodeId: string, request: EntityAccessRequest): Promise<Page<EntityAccessRow> | undefined> {
    return this.run(() => this.accessRead((db) => listEntityAccess(db, this.graphs, nodeId, request)));
  }

  listAccessPaths(nodeId: string, request: AccessPathRequest): Promise<AccessPathAnswer | undefined> {
    return this.run(() => this.accessRead((db) => listAccessPaths(db, this.graphs, nodeId, request)));
  }

  listAccessReview(scope: AccessReviewScope, request: AccessReviewRequest): Promise<Page<AccessReviewRow> | undefined> {
    return this.run(() => this.accessRead((db) => listAccessReview(db, this.graphs, scope, request)));
  }

  commitPush(commit: PushCommit): Promise<PushCommitted> {
    return this.run(() => commitPush(this.pushWriter, commit));
  }

  /** In one read transaction: on SQLite a whole push replaces the graph's tables, which must not happen between its lookups. */
  readLeafSlice(dataSourceId: string, plan: LeafDeltaPlan): Promise<LeafSliceRead> {
    return this.run(() => this.db.transaction().execute((trx) => readLeafSlice(trx, this.graphs, dataSourceId, plan)));
  }

  readIdpSlice(dataSourceId: string, plan: IdpDeltaPlan): Promise<IdpSliceRead> {
    return this.run(() => this.db.transaction().execute((trx) => readIdpSlice(trx, this.graphs, dataSourceId, plan)));
  }

  readHrisSlice(dataSourceId: string, plan: HrisDeltaPlan): Promise<HrisSliceRead> {
    return this.run(() => this.db.transaction().execute((trx) => readHrisSlice(trx, this.graphs, dataSourceId, plan)));
  }

  commitLeafDelta(commit: LeafDeltaCommit): Promise<LeafDeltaCommitted> {
    return this.run(() => commitLeafDelta(this.pushWriter, commit));
  }

  compactDataSourceState(dataSourceId: string, fold: { payload: Uint8Array; pushedAt: string; changes: number }): Promise<boolean> {
    return this.run(() => compactState(this.db, this.caps, dataSourceId, fold));
  }

  recordFailedPush(record: NewPushRecord, now: string): Promise<void> {
    return this.run(() => recordFailedPush(this.pushWriter, record, now));
  }

  listPushes(dataSourceId: string, request: { pageSize: number; after?: KeysetValue[] }): Promise<Page<PushRecord>> {
    return this.run(() => listPushRecords(this.db, dataSourceId, request));
  }

  // Multipart uploads

  createUpload(upload: { id: string; dataSourceId: string; now: string }): Promise<void> {
    return this.run(() => uploads.createUpload(this.db, upload));
  }

  getUpload(id: string): Promise<UploadRecord | undefined> {
    return this.run(() => uploads.getUpload(this.db, id));
  }

  putUploadPart(part: UploadPart): Promise<boolean> {
    return this.run(() => uploads.putUploadPart(this.db, this.caps, part));
  }

  takeUploadParts(uploadId: string, now: string): Promise<Array<{ sequenceNumber: number; data: Uint8Array }> | undefined> {
    return this.run(() => uploads.takeUploadParts(this.db, this.caps, uploadId, now));
  }

  deleteIdleUploads(idleBefore: string): Promise<number> {
    return this.run(() => uploads.deleteIdleUploads(this.db, idleBefore));
  }

  getDataSourceState(dataSourceId: string): Promise<DataSourceState | undefined> {
    // One snapshot: the payload and the changes logged after it.
    return this.run(() => this.db.transaction().execute(async (trx) => {
      const row = await trx
        .selectFrom('data_source_states as s')
        .innerJoin('data_sources as d', 'd.seq', 's.ds')
        .select(['s.ds', 's.payload', 's.pushed_at'])
        .where('d.id', '=', lower(dataSourceId))
        .executeTakeFirst();
      if (!row) return undefined;
      const changes = await trx.selectFrom('data_source_changes').select('payload').where('ds', '=', row.ds).orderBy('seq').execute();
      return { payload: row.payload, changes: changes.map((c) => c.payload), pushedAt: row.pushed_at };
    }));
  }

  /**
   * In one transaction: a page takes several queries, and a push or a deletion of the data source
   * must not come between them (on SQLite, where each push drops and re-creates the data source's
   * tables, the next query would find them gone or replaced).
   */
  listEffectivePermissions(dataSourceId: string, query: EffectivePermissionQuery): Promise<Page<EffectivePermission>> {
    return this.run(() => this.accessRead((db) => listEffectivePermissions(db, this.graphs, dataSourceId, query)));
  }

  evaluateQuerySpec(request: QuerySpecRequest): Promise<Page<QuerySpecNode>> {
    return this.run(() => this.db.transaction().execute((trx) => evaluateQuerySpec(trx, this.graphs, request)));
  }

  countQuerySpec(spec: QuerySpec): Promise<number> {
    return this.run(() => this.db.transaction().execute((trx) => countQuerySpec(trx, this.graphs, spec)));
  }

  // Saved queries and reports (assessments API)

  createSavedQuery(input: savedQueries.NewSavedQuery): Promise<savedQueries.SavedQueryRecord> {
    return this.run(() => savedQueries.createSavedQuery(this.db, input));
  }

  getSavedQuery(id: string): Promise<savedQueries.SavedQueryRecord | undefined> {
    return this.run(() => savedQueries.getSavedQuery(this.db, id));
  }

  listSavedQueries(request: CreationOrderRequest): Promise<Page<savedQueries.SavedQueryRecord>> {
    return this.run(() => savedQueries.listSavedQueries(this.db, request));
  }

  deleteSavedQuery(id: string, options: { force: boolean }): Promise<savedQueries.SavedQueryDeletion> {
    return this.run(() => savedQueries.deleteSavedQuery(this.db, this.caps, id, options));
  }

  createReport(input: reports.ReportWrite): Promise<reports.ReportWriteResult> {
    return this.run(() => reports.createReport(this.db, this.caps, input));
  }

  getReport(id: string): Promise<reports.ReportRecord | undefined> {
    return this.run(() => reports.getReport(this.db, id));
  }

  listReports(request: CreationOrderRequest): Promise<Page<reports.ReportRecord>> {
    return this.run(() => reports.listReports(this.db, request));
  }

  replaceReport(input: reports.ReportWrite): Promise<reports.ReportWriteResult> {
    return this.run(() => reports.replaceReport(this.db, this.caps, input));
  }

  addQueryToReport(change: { reportId: string; queryId: string; now: string }): Promise<reports.ReportWriteResult> {
    return this.run(() => reports.addQueryToReport(this.db, this.caps, change));
  }

  deleteReport(id: string): Promise<boolean> {
    return this.run(() => reports.deleteReport(this.db, this.caps, id));
  }

  // API keys

  createApiKey(record: ApiKeyRecord): Promise<void> {
    return this.run(() => apiKeys.createApiKey(this.db, record));
  }

  getApiKey(id: string): Promise<ApiKeyRecord | undefined> {
    return this.run(() => apiKeys.getApiKey(this.accessDb ?? this.db, id));
  }

  listApiKeys(): Promise<ApiKeyRecord[]> {
    return this.run(() => apiKeys.listApiKeys(this.db));
  }

  revokeApiKey(id: string, now: string): Promise<boolean> {
    return this.run(() => apiKeys.revokeApiKey(this.db, id, now));
  }

  touchApiKey(id: string, now: string): Promise<void> {
    return this.run(() => apiKeys.touchApiKey(this.db, id, now));
  }

  // Okta SSO enrichment and settings

  listIntegrationSettings(): Promise<oktaSso.IntegrationSetting[]> {
    return this.run(() => oktaSso.listIntegrationSettings(this.db));
  }

  putIntegrationSetting(setting: { name: string; value: string; now: string }): Promise<{ setting: oktaSso.IntegrationSetting; enrichment?: oktaSso.SsoEnrichmentCounts }> {
    return this.run(() => oktaSso.putIntegrationSetting(this.pushWriter, setting));
  }

  importOktaActivity(input: oktaSso.OktaActivityImport): Promise<oktaSso.OktaActivityImported> {
    return this.run(() => oktaSso.importOktaActivity(this.pushWriter, input));
  }
}

import type {
  ApiKeyRole,
  CustomTemplate,
  DataSource,
  DataSourceStatus,
  IconMimeType,
  Provider,
  ProviderOptions,
  ProviderState,
  ProviderTypes,
} from '@accessgraph/contract';
import type { EffectivePermission, EntityAccessRow, IdentityLinkRow, Neighbour, NodeDetail, NodeSummary, PushRecord, PushWarning } from '@accessgraph/contract';
import type { AccessReviewRow } from '@accessgraph/contract';
import type { IdentityLinkQuery } from './identity-links-query.js';
import type { NeighbourRequest } from './node-detail.js';
import type { NodeSearchRequest } from './node-search.js';
import type { PrincipalAccessRequest } from './principal-access.js';
import type { EntityAccessRequest } from './entity-access.js';
import type { QuerySpecRequest } from './query-spec.js';
import type { QuerySpecNode } from '@accessgraph/contract';
import type { HrisDeltaPlan, IdpDeltaPlan, PayloadDeclarations, LeafDelta, LeafDeltaPlan } from '@accessgraph/core';
import type { LeafSliceRead } from './leaf-slice.js';
import type { IdpSliceRead } from './idp-slice.js';
import type { HrisSliceRead } from './hris-slice.js';
import type { StateSize } from './state-compaction.js';
import type { QuerySpec } from '@accessgraph/core';
import type { AccessPathAnswer, AccessPathRequest } from './access-paths.js';
import type { AccessReviewRequest, AccessReviewScope } from './access-review.js';
import type { CreationOrderRequest } from './creation-order.js';
import type { NewSavedQuery, SavedQueryDeletion, SavedQueryRecord } from './saved-queries.js';
import type { ReportRecord, ReportWrite, ReportWriteResult } from './assessment-reports.js';
import type { DerivedGraph, FilterNode, KeysetValue, OrderTerm, TagRemoval } from '@accessgraph/core';
import type { IntegrationSetting, OktaActivityImport, OktaActivityImported, SsoEnrichmentCounts } from './okta-sso.js';

/** A request for one page of a list, already parsed and checked by the caller. */
export interface ListRequest {
  filter?: FilterNode;
  order: OrderTerm[];
  pageSize: number;
  /** Sort key of the last row of the previous page (from its page token). */
  after?: KeysetValue[];
}

/** One page; `nextAfter` is the sort key to continue from, absent on the last page. */
export interface Page<T> {
  items: T[];
  nextAfter?: KeysetValue[];
}

/** Fields a provider list can be filtered and sorted by. */
export const PROVIDER_LIST_FIELDS = ['id', 'name', 'state', 'custom_template', 'created_at'] as const;
/** Fields a data source list can be filtered and sorted by. */
export const DATA_SOURCE_LIST_FIELDS = ['id', 'name', 'status', 'created_at'] as const;

export interface NewProvider {
  id: string;
  name: string;
  customTemplate: CustomTemplate;
  provisioning: boolean;
  options: ProviderOptions;
  state: ProviderState;
  now: string;
}

export interface ProviderChanges {
  name?: string;
  provisioning?: boolean;
  /** Pass-through fields to set; the others keep their stored values. */
  options?: Partial<ProviderOptions>;
  now: string;
}

export interface NewDataSource {
  id: string;
  providerId: string;
  name: string;
  now: string;
}

export interface StoredIcon {
  providerId: string;
  mimeType: IconMimeType;
  base64: string;
}

export interface ApiKeyRecord {
  id: string;
  name: string;
  role: ApiKeyRole;
  keyHash: string;
  prefix: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

/** A push as recorded, before it has an outcome-independent id. */
export type NewPushRecord = PushRecord;

/** Everything an accepted push writes, in one transaction. */
export interface PushCommit {
  providerId: string;
  dataSourceId: string;
  /** The provider's template: what the graph's identity strings link to. */
  template: CustomTemplate;
  graph: DerivedGraph;
  /** The accepted payload (its JSON, gzipped): the data source's source of truth from now on. */
  state: Uint8Array;
  /**
   * An incremental push: the `pushedAt` of the state it was applied to. The commit fails with
   * StoreError('conflict'), changing nothing, if another push has replaced that state since.
   */
  basePushedAt?: string;
  /** Tags an incremental push removes (tags are otherwise additive across pushes). */
  tagRemovals?: readonly TagRemoval[];
  /**
   * The payload's top-level declarations (`payloadDeclarations`), kept so that later changes of
   * leaves can be made by difference (`Store.commitLeafDelta`); without them those go the whole-state way.
   */
  declarations?: PayloadDeclarations;
  record: NewPushRecord;
  now: string;
}

/** A data source's stored payload. */
export interface DataSourceState {
  /** The last payload stored whole (gzipped JSON). */
  payload: Uint8Array;
  /** The incremental payloads applied by difference since (gzipped JSON), oldest first: the state is the payload with these applied. */
  changes: Uint8Array[];
  /** When the state last changed: what an incremental push's commit checks it was applied to. */
  pushedAt: string;
}

/** What committing a change by difference adds: the counts recorded, and how large the state has grown. */
export interface LeafDeltaCommitted extends PushCommitted {
  counts: Record<string, number>;
  state: StateSize;
}

/** An incremental push of an application's leaves or an identity provider's users, made by difference (see `readLeafSlice`, `readIdpSlice`). */
export interface LeafDeltaCommit {
  providerId: string;
  dataSourceId: string;
  template: CustomTemplate;
  delta: LeafDelta;
  /** The small graph the delta was taken from, which names its nodes' unlinked identity strings. */
  graph: DerivedGraph;
  /** The incremental payload (its JSON, gzipped), logged after the stored state. */
  change: Uint8Array;
  /** The `pushedAt` of the state the slice was read from: the commit fails with StoreError('conflict') if it changed since. */
  basePushedAt: string;
  record: NewPushRecord;
  now: string;
}

/** What committing a push adds to its answer. */
export interface PushCommitted {
  /**
   * Warnings about the data source's identity strings that link to nothing in the other data
   * sources as they stand (also appended to the push record's warnings).
   */
  linkWarnings: PushWarning[];
  /** How long re-resolving the data source's identity links took (part of the commit), for logs and the benchmark. */
  linkMs: number;
  linkChanges: LinkChanges;
}

/** The links that touch a pushed data source: how many there are, and how many rows the push deleted and inserted. */
export interface LinkChanges {
  links: number;
  deleted: number;
  inserted: number;
}

/** A page request over a data source's effective permissions. */
export interface EffectivePermissionQuery {
  /** Only this principal: its key as pushed (id or name, or IdP identity), any case. */
  principal?: string;
  /** Only this target: an application name or a resource key / dot path, any case. */
  target?: string;
  pageSize: number;
  /** Sort key (principal node key, target node key) of the last row of the previous page. */
  after?: KeysetValue[];
}

/** A multipart upload to a data source (spec §2.7) and the chunks it holds. */
export interface UploadRecord {
  id: string;
  dataSourceId: string;
  createdAt: string;
  /** The last start, chunk or completion; idle uploads expire from it. */
  touchedAt: string;
  /** When `complete` took its chunks; null while it takes chunks. */
  completedAt: string | null;
  /** The chunks held, by ascending sequence number, with their sizes in bytes. */
  parts: Array<{ sequenceNumber: number; sizeBytes: number }>;
}

/** One chunk of a multipart upload, as decoded from base64. */
export interface UploadPart {
  uploadId: string;
  sequenceNumber: number;
  data: Uint8Array;
  now: string;
}

/**
 * The only door to the database. Implementations: SQLite (embedded default) and PostgreSQL;
 * one contract test suite runs unchanged against both. Every method that writes runs in one
 * transaction; a method that throws has changed nothing.
 */
export interface Store {
  /** Which engine this store runs on, for /healthz and logs. */
  readonly engine: 'sqlite' | 'postgres';
  /** Checks that the database answers. */
  ping(): Promise<void>;
  close(): Promise<void>;

  /** Creates a provider; throws StoreError('duplicate') if the name (any case) is taken. */
  createProvider(input: NewProvider): Promise<Provider>;
  getProvider(id: string): Promise<Provider | undefined>;
  listProviders(request: ListRequest): Promise<Page<Provider>>;
  /** Updates a provider; undefined if it does not exist; StoreError('duplicate') on a taken name. */
  updateProvider(id: string, changes: ProviderChanges): Promise<Provider | undefined>;
  /** Deletes a provider with its data sources, icon and everything they contributed. */
  deleteProvider(id: string): Promise<boolean>;
  /** Replaces the types pushes declared for a provider (application, resource, IdP, HRIS types). */
  setProviderTypes(id: string, types: ProviderTypes): Promise<void>;

  putProviderIcon(icon: StoredIcon, now: string): Promise<void>;
  getProviderIcon(providerId: string): Promise<StoredIcon | undefined>;
  deleteProviderIcon(providerId: string): Promise<boolean>;
  /** The icon of the oldest provider whose pushes declared a type of that name (any case). */
  findIconByType(lookup: { schemaType?: string; nodeType?: string }): Promise<StoredIcon | undefined>;

  /** Creates a data source; StoreError('duplicate') if the provider already has that name. */
  createDataSource(input: NewDataSource): Promise<DataSource>;
  /** The data source, only if it belongs to that provider. */
  getDataSource(providerId: string, id: string): Promise<DataSource | undefined>;
  listDataSources(providerId: string, request: ListRequest): Promise<Page<DataSource>>;
  deleteDataSource(providerId: string, id: string): Promise<boolean>;
  setDataSourceStatus(id: string, status: DataSourceStatus, now: string): Promise<void>;

  /**
   * Makes an accepted push the data source's state, atomically: replaces its derived graph
   * (tags are additive: a node that still exists keeps the tags it had), stores the payload,
   * records the push, sets status SUCCESS, last push time and warnings count, allows incremental
   * pushes, refreshes the provider's declared types, and re-resolves every identity link that
   * touches the data source. Pushes to one data source are serialized.
   * If it throws, nothing has changed.
   */
  commitPush(commit: PushCommit): Promise<PushCommitted>;
  /**
   * Records a push that changed nothing: REJECTED (invalid payload; the status stays as it was)
   * or FAILED (the server failed; the status becomes FAILED, the previous graph stays).
   */
  recordFailedPush(record: NewPushRecord, now: string): Promise<void>;
  /** The data source's push history, newest first. */
  listPushes(dataSourceId: string, request: { pageSize: number; after?: KeysetValue[] }): Promise<Page<PushRecord>>;
  /** Opens a multipart upload to a data source. */
  createUpload(upload: { id: string; dataSourceId: string; now: string }): Promise<void>;
  /** The upload of that id (any case), open or completed, with the sizes of its chunks; undefined if there is none. */
  getUpload(id: string): Promise<UploadRecord | undefined>;
  /** Stores a chunk (replacing one of the same number) and touches the upload; false, writing nothing, if the upload is gone or completed. */
  putUploadPart(part: UploadPart): Promise<boolean>;
  /**
   * Marks an upload completed and takes its chunks (deleting them), by sequence number,
   * atomically; undefined, changing nothing, if it is gone or already completed.
   */
  takeUploadParts(uploadId: string, now: string): Promise<Array<{ sequenceNumber: number; data: Uint8Array }> | undefined>;
  /** Deletes uploads untouched since `idleBefore`, open or completed, with their chunks; returns how many. */
  deleteIdleUploads(idleBefore: string): Promise<number>;
  /** The data source's state (what an incremental push applies to), if it has been pushed. */
  getDataSourceState(dataSourceId: string): Promise<DataSourceState | undefined>;
  /**
   * What a change of an application's leaves touches in the data source's stored graph
   * (`LeafDeltaPlan`), or why it has to be applied to the whole state instead.
   */
  readLeafSlice(dataSourceId: string, plan: LeafDeltaPlan): Promise<LeafSliceRead>;
  /**
   * Commits a change of leaves by difference (any template's), in one transaction: their rows,
   * their identity links, the change logged after the state, the status and the push record. Fails with
   * StoreError('conflict'), changing nothing, if the state changed since the slice was read.
   */
  commitLeafDelta(commit: LeafDeltaCommit): Promise<LeafDeltaCommitted>;
  /**
   * What a change of an identity provider's users touches in its stored graph (`IdpDeltaPlan`),
   * or why it has to be applied to the whole state instead; committed by `commitLeafDelta`.
   */
  readIdpSlice(dataSourceId: string, plan: IdpDeltaPlan): Promise<IdpSliceRead>;
  /** The same for a change of an HRIS' employees (`HrisDeltaPlan`). */
  readHrisSlice(dataSourceId: string, plan: HrisDeltaPlan): Promise<HrisSliceRead>;
  /**
   * Folds the changes logged after a data source's stored payload into it (`payload`: the stored
   * one with the first `changes` of them applied, made from the state read at `pushedAt`), if no
   * push came since; returns whether it did.
   */
  compactDataSourceState(dataSourceId: string, fold: { payload: Uint8Array; pushedAt: string; changes: number }): Promise<boolean>;
  /**
   * The identity links that touch the data source, both ways, ordered by their two ends and rule;
   * or, with `unlinked`, its identity strings that link to nothing.
   */
  listIdentityLinks(dataSourceId: string, query: IdentityLinkQuery): Promise<Page<IdentityLinkRow>>;
  /** Nodes of every data source that match a search, by data source id and node key (query API). */
  searchNodes(request: NodeSearchRequest): Promise<Page<NodeSummary> & { total?: number }>;
  /** One node by its stable id, in full; undefined for an unknown id. */
  getNode(nodeId: string): Promise<NodeDetail | undefined>;
  /** What a node id names (its type and name), read without its neighbours: the check a question makes before it is answered. */
  findNode(nodeId: string): Promise<{ type: string; name: string } | undefined>;
  /** A page of a node's neighbours by edge kind and direction; undefined for an unknown id. */
  listNeighbours(nodeId: string, request: NeighbourRequest): Promise<Page<Neighbour> | undefined>;
  /**
   * Every application and resource a node (a local principal, an IdP user or group, an HRIS
   * employee) can reach across data sources, by (data source id, target key); undefined for an
   * unknown id.
   */
  listPrincipalAccess(nodeId: string, request: PrincipalAccessRequest): Promise<Page<EffectivePermission> | undefined>;
  /** Every principal that can reach an application or resource, by principal key, with the people behind it; undefined for an unknown id. */
  listEntityAccess(nodeId: string, request: EntityAccessRequest): Promise<Page<EntityAccessRow> | undefined>;
  /**
   * Every distinct chain of edges by which a principal reaches an application or resource
   * (`request.target`), shortest first, then step by step by node; undefined when either node id
   * is unknown; the search's limit when it runs into it (never a shorter list).
   */
  listAccessPaths(nodeId: string, request: AccessPathRequest): Promise<AccessPathAnswer | undefined>;
  /**
   * A page of an access review of an application (with its resources), a resource or a whole
   * application data source: one row per (principal, target, person behind the principal), by
   * principal key, target key and person; undefined for an unknown node id.
   */
  listAccessReview(scope: AccessReviewScope, request: AccessReviewRequest): Promise<Page<AccessReviewRow> | undefined>;
  /** Effective permissions of the data source, one row per (principal, target), ordered by their keys. */
  listEffectivePermissions(dataSourceId: string, query: EffectivePermissionQuery): Promise<Page<EffectivePermission>>;
  /**
   * A page of a query spec's results (Veza assessments API): the source nodes that match their
   * selectors and relation, by data source id and node key; a page may stop short (even empty)
   * with `nextAfter` when matches are rare, so a request's work stays bounded.
   */
  evaluateQuerySpec(request: QuerySpecRequest): Promise<Page<QuerySpecNode>>;
  /** How many source nodes a query spec answers (a full pass). */
  countQuerySpec(spec: QuerySpec): Promise<number>;

  /** Stores a saved query (Veza assessments API); its spec is kept as the client sent it. */
  createSavedQuery(input: NewSavedQuery): Promise<SavedQueryRecord>;
  /** The saved query of that id (any case), or undefined. */
  getSavedQuery(id: string): Promise<SavedQueryRecord | undefined>;
  /** Saved queries, oldest first, then by id. */
  listSavedQueries(request: CreationOrderRequest): Promise<Page<SavedQueryRecord>>;
  /** Deletes a saved query; one that reports use only with `force` (it then leaves them). */
  deleteSavedQuery(id: string, options: { force: boolean }): Promise<SavedQueryDeletion>;
  /** Creates a report with its queries, unless one of them does not exist. */
  createReport(input: ReportWrite): Promise<ReportWriteResult>;
  /** The report of that id (any case) with its queries in order, or undefined. */
  getReport(id: string): Promise<ReportRecord | undefined>;
  /** Reports, oldest first, then by id, each with its queries. */
  listReports(request: CreationOrderRequest): Promise<Page<ReportRecord>>;
  /** Replaces a report's name, fields and queries (PUT). */
  replaceReport(input: ReportWrite): Promise<ReportWriteResult>;
  /** Appends a saved query to a report; idempotent. */
  addQueryToReport(change: { reportId: string; queryId: string; now: string }): Promise<ReportWriteResult>;
  /** Deletes a report (not its queries); false if there is none of that id. */
  deleteReport(id: string): Promise<boolean>;

  createApiKey(record: ApiKeyRecord): Promise<void>;
  getApiKey(id: string): Promise<ApiKeyRecord | undefined>;
  listApiKeys(): Promise<ApiKeyRecord[]>;
  /** Marks a key revoked; false if there is no such key. Revoking twice keeps the first time. */
  revokeApiKey(id: string, now: string): Promise<boolean>;
  /** Records a key's use; cheap enough for every request. */
  touchApiKey(id: string, now: string): Promise<void>;

  /** Every named server setting that has been set, by name. */
  listIntegrationSettings(): Promise<IntegrationSetting[]>;
  /**
   * Sets a named setting. Setting `okta_sso_user_matching_property` recomputes every local user's
   * `sso_last_login_at` in the same transaction (and answers how that went).
   */
  putIntegrationSetting(setting: { name: string; value: string; now: string }): Promise<{ setting: IntegrationSetting; enrichment?: SsoEnrichmentCounts }>;
  /** Records Okta sign-ins and users (already read by core) and recomputes `sso_last_login_at`, in one transaction. */
  importOktaActivity(input: OktaActivityImport): Promise<OktaActivityImported>;
}

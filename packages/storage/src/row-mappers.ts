import type { ApiKeyRole, CustomTemplate, DataSource, DataSourceStatus, Provider, ProviderState, ProviderTypes } from '@accessgraph/contract';
import type { ApiKeyRow, DataSourceRow, ProviderRow, ProviderTypeRow } from './database.js';
import type { ApiKeyRecord } from './store.js';

/** base64 of `{}`: the schema definition Veza reports for a provider with no custom schema. */
const EMPTY_SCHEMA_DEFINITION = 'e30=';

export const PROVIDER_TYPE_KINDS = {
  application_types: 'application_type',
  resource_types: 'resource_type',
  idp_types: 'idp_type',
  hris_types: 'hris_type',
} as const satisfies Record<keyof ProviderTypes, string>;

export function emptyProviderTypes(): ProviderTypes {
  return { application_types: [], resource_types: [], idp_types: [], hris_types: [] };
}

export function groupProviderTypes(rows: ProviderTypeRow[]): Map<string, ProviderTypes> {
  const byProvider = new Map<string, ProviderTypes>();
  for (const row of rows) {
    const types = byProvider.get(row.provider_id) ?? emptyProviderTypes();
    const entry = Object.entries(PROVIDER_TYPE_KINDS).find(([, kind]) => kind === row.kind);
    if (entry) types[entry[0] as keyof ProviderTypes].push(row.type_name);
    byProvider.set(row.provider_id, types);
  }
  return byProvider;
}

export function toProvider(row: ProviderRow, types: ProviderTypes = emptyProviderTypes()): Provider {
  return {
    ...(JSON.parse(row.options_json) as object),
    id: row.id,
    external_id: '',
    name: row.name,
    custom_template: row.custom_template as CustomTemplate,
    state: row.state as ProviderState,
    ...types,
    file_system_types: [],
    principal_types: [],
    secret_store_types: [],
    cmdb_types: [],
    schema_definition_json: EMPTY_SCHEMA_DEFINITION,
    provisioning: row.provisioning === 1,
    lifecycle_management_state: '',
    team_id: '',
    rbac_id: '',
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
}

export function toDataSource(row: DataSourceRow, customTemplate: string): DataSource {
  return {
    id: row.id,
    provider_id: row.provider_id,
    name: row.name,
    custom_template: customTemplate as CustomTemplate,
    status: row.status as DataSourceStatus,
    created_at: row.created_at,
    updated_at: row.updated_at,
    last_push_at: row.last_push_at,
    last_push_warnings: Number(row.last_push_warnings),
    incremental_allowed: Number(row.incremental_allowed) === 1,
  };
}

export function toApiKeyRecord(row: ApiKeyRow): ApiKeyRecord {
  return {
    id: row.id,
    name: row.name,
    role: row.role as ApiKeyRole,
    keyHash: row.key_hash,
    prefix: row.prefix,
    createdAt: row.created_at,
    lastUsedAt: row.last_used_at,
    revokedAt: row.revoked_at,
  };
}

import type { Generated } from 'kysely';
import type { AssessmentTables } from './assessment-tables.js';
import type { GraphTables } from './graph-tables.js';
import type { OktaSsoTables } from './okta-sso-tables.js';
import type { UploadTables } from './upload-tables.js';

/**
 * Table shapes as Kysely sees them. Timestamps are ISO-8601 UTC strings made by the app (they
 * sort correctly as text on both engines); booleans are 0/1 integers so SQL stays portable.
 */
export interface Database extends GraphTables, AssessmentTables, UploadTables, OktaSsoTables {
  providers: ProviderRow;
  provider_types: ProviderTypeRow;
  provider_icons: ProviderIconRow;
  data_sources: DataSourceTable;
  api_keys: ApiKeyRow;
}

export interface ProviderRow {
  id: string;
  name: string;
  /** lower-cased name: unique, compared and sorted on. */
  name_key: string;
  custom_template: string;
  state: string;
  provisioning: number;
  /** The documented pass-through fields (push_type, csv_mapping_configuration, ...), as JSON. */
  options_json: string;
  created_at: string;
  updated_at: string;
}

/** What pushes declared: kind is application_type, resource_type, idp_type or hris_type. */
export interface ProviderTypeRow {
  provider_id: string;
  kind: string;
  type_name: string;
  type_key: string;
}

export interface ProviderIconRow {
  provider_id: string;
  mime_type: string;
  icon_base64: string;
  updated_at: string;
}

export interface DataSourceRow {
  id: string;
  provider_id: string;
  name: string;
  name_key: string;
  status: string;
  created_at: string;
  updated_at: string;
  last_push_at: string | null;
  last_push_warnings: number;
  incremental_allowed: number;
}

/** The stored data source: its row plus `seq`, the compact integer derived tables are keyed by. */
export interface DataSourceTable extends DataSourceRow {
  seq: Generated<number>;
}

export interface ApiKeyRow {
  id: string;
  name: string;
  role: string;
  key_hash: string;
  prefix: string;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
}

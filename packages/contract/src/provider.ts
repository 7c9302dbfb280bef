import { Type, type Static } from '@sinclair/typebox';
import { StringEnum } from './string-enum.js';
import { ALLOWED_NAME_PATTERN } from './names.js';
import { CsvMappingConfiguration } from './csv-mapping.js';

/** The OAA templates a provider can be created with. */
export const CUSTOM_TEMPLATES = ['application', 'identity_provider', 'hris'] as const;
export const CustomTemplate = StringEnum(CUSTOM_TEMPLATES, {
  description: 'Which OAA payload template the provider\'s data sources push.',
});
export type CustomTemplate = Static<typeof CustomTemplate>;

export const PROVIDER_STATES = ['ENABLED', 'DISABLED', 'DELETING'] as const;
export const ProviderState = StringEnum(PROVIDER_STATES);
export type ProviderState = Static<typeof ProviderState>;

export const EXTERNAL_LIFECYCLE_MANAGEMENT_TYPES = ['SCIM', 'SEND_REST_PAYLOAD'] as const;
export const ExternalLifecycleManagementType = StringEnum(EXTERNAL_LIFECYCLE_MANAGEMENT_TYPES, {
  description: 'Lifecycle management mode; application template only.',
});

/** Name rule shared by providers and data sources (the schema half; uniqueness is the store's). */
export const ObjectName = Type.String({
  minLength: 1,
  pattern: ALLOWED_NAME_PATTERN,
  description: 'Letters, digits, spaces and @#$%&*:()!,_\'"=.- ; at most 256 bytes.',
});

/** A vault secret the provider refers to (echoed back; Accessgraph does not read vaults). */
export const SecretReference = Type.Object(
  {
    id: Type.Optional(Type.String()),
    secret_id: Type.Optional(Type.String()),
    type: Type.Optional(Type.Union([Type.Integer(), Type.String()])),
    mapping: Type.Optional(Type.String()),
    vault_id: Type.Optional(Type.String()),
    vault: Type.Optional(
      Type.Object(
        {
          id: Type.Optional(Type.String()),
          name: Type.Optional(Type.String()),
          vault_provider: Type.Optional(Type.String()),
          insight_point_id: Type.Optional(Type.String()),
          deleted: Type.Optional(Type.Boolean()),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);

/** Who is told about the provider's pushes (stored and echoed). */
export const NotificationPreferences = Type.Object(
  {
    enabled: Type.Optional(Type.Boolean()),
    subscribed_events: Type.Optional(Type.Array(Type.Union([Type.Integer(), Type.String()]))),
    notify_integration_owner: Type.Optional(Type.Boolean()),
    additional_recipients: Type.Optional(Type.Array(Type.String())),
  },
  { additionalProperties: false },
);

/**
 * The documented provider fields besides name and template. They are validated, stored and
 * returned; only `provisioning` and `external_lifecycle_management_type` carry meaning here.
 */
const providerOptionFields = {
  external_lifecycle_management_type: Type.Optional(ExternalLifecycleManagementType),
  provisioning: Type.Optional(
    Type.Boolean({ description: 'System of record for lifecycle management (meaningful for hris).' }),
  ),
  push_type: Type.Optional(Type.Union([Type.Integer(), Type.String()])),
  internal_app_name: Type.Optional(Type.String()),
  configuration_json: Type.Optional(Type.String()),
  data_plane_id: Type.Optional(Type.String()),
  custom_templates: Type.Optional(Type.Array(Type.String())),
  csv_mapping_configuration: Type.Optional(CsvMappingConfiguration),
  secret_references: Type.Optional(Type.Array(SecretReference)),
  notification_preferences: Type.Optional(NotificationPreferences),
};

export const ProviderOptions = Type.Object(providerOptionFields, { additionalProperties: false });
export type ProviderOptions = Static<typeof ProviderOptions>;

/** Body of `POST /api/v1/providers/custom`. Unknown fields are refused. */
export const ProviderCreate = Type.Object(
  { name: ObjectName, custom_template: CustomTemplate, ...providerOptionFields },
  { additionalProperties: false },
);
export type ProviderCreate = Static<typeof ProviderCreate>;

/** Body of `PATCH /api/v1/providers/custom/{id}`: the fields that may change after creation. */
export const ProviderPatch = Type.Object(
  {
    provisioning: Type.Optional(Type.Boolean()),
    name: Type.Optional(ObjectName),
    notification_preferences: Type.Optional(NotificationPreferences),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type ProviderPatch = Static<typeof ProviderPatch>;

/** A provider as the API returns it (Veza's field set, plus timestamps). */
export const Provider = Type.Object(
  {
    ...providerOptionFields,
    id: Type.String({ format: 'uuid' }),
    external_id: Type.String(),
    name: Type.String(),
    custom_template: CustomTemplate,
    state: ProviderState,
    application_types: Type.Array(Type.String()),
    resource_types: Type.Array(Type.String()),
    idp_types: Type.Array(Type.String()),
    hris_types: Type.Array(Type.String()),
    file_system_types: Type.Array(Type.String()),
    principal_types: Type.Array(Type.String()),
    secret_store_types: Type.Array(Type.String()),
    cmdb_types: Type.Array(Type.String()),
    schema_definition_json: Type.String({ description: 'base64 of a JSON object; "e30=" is {}.' }),
    provisioning: Type.Boolean(),
    lifecycle_management_state: Type.String(),
    team_id: Type.String(),
    rbac_id: Type.String(),
    created_at: Type.String({ format: 'date-time' }),
    updated_at: Type.String({ format: 'date-time' }),
  },
  {},
);
export type Provider = Static<typeof Provider>;

/** What pushes have shown the provider to carry; filled in by pushes, used by the icon lookup. */
export interface ProviderTypes {
  application_types: string[];
  resource_types: string[];
  idp_types: string[];
  hris_types: string[];
}

export const ProviderIdParams = Type.Object({ id: Type.String() });
export type ProviderIdParams = Static<typeof ProviderIdParams>;

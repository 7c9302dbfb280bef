import { Type, type Static } from '@sinclair/typebox';
import { Opt } from '../nullable.js';
import { StringEnum } from '../string-enum.js';
import { OaaCustomProperties, OaaDynamicProperties, OaaOperation, OaaTags, PropertyDefinitions, strict } from './common.js';

/**
 * The Custom Identity Provider template (spec §6), as a strict schema. Where the docs show two
 * forms of one field (spec §15.6, §15.7), both are accepted here and core reads them into one.
 */

/** `{"identity": "..."}`: how users name their groups, and groups their parents. */
export const OaaIdentityReference = Type.Object({ identity: Type.String({ minLength: 1 }) }, strict);

/** Group memberships: `[{"identity": "g"}]` (oaaclient, samples) or `["g"]` (the field table). */
export const OaaIdpGroupReferences = Opt(Type.Array(Type.Union([OaaIdentityReference, Type.String({ minLength: 1 })])));

/** AWS role ARNs: `[{"identity": "arn"}]` (oaaclient, sample) or `{"identity": ["arn", ...]}` (field table). */
export const OaaAssumedRoleArns = Opt(
  Type.Union([Type.Array(OaaIdentityReference), Type.Object({ identity: Type.Array(Type.String({ minLength: 1 })) }, strict)]),
);

export const IDP_PROVIDER_TYPES = ['active_directory', 'any', 'azure_ad', 'custom', 'google_workspace', 'okta', 'one_login'] as const;
export const IdpProviderType = StringEnum(IDP_PROVIDER_TYPES);

/** The identity of another identity provider this user or group is federated from. */
export const OaaSourceIdentity = Type.Object({ identity: Type.String({ minLength: 1 }), provider_type: IdpProviderType }, strict);

/** An entity of any data source this principal owns, by node type and id. */
export const OaaOwnedEntity = Type.Object({ node_type: Type.String({ minLength: 1 }), id: Type.String({ minLength: 1 }) }, strict);
/** A list of owned entities, or one (an example of the docs shows a single object). */
export const OaaEntitiesOwned = Opt(Type.Union([Type.Array(OaaOwnedEntity), OaaOwnedEntity]));

export const OaaAppAssignment = Type.Object(
  {
    id: Type.String({ minLength: 1 }),
    name: Type.String({ minLength: 1 }),
    app_id: Type.String({ minLength: 1 }),
    custom_properties: OaaCustomProperties,
  },
  strict,
);
export type OaaAppAssignment = Static<typeof OaaAppAssignment>;

const principalCommon = {
  assumed_role_arns: OaaAssumedRoleArns,
  source_identity: Opt(OaaSourceIdentity),
  entities_owned: OaaEntitiesOwned,
  app_assignments: Opt(Type.Array(OaaAppAssignment)),
  tags: OaaTags,
  custom_properties: OaaCustomProperties,
  dynamic_properties: OaaDynamicProperties,
  operation: OaaOperation,
};

export const IDP_IDENTITY_TYPES = ['HUMAN', 'NONHUMAN'] as const;

export const OaaIdpUser = Type.Object(
  {
    name: Type.String({ minLength: 1 }),
    identity: Opt(Type.String()),
    email: Opt(Type.String()),
    full_name: Opt(Type.String()),
    // A string (oaaclient, examples); the field table says "string list", so a list is tolerated.
    department: Opt(Type.Union([Type.String(), Type.Array(Type.String())])),
    is_active: Opt(Type.Boolean()),
    is_guest: Opt(Type.Boolean()),
    groups: OaaIdpGroupReferences,
    manager_id: Opt(Type.String()),
    identity_type: Opt(StringEnum(IDP_IDENTITY_TYPES)),
    ...principalCommon,
  },
  strict,
);
export type OaaIdpUser = Static<typeof OaaIdpUser>;

export const OaaIdpGroup = Type.Object(
  {
    name: Type.String({ minLength: 1 }),
    identity: Opt(Type.String()),
    full_name: Opt(Type.String()),
    is_security_group: Opt(Type.Boolean()),
    /** The groups this group is a member of. */
    groups: OaaIdpGroupReferences,
    ...principalCommon,
  },
  strict,
);
export type OaaIdpGroup = Static<typeof OaaIdpGroup>;

export const OaaIdpApp = Type.Object(
  {
    id: Type.String({ minLength: 1 }),
    name: Type.String({ minLength: 1 }),
    description: Opt(Type.String()),
    assumed_role_arns: OaaAssumedRoleArns,
    tags: OaaTags,
    custom_properties: OaaCustomProperties,
    operation: OaaOperation,
  },
  strict,
);
export type OaaIdpApp = Static<typeof OaaIdpApp>;

export const OaaIdpDomain = Type.Object(
  {
    name: Type.String({ minLength: 1 }),
    tags: OaaTags,
    custom_properties: OaaCustomProperties,
    dynamic_properties: OaaDynamicProperties,
    operation: OaaOperation,
  },
  strict,
);
export type OaaIdpDomain = Static<typeof OaaIdpDomain>;

/**
 * Which property of an identity a mapping compares: built-in ones by these names, any other by
 * `custom_*_property` (the docs spell them in either case, so core compares ignoring case).
 */
export const MAPPING_PROPERTIES = ['UNIQUE_ID', 'EMAIL', 'PROPERTY', 'CUSTOM_PROPERTY'] as const;
export const MAPPING_TRANSFORMATIONS = ['IGNORE_SPECIAL', 'IGNORE_DOMAIN'] as const;

export const OaaPropertyMatcher = Type.Object(
  {
    source_property: Type.String({ minLength: 1 }),
    destination_property: Type.String({ minLength: 1 }),
    custom_source_property: Opt(Type.String()),
    custom_destination_property: Opt(Type.String()),
  },
  strict,
);
export type OaaPropertyMatcher = Static<typeof OaaPropertyMatcher>;

export const OaaIdentityMapping = Type.Object(
  {
    destination_datasource_type: Type.String({ minLength: 1 }),
    destination_datasource_oaa_app_type: Opt(Type.String()),
    type: Opt(Type.String()),
    mode: Opt(Type.String()),
    custom_value: Opt(Type.String()),
    property_matchers: Opt(Type.Array(OaaPropertyMatcher)),
    id_matchers: Opt(Type.Array(Type.Object({ source_id: Type.String({ minLength: 1 }), destination_id: Type.String({ minLength: 1 }) }, strict))),
    destination_datasources: Opt(Type.Array(Type.Object({ type: Type.String({ minLength: 1 }), oaa_app_type: Opt(Type.String()) }, strict))),
    property_match_operator: Opt(Type.String()),
    transformations: Opt(Type.Array(StringEnum(MAPPING_TRANSFORMATIONS))),
  },
  strict,
);
export type OaaIdentityMapping = Static<typeof OaaIdentityMapping>;

export const OaaIdentityMappingConfiguration = Type.Object(
  { mappings: Opt(Type.Array(OaaIdentityMapping)), operation: OaaOperation },
  strict,
);
export type OaaIdentityMappingConfiguration = Static<typeof OaaIdentityMappingConfiguration>;

export const OaaIdpPropertyDefinitions = Type.Object(
  {
    domain_properties: PropertyDefinitions,
    user_properties: PropertyDefinitions,
    group_properties: PropertyDefinitions,
    app_properties: PropertyDefinitions,
    app_assignment_properties: PropertyDefinitions,
  },
  strict,
);

/** The whole `json_data` of a push to an identity provider. */
export const IdpPayload = Type.Object(
  {
    name: Opt(Type.String()),
    idp_type: Opt(Type.String()),
    idp_description: Opt(Type.String()),
    domains: Opt(Type.Array(OaaIdpDomain)),
    users: Opt(Type.Array(OaaIdpUser)),
    groups: Opt(Type.Array(OaaIdpGroup)),
    apps: Opt(Type.Array(OaaIdpApp)),
    custom_property_definition: Opt(OaaIdpPropertyDefinitions),
    identity_mapping_configuration: Opt(OaaIdentityMappingConfiguration),
    incremental_change: Opt(Type.Boolean()),
  },
  strict,
);
export type IdpPayload = Static<typeof IdpPayload>;

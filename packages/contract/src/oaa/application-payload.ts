import { Type, type Static } from '@sinclair/typebox';
import { Opt } from '../nullable.js';
import { StringEnum } from '../string-enum.js';
import {
  CanonicalPermission,
  OaaCustomProperties,
  OaaDynamicProperties,
  OaaOperation,
  OaaOwners,
  OaaStringList,
  OaaTags,
  PropertyDefinitions,
  strict,
} from './common.js';

/**
 * The Custom Application template (spec §5), as a strict schema: unknown keys anywhere are
 * errors, as Veza answers them (`applications[0].bad_property`). Meaning (references, ids,
 * property types) is checked by core.
 */

const entityCommon = {
  tags: OaaTags,
  custom_properties: OaaCustomProperties,
  owners: OaaOwners,
  operation: OaaOperation,
};

export const OaaLocalUser = Type.Object(
  {
    name: Type.String({ minLength: 1 }),
    id: Opt(Type.String()),
    unique_id: Opt(Type.String()),
    identities: OaaStringList,
    groups: OaaStringList,
    access_creds: OaaStringList,
    email: Opt(Type.String()),
    is_active: Opt(Type.Boolean()),
    created_at: Opt(Type.String()),
    last_login_at: Opt(Type.String()),
    deactivated_at: Opt(Type.String()),
    password_last_changed_at: Opt(Type.String()),
    user_type: Opt(Type.String()),
    dynamic_properties: OaaDynamicProperties,
    ...entityCommon,
  },
  strict,
);
export type OaaLocalUser = Static<typeof OaaLocalUser>;

export const OaaLocalGroup = Type.Object(
  {
    name: Type.String({ minLength: 1 }),
    id: Opt(Type.String()),
    unique_id: Opt(Type.String()),
    identities: OaaStringList,
    groups: OaaStringList,
    created_at: Opt(Type.String()),
    dynamic_properties: OaaDynamicProperties,
    ...entityCommon,
  },
  strict,
);
export type OaaLocalGroup = Static<typeof OaaLocalGroup>;

export const OaaLocalRole = Type.Object(
  {
    name: Type.String({ minLength: 1 }),
    id: Opt(Type.String()),
    unique_id: Opt(Type.String()),
    permissions: OaaStringList,
    roles: OaaStringList,
    dynamic_properties: OaaDynamicProperties,
    ...entityCommon,
  },
  strict,
);
export type OaaLocalRole = Static<typeof OaaLocalRole>;

export const OaaAccessCred = Type.Object(
  {
    id: Type.String({ minLength: 1 }),
    name: Type.String({ minLength: 1 }),
    is_active: Opt(Type.Boolean()),
    created_at: Opt(Type.String()),
    expires_at: Opt(Type.String()),
    last_used_at: Opt(Type.String()),
    can_expire: Opt(Type.Boolean()),
    ...entityCommon,
  },
  strict,
);
export type OaaAccessCred = Static<typeof OaaAccessCred>;

export const OaaConnection = Type.Object({ id: Type.String({ minLength: 1 }), node_type: Type.String({ minLength: 1 }) }, strict);

/** A resource and its sub-resources, to any depth. */
export const OaaResource = Type.Recursive(
  (Self) =>
    Type.Object(
      {
        name: Type.String({ minLength: 1 }),
        id: Opt(Type.String()),
        unique_id: Opt(Type.String()),
        resource_type: Type.String({ minLength: 1 }),
        description: Opt(Type.String()),
        // A plain union here: TypeBox resolves the self-reference only through its own combinators.
        sub_resources: Type.Optional(Type.Union([Type.Array(Self), Type.Null()])),
        connections: Opt(Type.Array(OaaConnection)),
        dynamic_properties: OaaDynamicProperties,
        ...entityCommon,
      },
      strict,
    ),
  { $id: 'OaaResource' },
);
export type OaaResource = Static<typeof OaaResource>;

export const OaaApplication = Type.Object(
  {
    name: Type.String({ minLength: 1 }),
    application_type: Type.String({ minLength: 1 }),
    description: Opt(Type.String()),
    local_users: Opt(Type.Array(OaaLocalUser)),
    local_groups: Opt(Type.Array(OaaLocalGroup)),
    local_roles: Opt(Type.Array(OaaLocalRole)),
    local_access_creds: Opt(Type.Array(OaaAccessCred)),
    resources: Opt(Type.Array(OaaResource)),
    okta_app_id: Opt(Type.String()),
    dynamic_properties: OaaDynamicProperties,
    ...entityCommon,
  },
  strict,
);
export type OaaApplication = Static<typeof OaaApplication>;

export const OaaPermission = Type.Object(
  {
    name: Type.String({ minLength: 1 }),
    permission_type: Type.Array(CanonicalPermission),
    apply_to_sub_resources: Opt(Type.Boolean()),
    resource_types: OaaStringList,
    application_type: Opt(Type.Union([Type.String(), Type.Array(Type.String())])),
    operation: OaaOperation,
  },
  strict,
);
export type OaaPermission = Static<typeof OaaPermission>;

export const OaaApplicationPermission = Type.Object(
  {
    application: Type.String({ minLength: 1 }),
    permission: Type.String({ minLength: 1 }),
    resources: OaaStringList,
    apply_to_application: Opt(Type.Boolean()),
    operation: OaaOperation,
  },
  strict,
);
export type OaaApplicationPermission = Static<typeof OaaApplicationPermission>;

export const OaaRoleAssignment = Type.Object(
  {
    application: Type.String({ minLength: 1 }),
    role: Type.String({ minLength: 1 }),
    apply_to_application: Opt(Type.Boolean()),
    resources: OaaStringList,
    custom_properties: OaaCustomProperties,
    operation: OaaOperation,
  },
  strict,
);
export type OaaRoleAssignment = Static<typeof OaaRoleAssignment>;

export const IDENTITY_TYPES = ['local_user', 'local_group', 'local_role', 'local_access_creds', 'idp'] as const;

export const OaaIdentityToPermission = Type.Object(
  {
    identity: Type.String({ minLength: 1 }),
    identity_type: Opt(StringEnum(IDENTITY_TYPES)),
    application_permissions: Opt(Type.Array(OaaApplicationPermission)),
    role_assignments: Opt(Type.Array(OaaRoleAssignment)),
    operation: OaaOperation,
  },
  strict,
);
export type OaaIdentityToPermission = Static<typeof OaaIdentityToPermission>;

export const OaaApplicationPropertyDefinitions = Type.Object(
  {
    application_type: Type.String({ minLength: 1 }),
    application_properties: PropertyDefinitions,
    local_user_properties: PropertyDefinitions,
    local_group_properties: PropertyDefinitions,
    local_role_properties: PropertyDefinitions,
    role_assignment_properties: PropertyDefinitions,
    local_access_creds_properties: PropertyDefinitions,
    resources: Opt(
      Type.Array(Type.Object({ resource_type: Type.String({ minLength: 1 }), properties: PropertyDefinitions }, strict)),
    ),
  },
  strict,
);
export type OaaApplicationPropertyDefinitions = Static<typeof OaaApplicationPropertyDefinitions>;

/** The whole `json_data` of a push to an application provider. */
export const ApplicationPayload = Type.Object(
  {
    applications: Opt(Type.Array(OaaApplication)),
    permissions: Opt(Type.Array(OaaPermission)),
    identity_to_permissions: Opt(Type.Array(OaaIdentityToPermission)),
    custom_property_definition: Opt(Type.Object({ applications: Opt(Type.Array(OaaApplicationPropertyDefinitions)) }, strict)),
    incremental_change: Opt(Type.Boolean()),
  },
  strict,
);
export type ApplicationPayload = Static<typeof ApplicationPayload>;

import { Type, type Static } from '@sinclair/typebox';
import { StringEnum } from './string-enum.js';
import { FieldViolation } from './errors.js';

/** Body of `POST .../datasources/{data_source_id}:push` (spec §2.5). */
export const PushRequest = Type.Object(
  {
    id: Type.Optional(Type.String({ description: 'Provider id; when present it must equal the path.' })),
    data_source_id: Type.Optional(Type.String({ description: 'Data source id; when present it must equal the path.' })),
    json_data: Type.Unknown({
      description: 'The payload as one JSON string; with compression_type GZIP, base64 of the gzipped JSON.',
    }),
    compression_type: Type.Optional(
      Type.Union([Type.String(), Type.Integer()], { description: 'none (default) or GZIP, any case; or 0 / 1.' }),
    ),
    priority_push: Type.Optional(Type.Boolean({ description: 'Accepted; pushes are processed at once anyway.' })),
  },
  { additionalProperties: false },
);
export type PushRequest = Static<typeof PushRequest>;

/** A warning about an accepted push. Messages start with Veza's prefixes, which connectors count. */
export const PushWarning = Type.Object({
  message: Type.String(),
  path: Type.Optional(Type.String()),
  code: Type.Optional(Type.String()),
});
export type PushWarning = Static<typeof PushWarning>;

/** Answer of a push: always carries `warnings`, possibly empty, and no `value` key. */
export const PushResponse = Type.Object({ warnings: Type.Array(PushWarning) });
export type PushResponse = Static<typeof PushResponse>;

export const PUSH_OUTCOMES = ['SUCCESS', 'REJECTED', 'FAILED'] as const;
export const PushOutcome = StringEnum(PUSH_OUTCOMES);
export type PushOutcome = Static<typeof PushOutcome>;

/** One push as recorded in the data source's history. */
export const PushRecord = Type.Object({
  id: Type.String(),
  data_source_id: Type.String(),
  started_at: Type.String({ format: 'date-time' }),
  duration_ms: Type.Integer({ minimum: 0 }),
  key_id: Type.Union([Type.String(), Type.Null()], { description: 'The API key that pushed.' }),
  size_bytes: Type.Integer({ minimum: 0, description: 'Size of json_data as received.' }),
  compression: Type.String({ description: 'none or GZIP' }),
  incremental: Type.Boolean(),
  outcome: PushOutcome,
  counts: Type.Record(Type.String(), Type.Integer(), { description: 'Entities in the payload, by kind.' }),
  warnings: Type.Array(PushWarning),
  errors: Type.Array(FieldViolation),
});
export type PushRecord = Static<typeof PushRecord>;

/** One end of an effective permission. */
export const EntityRef = Type.Object({
  type: Type.String({ description: 'local_user, local_group, access_cred, idp_identity, application, resource, ...' }),
  node_type: Type.String({ description: 'Veza-style node type, e.g. OAA.sample.User.' }),
  key: Type.String({ description: 'Id or name as pushed; dot path for sub-resources.' }),
  name: Type.String(),
  application: Type.Union([Type.String(), Type.Null()]),
  data_source_id: Type.Optional(Type.String({ description: 'The data source of an entity of another data source (an IdP user whose access a row shows).' })),
});
export type EntityRef = Static<typeof EntityRef>;

/** Why a principal has a permission on a target. */
export const GrantPath = Type.Object({
  permission: Type.String(),
  canonical_types: Type.Array(Type.String()),
  /**
   * In a row of an IdP user: the data source's principal linked to the user or to one of its IdP
   * groups (a local account, a local group, an `idp` binding's identity) that the access comes
   * through; null in rows of the data source's own principals.
   */
  linked: Type.Union([EntityRef, Type.Null()]),
  /** The principal whose grant this is, when not the principal itself (a group, a held role or credential). */
  through: Type.Union([EntityRef, Type.Null()]),
  /** The role that carries the permission, or null for a direct permission. */
  role: Type.Union([EntityRef, Type.Null()]),
  /** The ancestor the permission was granted on, when inherited by a sub-resource; null when granted on the target. */
  inherited_from: Type.Union([EntityRef, Type.Null()]),
});
export type GrantPath = Static<typeof GrantPath>;

/** A principal's effective permissions on one application or resource, and why. */
export const EffectivePermission = Type.Object({
  principal: EntityRef,
  target: EntityRef,
  permissions: Type.Array(Type.String()),
  canonical_types: Type.Array(Type.String()),
  paths: Type.Array(GrantPath),
});
export type EffectivePermission = Static<typeof EffectivePermission>;

/** Query of `GET .../datasources/{data_source_id}/effective_permissions`. */
export const EffectivePermissionsQuery = Type.Object(
  {
    principal: Type.Optional(
      Type.String({
        description:
          "Only this principal, any case: a local user, group or credential key or an idp binding's identity; and the IdP users of that identity in every identity provider, through the principals linked to them.",
      }),
    ),
    target: Type.Optional(Type.String({ description: 'Only this target: application name or resource key / dot path, any case.' })),
    page_size: Type.Optional(Type.Integer({ minimum: 0, description: 'Rows per page; 0 or absent means 100; at most 1000.' })),
    page_token: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
);
export type EffectivePermissionsQuery = Static<typeof EffectivePermissionsQuery>;

/** Query of `GET .../datasources/{data_source_id}/pushes`. */
export const PushHistoryQuery = Type.Object(
  { page_size: Type.Optional(Type.Integer({ minimum: 0 })), page_token: Type.Optional(Type.String()) },
  { additionalProperties: false },
);
export type PushHistoryQuery = Static<typeof PushHistoryQuery>;

import { Type, type Static } from '@sinclair/typebox';
import { StringEnum } from './string-enum.js';

/**
 * Roles, each including the rights of the ones after it: `admin` manages keys and everything
 * else, `writer` manages providers and data sources and pushes, `reader` reads and queries.
 */
export const API_KEY_ROLES = ['admin', 'writer', 'reader'] as const;
export const ApiKeyRole = StringEnum(API_KEY_ROLES);
export type ApiKeyRole = Static<typeof ApiKeyRole>;

/** Body of `POST /api/v1/api_keys`. */
export const ApiKeyCreate = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 128, description: 'What the key is for, e.g. "ci".' }),
    role: ApiKeyRole,
  },
  { additionalProperties: false },
);
export type ApiKeyCreate = Static<typeof ApiKeyCreate>;

/** A key as listed: never the secret, only its non-secret prefix. */
export const ApiKey = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    role: ApiKeyRole,
    prefix: Type.String({ description: 'The start of the key, enough to recognise it.' }),
    created_at: Type.String({ format: 'date-time' }),
    last_used_at: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
    revoked_at: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  },
  {},
);
export type ApiKey = Static<typeof ApiKey>;

/** Answer of a key creation: the only time the secret is shown. */
export const ApiKeyCreated = Type.Object(
  {
    ...ApiKey.properties,
    key: Type.String({ description: 'The secret; shown once, stored only as a hash.' }),
  },
  {},
);
export type ApiKeyCreated = Static<typeof ApiKeyCreated>;

export const ApiKeyIdParams = Type.Object({ key_id: Type.String() });
export type ApiKeyIdParams = Static<typeof ApiKeyIdParams>;

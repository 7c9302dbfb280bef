import { Type, type Static, type TSchema, type TUnsafe } from '@sinclair/typebox';

/**
 * `T` or JSON `null`. OAA payloads may send `null` for any value that is not set, so almost every
 * field of a payload is nullable. A base schema with a single `type` becomes `type: [t, "null"]`
 * (one clear Ajv error instead of an `anyOf` per branch).
 */
export function Nullable<T extends TSchema>(schema: T): TUnsafe<Static<T> | null> {
  const base = schema as unknown as Record<string, unknown>;
  if (typeof base.type === 'string') {
    const widened: Record<string, unknown> = { ...base, type: [base.type, 'null'] };
    if (Array.isArray(base.enum)) widened.enum = [...(base.enum as unknown[]), null];
    return Type.Unsafe<Static<T> | null>(widened);
  }
  return Type.Unsafe<Static<T> | null>({ anyOf: [schema, { type: 'null' }] });
}

/** An optional, nullable property. */
export function Opt<T extends TSchema>(schema: T) {
  return Type.Optional(Nullable(schema));
}

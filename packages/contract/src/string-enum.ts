import { Type, type SchemaOptions, type TUnsafe } from '@sinclair/typebox';

/**
 * A string limited to a closed set of values, emitted as a JSON Schema `enum`.
 *
 * TypeBox's `Union` of `Literal`s becomes `anyOf` of `const`, which Ajv reports as one error
 * per branch; a plain `enum` gives a single error that names the allowed values.
 */
export function StringEnum<const T extends readonly string[]>(
  values: T,
  options: SchemaOptions = {},
): TUnsafe<T[number]> {
  return Type.Unsafe<T[number]>({ type: 'string', enum: [...values], ...options });
}

import type { PropertyType } from '@accessgraph/contract';
import { at, type IssueCollector } from './issues.js';
import { MAX_PROPERTY_STRING, isTimestamp } from './strings.js';

/** Declared custom properties of one entity kind: lower-cased name -> type. */
export type PropertyDefinitions = ReadonlyMap<string, PropertyType>;

const PROPERTY_NAME = /^[A-Za-z][A-Za-z0-9_]*$/;

/** Reads one `*_properties` map of a definition; names are case-insensitive and must be unique. */
export function readDefinitions(
  definitions: Record<string, PropertyType> | null | undefined,
  path: string,
  issues: IssueCollector,
): Map<string, PropertyType> {
  const result = new Map<string, PropertyType>();
  for (const [name, type] of Object.entries(definitions ?? {})) {
    const key = name.toLowerCase();
    if (!PROPERTY_NAME.test(name) || Buffer.byteLength(name) > 256) {
      issues.error(at(path, name), 'invalid_property_name', `property name "${name}" must start with a letter and hold only letters, digits and _`);
    } else if (result.has(key)) {
      issues.error(at(path, name), 'duplicate_property', `property "${name}" is defined twice (names ignore case)`);
    } else {
      result.set(key, type);
    }
  }
  return result;
}

/**
 * Checks the `custom_properties` of the entity at `path` against their definitions and adds
 * them to `result` keyed as the graph stores them (`customprop_<lower-cased name>`), so callers
 * fill one property map instead of spreading several. `null` means not set. Property paths are
 * built only to report a problem.
 */
export function readCustomProperties(
  values: Record<string, unknown> | null | undefined,
  definitions: PropertyDefinitions | undefined,
  path: string,
  what: string,
  issues: IssueCollector,
  result: Record<string, unknown> = {},
): Record<string, unknown> {
  if (!values) return result;
  for (const name of Object.keys(values)) {
    const value = values[name];
    if (value === null) continue;
    const type = definitions?.get(name.toLowerCase());
    if (!type) {
      issues.error(propertyPath(path, name), 'undefined_property', `custom property "${name}" is not defined for ${what} in custom_property_definition`);
      continue;
    }
    const problem = valueProblem(value, type);
    if (problem) {
      issues.error(propertyPath(path, name), 'property_type', `custom property "${name}" is ${type}: ${problem}`);
      continue;
    }
    result[`customprop_${name.toLowerCase()}`] = value;
  }
  return result;
}

function propertyPath(entityPath: string, name: string): string {
  return at(at(entityPath, 'custom_properties'), name);
}

function valueProblem(value: unknown, type: PropertyType): string | undefined {
  switch (type) {
    case 'BOOLEAN':
      return typeof value === 'boolean' ? undefined : `expected true or false, got ${describe(value)}`;
    case 'NUMBER':
      return typeof value === 'number' && Number.isFinite(value) ? undefined : `expected a number, got ${describe(value)}`;
    case 'STRING':
      if (typeof value !== 'string') return `expected a string, got ${describe(value)}`;
      // Characters are code points: an emoji is one character, two UTF-16 units.
      if (value.length <= MAX_PROPERTY_STRING) return undefined;
      return [...value].length > MAX_PROPERTY_STRING ? `is ${[...value].length} characters; the limit is ${MAX_PROPERTY_STRING}` : undefined;
    case 'STRING_LIST':
      return Array.isArray(value) && value.every((v) => typeof v === 'string')
        ? undefined
        : `expected a list of strings, got ${describe(value)}`;
    case 'TIMESTAMP':
      return typeof value === 'string' && isTimestamp(value) ? undefined : `expected an RFC 3339 timestamp, got ${describe(value)}`;
  }
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'string') return `"${value.slice(0, 40)}"`;
  return typeof value === 'object' ? 'an object' : String(value);
}

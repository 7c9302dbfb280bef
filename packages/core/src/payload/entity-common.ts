import type { OaaTag, PropertyType } from '@accessgraph/contract';
import { readCustomProperties } from './custom-properties.js';
import { at, type IssueCollector } from './issues.js';
import { checkField } from './strings.js';
import { readTags } from './tags.js';

/**
 * Fields every entity shares: tags, custom properties, operation, dynamic properties. Owners and
 * custom properties are added to `properties` (which may already hold built-in fields), filling
 * one map per entity rather than spreading several; the tags are returned.
 */
export function readCommon(
  item: {
    tags?: OaaTag[] | null;
    owners?: { external_id: string; owner_type: string; primary?: boolean | null }[] | null;
    custom_properties?: Record<string, unknown> | null;
    operation?: string | null;
    dynamic_properties?: unknown;
  },
  path: string,
  definitions: ReadonlyMap<string, PropertyType> | undefined,
  what: string,
  issues: IssueCollector,
  properties: Record<string, unknown>,
): OaaTag[] {
  if (item.operation != null) rejectOperation(path, issues);
  if (item.dynamic_properties !== undefined && item.dynamic_properties !== null) {
    issues.warn(at(path, 'dynamic_properties'), 'deprecated', 'dynamic_properties is deprecated and ignored; use custom_properties');
  }
  // Owners are kept as given; resolving them to IdP identities is a cross-source link.
  if (item.owners && item.owners.length > 0) {
    properties.owners = item.owners.map((o, i) => {
      checkField(o.external_id, at(at(path, 'owners'), i), 'external_id', issues);
      checkField(o.owner_type, at(at(path, 'owners'), i), 'owner_type', issues);
      return { external_id: o.external_id, owner_type: o.owner_type, primary: o.primary === true };
    });
  }
  readCustomProperties(item.custom_properties, definitions, path, what, issues, properties);
  return readTags(item.tags, path, issues);
}

/** Copies the set built-in fields into a new property map (null means not set). */
export function builtIns(source: Record<string, unknown>, fields: readonly string[]): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const field of fields) if (source[field] !== undefined && source[field] !== null) result[field] = source[field];
  return result;
}

/** `operation` belongs to incremental payloads only. */
export function rejectOperation(path: string, issues: IssueCollector): void {
  issues.error(at(path, 'operation'), 'operation_not_incremental', 'operation is only allowed in an incremental payload (incremental_change: true)');
}

import type { CsvMappingConfiguration, CustomTemplate, PropertyType } from '@accessgraph/contract';
import { PROPERTY_TYPES } from '@accessgraph/contract';
import type { IssueCollector } from '../payload/issues.js';
import { columnPath } from './csv-issues.js';
import { CSV_DESTINATIONS, ROW_ENTITY, findDestination, findProperty } from './csv-destinations.js';
import type { CsvValueKind } from './csv-values.js';

/** A mapped column found in the header: where its cells are and what they fill. */
export interface BoundColumn {
  /** Index of the column in each row. */
  index: number;
  /** The column's name as the header spells it. */
  column: string;
  /** The canonical destination kind (`local_user`, `employee`, ...). */
  kind: string;
  /** The built-in property it fills, or undefined for a custom property. */
  property?: string;
  custom?: { name: string; type: PropertyType };
  /** How each cell is read; `list` splits it at the list delimiter. */
  read: CsvValueKind;
  /** Every row must have a value. */
  required: boolean;
}

export interface CsvColumns {
  /** The mapped columns the header has. */
  columns: BoundColumn[];
  /** What the mapping fills, whether or not the header has the column. */
  configured: ReadonlyArray<{ kind: string; property?: string | undefined }>;
  /** Per kind, the key property its entities are identified by (the first of its keys that is mapped). */
  keyOf: Map<string, string>;
  /** Per kind and built-in property, the position of its column in `columns`. */
  slots: Map<string, Map<string, number>>;
  /** Per kind, the positions of its custom property columns in `columns`. */
  customSlots: Map<string, number[]>;
}

const CUSTOM_READ: Record<PropertyType, CsvValueKind> = {
  BOOLEAN: 'boolean',
  NUMBER: 'number',
  STRING: 'string',
  STRING_LIST: 'list',
  TIMESTAMP: 'timestamp',
};

const MAPPINGS = 'csv_mapping_configuration.column_mappings';

/**
 * Checks the column mappings against the template (`configuration` issues: the provider's
 * mapping is wrong) and finds each mapped column in the header (`data` issues: the file lacks a
 * required column). A mapped column that is not required may be absent from a file.
 */
export function bindColumns(
  template: CustomTemplate,
  mapping: CsvMappingConfiguration,
  header: readonly string[],
  issues: { configuration: IssueCollector; data: IssueCollector },
): CsvColumns {
  const positions = headerPositions(header);
  const mapped: Array<Omit<BoundColumn, 'index' | 'column'> & { path: string; name: string }> = [];
  const seen = new Map<string, string>();
  (mapping.column_mappings ?? []).forEach((entry, i) => {
    const path = `${MAPPINGS}[${i}]`;
    const target = readTarget(template, entry, path, issues.configuration);
    if (!target) return;
    const slot = target.property ? `${target.kind}.${target.property}` : `${target.kind}.custom_property.${target.custom!.name.toLowerCase()}`;
    const earlier = seen.get(slot);
    if (earlier !== undefined) {
      issues.configuration.error(path, 'duplicate_destination', `column "${entry.column_name}" fills ${slot}, which ${earlier} already fills`);
      return;
    }
    seen.set(slot, `${path} (column "${entry.column_name}")`);
    mapped.push({ ...target, path, name: entry.column_name, required: entry.is_required === true });
  });

  const keyOf = chooseKeys(template, mapped, issues.configuration);
  const columns: BoundColumn[] = [];
  for (const { path, name, ...target } of mapped) {
    const required = target.required || (target.property !== undefined && keyOf.get(target.kind) === target.property && target.kind === ROW_ENTITY[template]);
    const found = positions.get(name.trim().toLowerCase());
    if (found === undefined) {
      if (required) issues.data.error(columnPath(name), 'missing_column', `the CSV header has no column "${name}", which ${path} maps to ${describeTarget(target)} and which is required`);
      continue;
    }
    if (found.length > 1) {
      issues.data.error(columnPath(name), 'duplicate_column', `the CSV header has ${found.length} columns named "${name}"; a mapped column must be unique`);
      continue;
    }
    columns.push({ ...target, required, index: found[0]!, column: header[found[0]!]! });
  }
  const slots = new Map<string, Map<string, number>>();
  const customSlots = new Map<string, number[]>();
  columns.forEach((column, i) => {
    if (column.property === undefined) customSlots.set(column.kind, [...(customSlots.get(column.kind) ?? []), i]);
    else slots.set(column.kind, (slots.get(column.kind) ?? new Map<string, number>()).set(column.property, i));
  });
  return { columns, configured: mapped.map(({ kind, property }) => ({ kind, property })), keyOf, slots, customSlots };
}

type Target = Pick<BoundColumn, 'kind' | 'property' | 'custom' | 'read'>;

function readTarget(
  template: CustomTemplate,
  entry: NonNullable<CsvMappingConfiguration['column_mappings']>[number],
  path: string,
  issues: IssueCollector,
): Target | undefined {
  const destinations = CSV_DESTINATIONS[template];
  const kind = entry.destination_type ? findDestination(template, entry.destination_type) : undefined;
  if (!kind) {
    const known = Object.keys(destinations).join(', ');
    issues.error(`${path}.destination_type`, entry.destination_type ? 'unknown_destination' : 'required', `${entry.destination_type ? `"${entry.destination_type}" is not` : 'is required:'} a destination of the ${template} template (${known})`);
    return undefined;
  }
  const destination = destinations[kind]!;
  if (entry.custom_property && entry.destination_property) {
    issues.error(path, 'ambiguous_destination', 'has both destination_property and custom_property; a column fills one of them');
    return undefined;
  }
  if (entry.custom_property) return readCustomTarget(kind, destination.custom, entry, path, issues);
  const property = entry.destination_property ? findProperty(destination, entry.destination_property) : undefined;
  if (!property) {
    const known = Object.keys(destination.properties).join(', ');
    const problem = entry.destination_property ? `"${entry.destination_property}" is not a property of ${kind}` : `is required (or custom_property) for ${kind}`;
    issues.error(`${path}.destination_property`, entry.destination_property ? 'unknown_property' : 'required', `${problem}${known ? `; its properties are ${known}` : ''}`);
    return undefined;
  }
  const read = destination.properties[property]!;
  // Several entities in one cell: only for the keys of entities other than the row's own.
  const listable = read === 'list' || (destination.keys.includes(property) && kind !== ROW_ENTITY[template]);
  if (entry.as_list && !listable) {
    issues.error(`${path}.as_list`, 'not_a_list', `${kind}.${property} holds one value per row; as_list applies to list properties and to the keys of other entities than the row's`);
    return undefined;
  }
  return { kind, property, read: entry.as_list ? 'list' : read };
}

function readCustomTarget(
  kind: string,
  allowed: boolean,
  entry: NonNullable<CsvMappingConfiguration['column_mappings']>[number],
  path: string,
  issues: IssueCollector,
): Target | undefined {
  const custom = entry.custom_property!;
  if (!allowed) {
    issues.error(`${path}.custom_property`, 'no_custom_properties', `${kind} has no custom properties`);
    return undefined;
  }
  if (!custom.name || !custom.name.trim()) {
    issues.error(`${path}.custom_property.name`, 'required', 'a custom property needs a name');
    return undefined;
  }
  let type: PropertyType = entry.as_list ? 'STRING_LIST' : 'STRING';
  if (custom.type !== undefined) {
    const raw = custom.type;
    const named = typeof raw === 'string' ? PROPERTY_TYPES.find((t) => t === raw.trim().toUpperCase()) : undefined;
    if (!named) {
      issues.error(`${path}.custom_property.type`, 'unknown_type', `${JSON.stringify(custom.type)} is not a property type; use ${PROPERTY_TYPES.join(', ')} (numeric type codes are not documented)`);
      return undefined;
    }
    type = named;
  }
  if (entry.as_list && type !== 'STRING_LIST') {
    issues.error(`${path}.as_list`, 'not_a_list', `custom property "${custom.name}" is ${type}; as_list needs STRING_LIST`);
    return undefined;
  }
  return { kind, custom: { name: custom.name.trim(), type }, read: CUSTOM_READ[type] };
}

/**
 * Kinds whose columns may go without a key column: they then describe the entities the row
 * entity's list property names (the row's roles, say, for a role permissions column).
 */
const NAMED_BY_ROW: Readonly<Record<string, string>> = { local_group: 'groups', local_role: 'roles', permission: 'permissions' };

/** Each kind's key property; the row entity must have one mapped, other kinds one if any column maps to them. */
function chooseKeys(template: CustomTemplate, mapped: readonly Target[], issues: IssueCollector): Map<string, string> {
  const keyOf = new Map<string, string>();
  const kinds = new Set(mapped.map((m) => m.kind));
  kinds.add(ROW_ENTITY[template]);
  for (const kind of kinds) {
    const { keys } = CSV_DESTINATIONS[template][kind]!;
    if (keys.length === 0) continue;
    const key = keys.find((k) => mapped.some((m) => m.kind === kind && m.property === k));
    if (key) keyOf.set(kind, key);
    else if (!(Object.hasOwn(NAMED_BY_ROW, kind) && mapped.some((m) => m.kind === ROW_ENTITY[template] && m.property === NAMED_BY_ROW[kind])))
      issues.error(MAPPINGS, 'missing_key', `no column is mapped to ${keys.map((k) => `${kind}.${k}`).join(' or ')}, which identifies each ${kind}`);
  }
  return keyOf;
}

function headerPositions(header: readonly string[]): Map<string, number[]> {
  const positions = new Map<string, number[]>();
  header.forEach((name, index) => {
    const key = name.trim().toLowerCase();
    positions.set(key, [...(positions.get(key) ?? []), index]);
  });
  return positions;
}

function describeTarget(target: Target): string {
  return target.property ? `${target.kind}.${target.property}` : `${target.kind} custom property "${target.custom!.name}"`;
}

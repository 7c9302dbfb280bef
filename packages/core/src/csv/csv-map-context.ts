import type { CsvMappingConfiguration, CustomTemplate } from '@accessgraph/contract';
import { at, type IssueCollector } from '../payload/issues.js';
import { addUnique } from './entity-book.js';
import type { CsvColumns } from './bind-columns.js';
import { cellPath } from './csv-issues.js';
import { CSV_DESTINATIONS } from './csv-destinations.js';
import type { CsvSourceMap } from './csv-source-map.js';
import type { Cell, RowValues } from './row-values.js';

/** What a template's mapper needs: the rows read, the columns and the settings of the mapping. */
export interface CsvMapContext {
  template: CustomTemplate;
  mapping: CsvMappingConfiguration;
  /** The data rows with a value in at least one cell, read once, in order. */
  rows: Iterable<RowValues>;
  columns: CsvColumns;
  /** The push's `name` and `type`, which take the place of the configured ones. */
  overrides: { name?: string | undefined; type?: string | undefined };
  /** The provider's name: the name of the application, IdP or HRIS when nothing else names it. */
  providerName: string;
  issues: { configuration: IssueCollector; data: IssueCollector };
  sources: CsvSourceMap;
}

/** The key property of `kind` (its id, or its name when no id column is mapped). */
export function keyProperty(ctx: CsvMapContext, kind: string): string | undefined {
  return ctx.columns.keyOf.get(kind);
}

/** Whether the mapping maps a column to `kind` (or to that property of it). */
export function isMapped(ctx: CsvMapContext, kind: string, property?: string): boolean {
  return ctx.columns.configured.some((c) => c.kind === kind && (property === undefined || c.property === property));
}

/**
 * Copies the one-value built-in properties of `kind` from the row onto `entity`, under the same
 * field names, except `skip`; notes each one's cell.
 */
export function copyScalars(ctx: CsvMapContext, row: RowValues, kind: string, entity: Record<string, unknown>, path: string, skip: readonly string[]): void {
  const { properties } = CSV_DESTINATIONS[ctx.template][kind]!;
  // Only the mapped properties: this runs once per entity, and a CSV may hold a million.
  for (const property of ctx.columns.slots.get(kind)?.keys() ?? []) {
    if (properties[property] === 'list' || skip.includes(property)) continue;
    const cell = row.get(kind, property);
    if (!cell || Array.isArray(cell.value)) continue;
    entity[property] = cell.value;
    if (ctx.sources.tracking) ctx.sources.note(at(path, property), row.row, cell.column);
  }
}

/** The custom property values of `kind` on the row, or undefined when there are none; notes each one's cell. */
export function customValues(ctx: CsvMapContext, row: RowValues, kind: string, path: string): Record<string, unknown> | undefined {
  const cells = row.customOf(kind);
  if (cells.length === 0) return undefined;
  const values: Record<string, unknown> = {};
  for (const cell of cells) {
    values[cell.name] = cell.value;
    if (ctx.sources.tracking) ctx.sources.note(at(at(path, 'custom_properties'), cell.name), row.row, cell.column);
  }
  return values;
}

/** One entity of another kind than the row's, named on the row: its key and, when mapped apart, its name. */
export interface NamedOnRow {
  key: Cell<string>;
  name: string;
}

/**
 * The entities of `kind` a row names by its key column: one, or several when the column is a
 * list; a separate name column (when the key is an id) is matched item by item.
 */
export function entitiesOnRow(ctx: CsvMapContext, row: RowValues, kind: string): NamedOnRow[] {
  const key = keyProperty(ctx, kind);
  if (!key) return [];
  const keys = row.list(kind, key);
  if (key === 'name' || !isMapped(ctx, kind, 'name')) return keys.map((k) => ({ key: k, name: k.value }));
  const names = row.list(kind, 'name');
  if (names.length > 0 && names.length !== keys.length) {
    ctx.issues.data.error(cellPath(row.row, names[0]!.column), 'list_length', `has ${names.length} ${kind} names but column "${keys[0]?.column ?? key}" has ${keys.length} ids; they are matched item by item`);
    return [];
  }
  return keys.map((k, i) => ({ key: k, name: names[i]?.value ?? k.value }));
}

/** Sets an entity's one-value and custom properties from the row that made it (its first row). */
export function fillFromFirstRow(ctx: CsvMapContext, row: RowValues, kind: string, entity: object, path: string, skip: readonly string[]): void {
  const target = entity as Record<string, unknown>;
  copyScalars(ctx, row, kind, target, path, skip);
  const custom = customValues(ctx, row, kind, path);
  if (custom) target.custom_properties = custom;
}

/** Adds a value to a string list field of an entity (once, ignoring case) and notes its cell. */
export function appendReference(ctx: CsvMapContext, entity: object, field: string, cell: Cell<string>, path: string, row: RowValues): void {
  const target = entity as Record<string, string[] | null | undefined>;
  const list = (target[field] ??= []);
  const index = addUnique(list, cell.value);
  if (ctx.sources.tracking) ctx.sources.note(at(at(path, field), index), row.row, cell.column);
}

import { at, type IssueCollector } from '../payload/issues.js';
import { checkField } from '../payload/strings.js';

export interface KeyedItem {
  name: string;
  id?: string | null;
  unique_id?: string | null;
}

export interface Keyed<T> {
  item: T;
  index: number;
  path: string;
  key: string;
  localKey: string;
}

/**
 * The id an item carries: `id`, or its alias `unique_id`; both present and different is an error
 * (reported at `path[index].unique_id`, built only then).
 */
export function itemId(item: KeyedItem, path: string, index: number, issues: IssueCollector, aliases = true): string | undefined {
  const id = item.id ?? undefined;
  const uniqueId = aliases ? (item.unique_id ?? undefined) : undefined;
  if (id !== undefined && uniqueId !== undefined && id !== uniqueId) {
    issues.error(at(at(path, index), 'unique_id'), 'id_conflict', `id "${id}" and unique_id "${uniqueId}" differ; unique_id is an alias of id`);
  }
  const chosen = id ?? uniqueId;
  return chosen === '' ? undefined : chosen;
}

export interface KeyOptions {
  /** Resources apply the all-or-none rule per resource_type instead (spec §15.9). */
  idsAllOrNone?: boolean;
  /** Access credentials are keyed by `id` alone: they have no `unique_id` alias. */
  uniqueIdAlias?: boolean;
}

/**
 * Keys one collection (spec §5.10): `id` when the collection uses ids, else `name`; ids are
 * all-or-none within the collection; keys are unique ignoring case. Items with a broken key are
 * left out of the result (their errors are reported).
 */
export function keyCollection<T extends KeyedItem>(
  items: readonly T[] | null | undefined,
  path: string,
  what: string,
  issues: IssueCollector,
  { idsAllOrNone = true, uniqueIdAlias = true }: KeyOptions = {},
): Keyed<T>[] {
  if (!items || items.length === 0) return [];
  // Plain loops: this runs for every user and resource of a payload.
  const ids: (string | undefined)[] = new Array(items.length);
  let withId = -1;
  let withoutId = -1;
  for (let i = 0; i < items.length; i++) {
    const id = itemId(items[i]!, path, i, issues, uniqueIdAlias);
    ids[i] = id;
    if (id !== undefined && withId === -1) withId = i;
    if (id === undefined && withoutId === -1) withoutId = i;
  }
  if (idsAllOrNone && withId !== -1 && withoutId !== -1) {
    issues.error(
      at(path, withoutId),
      'mixed_ids',
      `${what}s must all have an id or none: "${items[withoutId]!.name}" has none but "${items[withId]!.name}" has one`,
    );
  }
  const seen = new Map<string, number>();
  const keyed: Keyed<T>[] = [];
  for (let index = 0; index < items.length; index++) {
    const item = items[index]!;
    const itemPath = at(path, index);
    checkField(item.name, itemPath, 'name', issues);
    const id = ids[index];
    const localKey = id ?? item.name;
    if (id !== undefined) checkField(localKey, itemPath, item.id != null && item.id !== '' ? 'id' : 'unique_id', issues);
    const key = localKey.toLowerCase();
    const first = seen.get(key);
    if (first !== undefined) {
      issues.error(itemPath, 'duplicate_key', `${what} "${localKey}" is defined twice (also at ${at(path, first)}; keys ignore case)`);
      continue;
    }
    seen.set(key, index);
    keyed.push({ item, index, path: itemPath, key, localKey });
  }
  return keyed;
}

/** A reference to another entity: its lower-cased key and where it was written in the list. */
export interface Reference {
  key: string;
  index: number;
}

/**
 * Lists up to this long are deduplicated by scanning what was kept so far: most hold one to
 * three references, and a scan beats allocating a Set for each of a million lists.
 */
const SCAN_LIMIT = 16;

// The lists below are made at their final size (`new Array(n)`, cut if repeats were dropped):
// pushing onto `[]` reserves room for 16 or more items, and a model holds a million of these lists.

/** Lower-cases a list of references, dropping repeats (oaaclient itself emits some). */
export function referenceKeys(values: readonly string[] | null | undefined): string[] {
  return distinct(values, true);
}

/** The list without repeats, in first-seen order. */
export function distinctValues(values: readonly string[] | null | undefined): string[] {
  return distinct(values, false);
}

function distinct(values: readonly string[] | null | undefined, lowerCase: boolean): string[] {
  if (!values || values.length === 0) return [];
  const result = new Array<string>(values.length);
  const seen = values.length > SCAN_LIMIT ? new Set<string>() : undefined;
  let count = 0;
  for (const value of values) {
    const key = lowerCase ? value.toLowerCase() : value;
    if (seen ? seen.has(key) : includes(result, count, key)) continue;
    seen?.add(key);
    result[count++] = key;
  }
  result.length = count;
  return result;
}

function includes(values: readonly string[], count: number, value: string): boolean {
  for (let i = 0; i < count; i++) if (values[i] === value) return true;
  return false;
}

/** Like referenceKeys, keeping the index of each reference's first occurrence for error paths. */
export function references(values: readonly string[] | null | undefined): Reference[] {
  if (!values || values.length === 0) return [];
  const result = new Array<Reference>(values.length);
  const seen = values.length > SCAN_LIMIT ? new Set<string>() : undefined;
  let count = 0;
  for (let index = 0; index < values.length; index++) {
    const key = values[index]!.toLowerCase();
    if (seen ? seen.has(key) : hasKey(result, count, key)) continue;
    seen?.add(key);
    result[count++] = { key, index };
  }
  result.length = count;
  return result;
}

function hasKey(references: readonly Reference[], count: number, key: string): boolean {
  for (let i = 0; i < count; i++) if (references[i]!.key === key) return true;
  return false;
}

import { at, type IssueCollector } from '../payload/issues.js';
import { checkString } from '../payload/strings.js';

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

/** The id an item carries: `id`, or its alias `unique_id`; both present and different is an error. */
export function itemId(item: KeyedItem, path: string, issues: IssueCollector): string | undefined {
  const id = item.id ?? undefined;
  const uniqueId = item.unique_id ?? undefined;
  if (id !== undefined && uniqueId !== undefined && id !== uniqueId) {
    issues.error(at(path, 'unique_id'), 'id_conflict', `id "${id}" and unique_id "${uniqueId}" differ; unique_id is an alias of id`);
  }
  const chosen = id ?? uniqueId;
  return chosen === '' ? undefined : chosen;
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
  /** Resources apply the all-or-none rule per resource_type instead (spec §15.9). */
  options: { idsAllOrNone: boolean } = { idsAllOrNone: true },
): Keyed<T>[] {
  if (!items || items.length === 0) return [];
  const ids = items.map((item, i) => itemId(item, at(path, i), issues));
  const withId = ids.findIndex((id) => id !== undefined);
  const withoutId = ids.findIndex((id) => id === undefined);
  if (options.idsAllOrNone && withId !== -1 && withoutId !== -1) {
    issues.error(
      at(path, withoutId),
      'mixed_ids',
      `${what}s must all have an id or none: "${items[withoutId]!.name}" has none but "${items[withId]!.name}" has one`,
    );
  }
  const seen = new Map<string, number>();
  const keyed: Keyed<T>[] = [];
  items.forEach((item, index) => {
    const itemPath = at(path, index);
    checkString(item.name, at(itemPath, 'name'), issues);
    const localKey = ids[index] ?? item.name;
    if (ids[index] !== undefined) checkString(localKey, at(itemPath, item.id != null && item.id !== '' ? 'id' : 'unique_id'), issues);
    const key = localKey.toLowerCase();
    const first = seen.get(key);
    if (first !== undefined) {
      issues.error(itemPath, 'duplicate_key', `${what} "${localKey}" is defined twice (also at ${at(path, first)}; keys ignore case)`);
      return;
    }
    seen.set(key, index);
    keyed.push({ item, index, path: itemPath, key, localKey });
  });
  return keyed;
}

/** A reference to another entity: its lower-cased key and where it was written in the list. */
export interface Reference {
  key: string;
  index: number;
}

/** Lower-cases a list of references, dropping repeats (oaaclient itself emits some). */
export function referenceKeys(values: readonly string[] | null | undefined): string[] {
  return [...new Set((values ?? []).map((v) => v.toLowerCase()))];
}

/** Like referenceKeys, keeping the index of each reference's first occurrence for error paths. */
export function references(values: readonly string[] | null | undefined): Reference[] {
  const seen = new Map<string, Reference>();
  (values ?? []).forEach((value, index) => {
    const key = value.toLowerCase();
    if (!seen.has(key)) seen.set(key, { key, index });
  });
  return [...seen.values()];
}

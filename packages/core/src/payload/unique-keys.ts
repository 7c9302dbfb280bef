import type { Keyed } from '../application/keyed-collection.js';
import { at, type IssueCollector } from './issues.js';
import { checkField } from './strings.js';

/** The key an item is known by, and the field it came from (named in errors). */
export interface ItemKey {
  value: string;
  field: string;
}

/**
 * Keys a collection whose items name their own key (`identity` falling back to `name`, an
 * employee's `id` falling back to `employee_number`, ...): `keyOf` picks it, or returns undefined
 * after reporting why there is none. Keys are checked as built-in strings and must be unique
 * ignoring case; an item with a broken or repeated key is left out (its error is reported).
 */
export function keyItems<T>(
  items: readonly T[] | null | undefined,
  path: string,
  what: string,
  keyOf: (item: T, itemPath: string) => ItemKey | undefined,
  issues: IssueCollector,
): Keyed<T>[] {
  const keyed: Keyed<T>[] = [];
  if (!items) return keyed;
  const seen = new Map<string, number>();
  for (let index = 0; index < items.length; index++) {
    const item = items[index]!;
    const itemPath = at(path, index);
    const chosen = keyOf(item, itemPath);
    if (chosen === undefined) continue;
    checkField(chosen.value, itemPath, chosen.field, issues);
    const key = chosen.value.toLowerCase();
    const first = seen.get(key);
    if (first !== undefined) {
      issues.error(at(itemPath, chosen.field), 'duplicate_key', `${what} "${chosen.value}" is defined twice (also at ${at(path, first)}; keys ignore case)`);
      continue;
    }
    seen.set(key, index);
    keyed.push({ item, index, path: itemPath, key, localKey: chosen.value });
  }
  return keyed;
}

/**
 * How an incremental push finds and changes the entities of one template (spec §11): each
 * collection of a payload, how its items are keyed, what lives inside them, which operations
 * they take, and what a deletion takes with it. The engine (`apply-changes.ts`) is the same for
 * every template; only these descriptions differ (`template-collections.ts`).
 */

/** A JSON object of a payload, as parsed. */
export type Json = Record<string, unknown>;

/** The operations of spec §11; `remove_tag` (the seeds' spelling) arrives as `delete_tag`. */
export type Operation = 'add' | 'modify' | 'delete' | 'add_tag' | 'delete_tag' | 'add_resource' | 'delete_resource';

/** An entity found in the stored payload, with the key it is found by. */
export interface Located {
  collection: CollectionSpec;
  item: Json;
  key: string;
}

/** What a deletion's clean-up can reach: the whole stored payload and the deleted entity's containers. */
export interface CascadeContext {
  root: Json;
  /** The containers of the deleted entity, outermost first (an application for a local user). */
  parents: readonly Located[];
  deleted: Located;
}

export interface CollectionSpec {
  /** The array field on its container (or on the payload) that holds the collection. */
  field: string;
  /** What an item is called in messages: "local user". */
  what: string;
  /** The item's key, lower-cased (keys ignore case, spec §15.10); undefined when it names none. */
  keyOf(item: Json): string | undefined;
  /** The fields that name an item: all a tag or delete operation may carry besides `operation` and `tags`. */
  keyFields: readonly string[];
  /** How to ask for the key in a message: "its id (or unique_id), else its name". */
  keyHint: string;
  /** The item's node key, for removing tags; absent for collections whose items carry no tags. */
  nodeKey?(parents: readonly Located[], key: string): string;
  /** Collections inside an item: an item that holds them can be named without an operation, to reach them. */
  children?: readonly CollectionSpec[];
  /** The list field `add_resource` / `delete_resource` edit; absent where those operations make no sense. */
  resourceList?: string;
  /** Removes what names a deleted item and would otherwise dangle: memberships, assignments. */
  cascade?(context: CascadeContext): void;
}

/** Lower-cases a string value; undefined for anything else or an empty string. */
export function lowerKey(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value.toLowerCase() : undefined;
}

/** `id`, its alias `unique_id`, else `name`: how local entities and resources are keyed (spec §5.10). */
export function idOrNameKey(item: Json): string | undefined {
  return lowerKey(item.id) ?? lowerKey(item.unique_id) ?? lowerKey(item.name);
}

/** The item's array field, or an empty list. */
export function listOf(item: Json, field: string): unknown[] {
  const value = item[field];
  return Array.isArray(value) ? value : [];
}

/** The objects of an array field. */
export function objectsOf(item: Json, field: string): Json[] {
  return listOf(item, field).filter((value): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value));
}

/**
 * Drops the entries of a list field that name `key` (ignoring case); `nameOf` reads an entry's
 * name (a string, or `{identity}` / `{id}` objects). Leaves the field as it was when none matched.
 */
export function removeReferences(item: Json, field: string, key: string, nameOf: (entry: unknown) => unknown = (entry) => entry): void {
  const list = item[field];
  if (!Array.isArray(list)) return;
  const kept = list.filter((entry) => lowerKey(nameOf(entry)) !== key);
  if (kept.length !== list.length) item[field] = kept;
}

/** A list field's items when they are all objects (none when it is absent); undefined when it is not such a list. */
export function objectList(item: Json, field: string): Json[] | undefined {
  const value = item[field];
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) return undefined;
  const items = objectsOf(item, field);
  return items.length === value.length ? items : undefined;
}

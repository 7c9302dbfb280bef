import type { CustomTemplate } from '@accessgraph/contract';
import { at, type IssueCollector } from '../payload/issues.js';
import { listOf, lowerKey, objectsOf, type CollectionSpec, type Json, type Located, type Operation } from './collection-spec.js';
import { PathOrigins } from './path-origins.js';
import { TEMPLATE_CHANGES } from './template-collections.js';

/** A tag an incremental push takes off a node (tags are additive across pushes: only this removes one). */
export interface TagRemoval {
  nodeKey: string;
  key: string;
  value: string;
}

/** An incremental payload applied to the stored one. */
export interface AppliedChanges {
  /** The resulting full payload, without operations: validated and derived like any full push. */
  payload: Json;
  tagRemovals: TagRemoval[];
  /** Maps paths of the resulting payload back to the incremental payload, for its problems. */
  origins: PathOrigins;
  /** Entities added, modified, deleted or re-tagged. */
  changed: number;
}

const OPERATIONS: Record<string, Operation> = {
  add: 'add',
  modify: 'modify',
  delete: 'delete',
  add_tag: 'add_tag',
  delete_tag: 'delete_tag',
  remove_tag: 'delete_tag',
  add_resource: 'add_resource',
  delete_resource: 'delete_resource',
};

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Applies an incremental payload (spec §11) to the stored payload of the same template, in place:
 * every entity is found by its key (ignoring case) and changed by its `operation`; containers
 * without one (an application holding changed users) only locate what is inside them. Every
 * problem names the entity and its path in the incremental payload; with any, the result must
 * not be used. The caller validates the result as a whole, as a full push.
 */
export function applyIncremental(template: CustomTemplate, stored: Json, change: Json, issues: IssueCollector): AppliedChanges {
  const spec = TEMPLATE_CHANGES[template];
  const run = new ChangeRun(stored, issues);
  const topLevel = new Set<string>();
  for (const field of spec.replaceable) {
    if (change[field] === undefined) continue;
    stored[field] = change[field];
    topLevel.add(field);
  }
  for (const field of spec.mergeable) {
    if (!isObject(change[field])) continue;
    stored[field] = { ...(isObject(stored[field]) ? stored[field] : {}), ...change[field] };
    topLevel.add(field);
  }
  if (change.custom_property_definition !== undefined) {
    stored.custom_property_definition = mergeDefinitions(stored.custom_property_definition, change.custom_property_definition);
    topLevel.add('custom_property_definition');
  }
  if (template === 'identity_provider' && change.identity_mapping_configuration != null) {
    if (run.mappingConfiguration(change.identity_mapping_configuration)) topLevel.add('identity_mapping_configuration');
  }
  for (const collection of spec.collections) run.collection(collection, stored, change, '', []);
  delete stored.incremental_change;
  return { payload: stored, tagRemovals: run.tagRemovals, origins: new PathOrigins(stored, spec.collections, run.origins, topLevel), changed: run.changed };
}

/**
 * Custom property definitions of an incremental payload add to the stored ones: objects merge
 * field by field, lists of per-type definitions by their application or resource type.
 */
function mergeDefinitions(stored: unknown, change: unknown): unknown {
  if (isObject(stored) && isObject(change)) {
    const merged: Json = { ...stored };
    for (const [key, value] of Object.entries(change)) merged[key] = mergeDefinitions(stored[key], value);
    return merged;
  }
  if (Array.isArray(stored) && Array.isArray(change)) {
    const typeOf = (item: unknown) => (isObject(item) ? (lowerKey(item.application_type) ?? lowerKey(item.resource_type)) : undefined);
    const merged = [...stored];
    for (const item of change) {
      const type = typeOf(item);
      const index = type === undefined ? -1 : merged.findIndex((other) => typeOf(other) === type);
      if (index >= 0) merged[index] = mergeDefinitions(merged[index], item);
      else merged.push(item);
    }
    return merged;
  }
  return change;
}

/** One incremental payload being applied: what it changed, and where each changed entity came from. */
class ChangeRun {
  readonly origins = new WeakMap<object, string>();
  readonly tagRemovals: TagRemoval[] = [];
  changed = 0;

  constructor(
    private readonly root: Json,
    private readonly issues: IssueCollector,
  ) {}

  /** The IdP's mapping rules: `modify` (or `add`) replaces them, `delete` removes them (the 004 seed's example). */
  mappingConfiguration(change: unknown): boolean {
    const path = 'identity_mapping_configuration';
    if (!isObject(change)) return false;
    const operation = this.operation(change, path);
    if (operation === 'modify' || operation === 'add') {
      this.root[path] = { mappings: change.mappings ?? [] };
      this.changed++;
      return true;
    }
    if (operation === 'delete') {
      delete this.root[path];
      this.changed++;
      return true;
    }
    if (operation === undefined) {
      this.issues.error(at(path, 'operation'), 'operation_required', 'an incremental identity_mapping_configuration needs operation "modify" (replaces the mapping rules) or "delete"');
    } else {
      this.issues.error(at(path, 'operation'), 'invalid_operation', `operation "${operation}" does not apply to identity_mapping_configuration; use "modify" or "delete"`);
    }
    return false;
  }

  /** Applies the changes to one collection of one container (the payload, an application, a resource). */
  collection(spec: CollectionSpec, container: Json, changeContainer: Json, changePath: string, parents: readonly Located[]): void {
    const changes = changeContainer[spec.field];
    if (changes == null) return;
    const path = at(changePath, spec.field);
    if (!Array.isArray(changes)) {
      this.issues.error(path, 'invalid_type', `${spec.field} must be a list`);
      return;
    }
    const index = new Map<string, Json>();
    for (const item of objectsOf(container, spec.field)) {
      const key = spec.keyOf(item);
      if (key !== undefined && !index.has(key)) index.set(key, item);
    }
    const deleted = new Set<Json>();
    changes.forEach((change, i) => this.item(spec, change, at(path, i), { container, index, deleted, parents }));
    if (deleted.size > 0) container[spec.field] = listOf(container, spec.field).filter((item) => !deleted.has(item as Json));
  }

  private item(spec: CollectionSpec, change: unknown, path: string, place: Place): void {
    if (!isObject(change)) {
      this.issues.error(path, 'invalid_type', `a ${spec.what} must be an object`);
      return;
    }
    const operation = this.operation(change, path);
    if (operation === null) return;
    const key = spec.keyOf(change);
    if (key === undefined) {
      this.issues.error(path, 'key_required', `an incremental ${spec.what} names itself by ${spec.keyHint}`);
      return;
    }
    const name = displayName(spec, change);
    const existing = place.index.get(key);
    if (operation === 'add') {
      if (existing) {
        this.issues.error(path, 'already_exists', `${spec.what} "${name}" already exists in the data source; use operation "modify" to change it`);
        return;
      }
      const item = this.added(spec, change, path);
      if (!Array.isArray(place.container[spec.field])) place.container[spec.field] = [];
      (place.container[spec.field] as unknown[]).push(item);
      place.index.set(key, item);
      this.changed++;
      return;
    }
    if (!existing) {
      const hint = operation === undefined || operation === 'modify' ? '; to create it use operation "add"' : '';
      this.issues.error(path, 'not_found', `${spec.what} "${name}" does not exist in the data source (${spec.what}s are found by ${spec.keyHint})${hint}`);
      return;
    }
    const located: Located = { collection: spec, item: existing, key };
    this.origins.set(existing, path);
    switch (operation) {
      case undefined:
        return this.locate(spec, change, path, located, place.parents, name);
      case 'modify':
        return this.modify(spec, change, path, located, place.parents);
      case 'delete':
        place.deleted.add(existing);
        place.index.delete(key);
        spec.cascade?.({ root: this.root, parents: place.parents, deleted: located });
        this.changed++;
        return;
      case 'add_tag':
      case 'delete_tag':
        return this.retag(spec, change, path, located, place.parents, operation, name);
      case 'add_resource':
      case 'delete_resource':
        return this.editResources(spec, change, path, existing, operation, name);
    }
  }

  /** A container named without an operation: only reaches the entities inside it. */
  private locate(spec: CollectionSpec, change: Json, path: string, located: Located, parents: readonly Located[], name: string): void {
    if (!spec.children) {
      this.issues.error(
        at(path, 'operation'),
        'operation_required',
        `${spec.what} "${name}" has no operation: in an incremental payload every changed entity names its operation (add, modify, delete, add_tag, delete_tag, add_resource, delete_resource)`,
      );
      return;
    }
    const childFields = new Set(spec.children.map((child) => child.field));
    for (const field of Object.keys(change)) {
      if (field === 'operation' || childFields.has(field) || spec.keyFields.includes(field)) continue;
      // Connectors repeat a container's identifying fields (an application's application_type): the same value changes nothing.
      if (JSON.stringify(change[field]) === JSON.stringify(located.item[field])) continue;
      this.issues.error(
        at(path, field),
        'operation_required',
        `"${field}" would change ${spec.what} "${name}", which has no operation: give it operation "modify" (without one it only locates the entities inside it)`,
      );
    }
    for (const child of spec.children) this.collection(child, located.item, change, path, [...parents, located]);
  }

  /** Fields present replace the stored ones; custom properties one by one; inner collections are changes of their own. */
  private modify(spec: CollectionSpec, change: Json, path: string, located: Located, parents: readonly Located[]): void {
    const childFields = new Set((spec.children ?? []).map((child) => child.field));
    const existing = located.item;
    for (const [field, value] of Object.entries(change)) {
      if (field === 'operation' || childFields.has(field)) continue;
      if (field === 'tags') {
        this.issues.error(at(path, 'tags'), 'tags_in_modify', 'modify does not change tags: send the entity again with operation "add_tag" or "delete_tag"');
        continue;
      }
      existing[field] = field === 'custom_properties' && isObject(value) && isObject(existing[field]) ? { ...existing[field], ...value } : value;
    }
    for (const child of spec.children ?? []) this.collection(child, existing, change, path, [...parents, located]);
    this.changed++;
  }

  private retag(spec: CollectionSpec, change: Json, path: string, located: Located, parents: readonly Located[], operation: 'add_tag' | 'delete_tag', name: string): void {
    if (!spec.nodeKey) {
      this.issues.error(at(path, 'operation'), 'invalid_operation', `${spec.what}s carry no tags: operation "${operation}" does not apply`);
      return;
    }
    for (const field of Object.keys(change)) {
      if (field === 'operation' || field === 'tags' || spec.keyFields.includes(field)) continue;
      this.issues.error(at(path, field), 'tag_operation_fields', `an ${operation} carries only the ${spec.what}'s key and its tags; send "${field}" in a separate "modify" of ${spec.what} "${name}"`);
    }
    const tags = objectsOf(change, 'tags');
    if (tags.length === 0) {
      this.issues.error(at(path, 'tags'), 'required', `${operation} needs the tags to ${operation === 'add_tag' ? 'add' : 'remove'}`);
      return;
    }
    const same = (a: Json, b: Json) => a.key === b.key && (a.value ?? '') === (b.value ?? '');
    const stored = objectsOf(located.item, 'tags');
    if (operation === 'add_tag') {
      located.item.tags = [...stored, ...tags.filter((tag, i) => !stored.some((s) => same(s, tag)) && tags.findIndex((t) => same(t, tag)) === i)];
    } else {
      located.item.tags = stored.filter((s) => !tags.some((tag) => same(s, tag)));
      const nodeKey = spec.nodeKey(parents, located.key);
      for (const tag of tags) this.tagRemovals.push({ nodeKey, key: String(tag.key), value: typeof tag.value === 'string' ? tag.value : '' });
    }
    this.changed++;
  }

  /** `add_resource` / `delete_resource`: edits a binding's resources or a permission's resource types. */
  private editResources(spec: CollectionSpec, change: Json, path: string, existing: Json, operation: 'add_resource' | 'delete_resource', name: string): void {
    const field = spec.resourceList;
    if (!field) {
      this.issues.error(
        at(path, 'operation'),
        'invalid_operation',
        `operation "${operation}" applies to application_permissions and role_assignments items (their resources) and to permissions (their resource_types), not to a ${spec.what}`,
      );
      return;
    }
    const values = listOf(change, field);
    if (values.length === 0 || values.some((value) => typeof value !== 'string' || value === '')) {
      this.issues.error(at(path, field), 'required', `${operation} needs a non-empty list of ${field} (strings) to ${operation === 'add_resource' ? 'add' : 'remove'}`);
      return;
    }
    const current = listOf(existing, field).filter((value): value is string => typeof value === 'string');
    const has = (list: readonly string[], value: string) => list.some((entry) => entry.toLowerCase() === value.toLowerCase());
    if (operation === 'add_resource') {
      existing[field] = [...current, ...(values as string[]).filter((value, i) => !has(current, value) && !has((values as string[]).slice(0, i), value))];
      this.changed++;
      return;
    }
    let missing = false;
    (values as string[]).forEach((value, i) => {
      if (has(current, value)) return;
      missing = true;
      this.issues.error(at(at(path, field), i), 'not_found', `"${value}" is not among the ${field} of ${spec.what} "${name}"`);
    });
    if (missing) return;
    const kept = current.filter((value) => !has(values as string[], value));
    if (kept.length === 0) {
      const whole = field === 'resources' ? 'the whole application' : 'every resource type';
      this.issues.error(at(path, field), 'would_widen', `removing every entry of ${field} would make ${spec.what} "${name}" apply to ${whole}; delete the ${spec.what} instead`);
      return;
    }
    existing[field] = kept;
    this.changed++;
  }

  /** A copy of an added entity without operations; what is inside it is added with it. */
  private added(spec: CollectionSpec, change: Json, path: string): Json {
    const item: Json = { ...change };
    delete item.operation;
    this.origins.set(item, path);
    for (const child of spec.children ?? []) {
      const inner = change[child.field];
      if (!Array.isArray(inner)) continue;
      item[child.field] = inner.map((entry, i) => {
        const entryPath = at(at(path, child.field), i);
        if (!isObject(entry)) return entry; // the shape check names it
        if (entry.operation != null && entry.operation !== 'add') {
          this.issues.error(at(entryPath, 'operation'), 'invalid_operation', `a ${child.what} inside an added ${spec.what} is added with it; operation "${String(entry.operation)}" does not apply`);
        }
        return this.added(child, entry, entryPath);
      });
    }
    return item;
  }

  /** The entity's operation (`remove_tag` read as `delete_tag`); null when it is not one (reported). */
  private operation(change: Json, path: string): Operation | undefined | null {
    const value = change.operation;
    if (value == null) return undefined;
    const operation = typeof value === 'string' ? OPERATIONS[value] : undefined;
    if (operation !== undefined) return operation;
    this.issues.error(at(path, 'operation'), 'invalid_operation', `unknown operation ${JSON.stringify(value)}; one of ${Object.keys(OPERATIONS).join(', ')}`);
    return null;
  }
}

/** Where an entity of a change goes: its container, the container's entities by key, and the containers above. */
interface Place {
  container: Json;
  index: Map<string, Json>;
  deleted: Set<Json>;
  parents: readonly Located[];
}

/** How a message names an entity: its key fields as sent. */
function displayName(spec: CollectionSpec, change: Json): string {
  const parts = spec.keyFields.map((field) => change[field]).filter((value): value is string => typeof value === 'string' && value !== '');
  return spec.resourceList === 'resources' ? parts.join(' / ') : (parts[0] ?? '');
}

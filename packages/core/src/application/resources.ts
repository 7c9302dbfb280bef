import type { OaaResource } from '@accessgraph/contract';
import { at, type IssueCollector } from '../payload/issues.js';
import { checkField } from '../payload/strings.js';
import type { AppTypeDefinitions } from './definitions.js';
import { keyCollection } from './keyed-collection.js';
import { builtIns, readCommon } from '../payload/entity-common.js';
import type { ResourceEntity } from './model.js';

/** Deepest sub-resource nesting accepted; real systems stay far below, and it bounds recursion. */
export const MAX_RESOURCE_DEPTH = 64;

/** Node types OAA documents for resource connections; others are kept, with a warning. */
const KNOWN_CONNECTION_TYPES = new Set(['snowflakeuser', 'googlecloudserviceaccount', 'awsiamrole', 'azureadenterpriseapplication', 'trinouser']);

/** Resources apply the id all-or-none rule per resource_type (below), not per list of siblings. */
const PER_TYPE_IDS = { idsAllOrNone: false };

/**
 * Reads an application's resources at every depth into one map keyed by lower-cased dot path
 * (`thing2.cog1`), the way bindings reference them. Keys are unique among the top-level
 * resources and among the children of one parent; ids are all-or-none per resource_type.
 */
export function readResources(
  resources: readonly OaaResource[] | null | undefined,
  appPath: string,
  defs: AppTypeDefinitions | undefined,
  issues: IssueCollector,
): Map<string, ResourceEntity> {
  const result = new Map<string, ResourceEntity>();
  const idUse = new Map<string, { withId?: string; withoutId?: string; reported?: boolean }>();

  const visit = (items: readonly OaaResource[] | null | undefined, path: string, parent: ResourceEntity | null, depth: number) => {
    if (!items || items.length === 0) return;
    if (depth > MAX_RESOURCE_DEPTH) {
      issues.error(path, 'too_deep', `sub_resources are nested deeper than ${MAX_RESOURCE_DEPTH} levels`);
      return;
    }
    for (const { item, path: itemPath, key, localKey } of keyCollection(items, path, 'resource', issues, PER_TYPE_IDS)) {
      checkField(item.resource_type, itemPath, 'resource_type', issues);
      checkField(item.description, itemPath, 'description', issues);
      const typeKey = item.resource_type.toLowerCase();
      trackIdUse(idUse, typeKey, item, itemPath, issues);
      // One property map filled in place: built-ins, connections, then owners and custom properties.
      const properties = builtIns(item, RESOURCE_FIELDS);
      if (item.connections && item.connections.length > 0) properties.connections = readConnections(item.connections, itemPath, issues);
      // The "what" of custom property errors, only spelled out when there are properties to check.
      const what = item.custom_properties ? `resources of type "${item.resource_type}"` : 'resources';
      const tags = readCommon(item, itemPath, defs?.resources.get(typeKey), what, issues, properties);
      const resource: ResourceEntity = {
        key,
        localKey,
        name: item.name,
        path: itemPath,
        // join() makes a flat string where a template would nest concatenations: every binding
        // looks its resources up by this key, and comparing against a nested one is slower.
        pathKey: parent ? [parent.pathKey, key].join('.') : key,
        localPath: parent ? `${parent.localPath}.${localKey}` : localKey,
        parentPath: parent?.pathKey ?? null,
        resourceType: item.resource_type,
        typeKey,
        index: result.size,
        tags,
        properties,
      };
      result.set(resource.pathKey, resource);
      // Most resources are leaves: no sub_resources path to build.
      if (item.sub_resources && item.sub_resources.length > 0) visit(item.sub_resources, at(itemPath, 'sub_resources'), resource, depth + 1);
    }
  };

  visit(resources, at(appPath, 'resources'), null, 1);
  return result;
}

const RESOURCE_FIELDS = ['description', 'resource_type'] as const;

function readConnections(connections: NonNullable<OaaResource['connections']>, path: string, issues: IssueCollector) {
  return connections.map((c, i) => {
    checkField(c.id, at(at(path, 'connections'), i), 'id', issues);
    checkField(c.node_type, at(at(path, 'connections'), i), 'node_type', issues);
    if (!KNOWN_CONNECTION_TYPES.has(c.node_type.toLowerCase())) {
      issues.warn(at(at(path, 'connections'), i), 'unknown_node_type', `connection node_type "${c.node_type}" is not one OAA documents; it is kept as given`);
    }
    return { id: c.id, node_type: c.node_type };
  });
}

/** A resource_type's resources must all have an id, or none may. */
function trackIdUse(
  idUse: Map<string, { withId?: string; withoutId?: string; reported?: boolean }>,
  typeKey: string,
  item: OaaResource,
  path: string,
  issues: IssueCollector,
): void {
  let use = idUse.get(typeKey);
  if (!use) idUse.set(typeKey, (use = {}));
  const hasId = (item.id ?? item.unique_id ?? '') !== '';
  if (hasId) use.withId ??= path;
  else use.withoutId ??= path;
  if (use.withId && use.withoutId && !use.reported) {
    use.reported = true;
    issues.error(
      hasId ? use.withoutId : path,
      'mixed_ids',
      `resources of type "${item.resource_type}" must all have an id or none (${use.withId} has one, ${use.withoutId} has none)`,
    );
  }
}

import type { CustomTemplate } from '@accessgraph/contract';
import { appEntityNodeKey, applicationNodeKey, idpNodeKey, type AppEntitySegment } from '../graph/node-keys.js';
import { idOrNameKey, lowerKey, objectsOf, removeReferences, type CascadeContext, type CollectionSpec, type Json } from './collection-spec.js';

/**
 * The collections of each template as an incremental push sees them (spec §11). A deletion takes
 * with it the memberships and assignments that name the deleted entity (a user's bindings, a
 * group's members' entries, a role's assignments); references that are part of another
 * entity's definition (a role's permissions, a binding's resources, a manager) are left, and the
 * resulting state's validation reports them as dangling, naming the entity that still refers.
 */

const BINDING_LISTS = ['application_permissions', 'role_assignments'] as const;
const ID_OR_NAME = ['id', 'unique_id', 'name'];
const ID_OR_NAME_HINT = 'its id (or unique_id) when the collection is keyed by id, else its name';

/** Drops bindings that `drop` selects from the entries `entryMatches` selects, then the entries that lost their last binding. */
function dropBindings(root: Json, entryMatches: (entry: Json) => boolean, drop: (binding: Json, list: (typeof BINDING_LISTS)[number]) => boolean): void {
  const entries = root.identity_to_permissions;
  if (!Array.isArray(entries)) return;
  const emptied = new Set<Json>();
  for (const entry of objectsOf(root, 'identity_to_permissions')) {
    if (!entryMatches(entry)) continue;
    for (const list of BINDING_LISTS) {
      const bindings = objectsOf(entry, list);
      const kept = bindings.filter((binding) => !drop(binding, list));
      if (kept.length === bindings.length) continue;
      entry[list] = kept;
      if (BINDING_LISTS.every((name) => objectsOf(entry, name).length === 0)) emptied.add(entry);
    }
  }
  if (emptied.size > 0) root.identity_to_permissions = entries.filter((entry) => !emptied.has(entry as Json));
}

/** Drops the deleted local principal's own bindings in its application (typed as `identityType`, or untyped). */
function dropOwnBindings(context: CascadeContext, identityType: string): void {
  const appKey = context.parents[0]!.key;
  const key = context.deleted.key;
  dropBindings(
    context.root,
    (entry) => lowerKey(entry.identity) === key && (entry.identity_type == null || entry.identity_type === identityType),
    (binding) => lowerKey(binding.application) === appKey,
  );
}

/** The application an entity is in: its outermost container. */
const applicationOf = (context: CascadeContext) => context.parents[0]!.item;

const localEntity = (field: string, what: string, segment: AppEntitySegment, cascade: (context: CascadeContext) => void): CollectionSpec => ({
  field,
  what,
  keyOf: idOrNameKey,
  keyFields: ID_OR_NAME,
  keyHint: ID_OR_NAME_HINT,
  nodeKey: (parents, key) => appEntityNodeKey(parents[0]!.key, segment, key),
  cascade,
});

const localUsers = localEntity('local_users', 'local user', 'user', (context) => dropOwnBindings(context, 'local_user'));

const localGroups = localEntity('local_groups', 'local group', 'group', (context) => {
  const app = applicationOf(context);
  for (const user of objectsOf(app, 'local_users')) removeReferences(user, 'groups', context.deleted.key);
  for (const group of objectsOf(app, 'local_groups')) removeReferences(group, 'groups', context.deleted.key);
  dropOwnBindings(context, 'local_group');
});

const localRoles = localEntity('local_roles', 'local role', 'role', (context) => {
  const app = applicationOf(context);
  const appKey = context.parents[0]!.key;
  for (const role of objectsOf(app, 'local_roles')) removeReferences(role, 'roles', context.deleted.key);
  dropBindings(
    context.root,
    () => true,
    (binding, list) => list === 'role_assignments' && lowerKey(binding.application) === appKey && lowerKey(binding.role) === context.deleted.key,
  );
  dropOwnBindings(context, 'local_role');
});

const localCreds: CollectionSpec = {
  ...localEntity('local_access_creds', 'local access credential', 'cred', (context) => {
    for (const user of objectsOf(applicationOf(context), 'local_users')) removeReferences(user, 'access_creds', context.deleted.key);
    dropOwnBindings(context, 'local_access_creds');
  }),
  // Access credentials have no unique_id alias.
  keyOf: (item) => lowerKey(item.id),
  keyFields: ['id'],
  keyHint: 'its id',
};

/** Resources nest to any depth; a resource's node key is its application's and the dotted path of resource keys. */
function resourceCollection(field: string, what: string): CollectionSpec {
  const spec: CollectionSpec & { children: CollectionSpec[] } = {
    field,
    what,
    keyOf: idOrNameKey,
    keyFields: ID_OR_NAME,
    keyHint: 'its id (or unique_id) when resources of its type have ids, else its name',
    nodeKey: (parents, key) => appEntityNodeKey(parents[0]!.key, 'resource', [...parents.slice(1).map((p) => p.key), key].join('.')),
    children: [],
  };
  return spec;
}
const resources = resourceCollection('resources', 'resource');
const subResources = resourceCollection('sub_resources', 'sub-resource');
(resources.children as CollectionSpec[]).push(subResources);
(subResources.children as CollectionSpec[]).push(subResources);

const applications: CollectionSpec = {
  field: 'applications',
  what: 'application',
  keyOf: (item) => lowerKey(item.name),
  keyFields: ['name'],
  keyHint: 'its name',
  nodeKey: (_parents, key) => applicationNodeKey(key),
  children: [localUsers, localGroups, localRoles, localCreds, resources],
  cascade: (context) => dropBindings(context.root, () => true, (binding) => lowerKey(binding.application) === context.deleted.key),
};

const permissions: CollectionSpec = {
  field: 'permissions',
  what: 'permission',
  keyOf: (item) => lowerKey(item.name),
  keyFields: ['name'],
  keyHint: 'its name',
  resourceList: 'resource_types',
};

/** A binding is named by its application and what it grants; its `resources` are what the resource operations edit. */
const binding = (field: string, what: string, granted: 'permission' | 'role'): CollectionSpec => ({
  field,
  what,
  keyOf: (item) => {
    const application = lowerKey(item.application);
    const grant = lowerKey(item[granted]);
    return application !== undefined && grant !== undefined ? `${application}\u0000${grant}` : undefined;
  },
  keyFields: ['application', granted],
  keyHint: `its application and ${granted}`,
  resourceList: 'resources',
});

const identityToPermissions: CollectionSpec = {
  field: 'identity_to_permissions',
  what: 'identity_to_permissions entry',
  keyOf: (item) => lowerKey(item.identity),
  keyFields: ['identity', 'identity_type'],
  keyHint: 'its identity',
  children: [binding('application_permissions', 'application permission', 'permission'), binding('role_assignments', 'role assignment', 'role')],
};

/** How IdP principals name their groups: a string, or `{"identity": ...}`. */
const groupReference = (entry: unknown) => (typeof entry === 'object' && entry !== null ? (entry as Json).identity : entry);

const idpPrincipal = (field: string, what: string, segment: 'user' | 'group', cascade?: (context: CascadeContext) => void): CollectionSpec => ({
  field,
  what,
  keyOf: (item) => lowerKey(item.identity) ?? lowerKey(item.name),
  keyFields: ['identity', 'name'],
  keyHint: 'its identity, else its name',
  nodeKey: (_parents, key) => idpNodeKey(segment, key),
  ...(cascade ? { cascade } : {}),
});

const idpCollections: readonly CollectionSpec[] = [
  {
    field: 'domains',
    what: 'domain',
    keyOf: (item) => lowerKey(item.name),
    keyFields: ['name'],
    keyHint: 'its name',
    nodeKey: (_parents, key) => idpNodeKey('domain', key),
  },
  idpPrincipal('users', 'user', 'user'),
  idpPrincipal('groups', 'group', 'group', (context) => {
    for (const field of ['users', 'groups']) {
      for (const principal of objectsOf(context.root, field)) removeReferences(principal, 'groups', context.deleted.key, groupReference);
    }
  }),
  {
    field: 'apps',
    what: 'app',
    keyOf: (item) => lowerKey(item.id),
    keyFields: ['id'],
    keyHint: 'its id',
    nodeKey: (_parents, key) => idpNodeKey('app', key),
    cascade: (context) => {
      for (const field of ['users', 'groups']) {
        for (const principal of objectsOf(context.root, field)) {
          removeReferences(principal, 'app_assignments', context.deleted.key, (entry) => (entry as Json | null)?.app_id);
        }
      }
    },
  },
];

const hrisReference = (entry: unknown) => (entry as Json | null)?.id;

const hrisCollections: readonly CollectionSpec[] = [
  {
    field: 'employees',
    what: 'employee',
    keyOf: (item) => lowerKey(item.id) ?? lowerKey(item.employee_number),
    keyFields: ['id', 'employee_number'],
    keyHint: 'its id, else its employee_number',
    cascade: (context) => {
      for (const employee of objectsOf(context.root, 'employees')) removeReferences(employee, 'managers', context.deleted.key, hrisReference);
    },
  },
  {
    field: 'groups',
    what: 'group',
    keyOf: (item) => lowerKey(item.id),
    keyFields: ['id'],
    keyHint: 'its id',
    cascade: (context) => {
      for (const employee of objectsOf(context.root, 'employees')) removeReferences(employee, 'groups', context.deleted.key, hrisReference);
    },
  },
];

/** A template as an incremental push changes it. */
export interface TemplateChanges {
  collections: readonly CollectionSpec[];
  /** Top-level fields an incremental payload may replace (those it omits stay as stored). */
  replaceable: readonly string[];
  /** Top-level objects whose fields an incremental payload replaces one by one. */
  mergeable: readonly string[];
}

export const TEMPLATE_CHANGES: Record<CustomTemplate, TemplateChanges> = {
  application: { collections: [applications, permissions, identityToPermissions], replaceable: [], mergeable: [] },
  identity_provider: { collections: idpCollections, replaceable: ['name', 'idp_type', 'idp_description'], mergeable: [] },
  hris: { collections: hrisCollections, replaceable: ['name', 'hris_type'], mergeable: ['system'] },
};

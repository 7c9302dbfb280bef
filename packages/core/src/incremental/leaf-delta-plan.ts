import { idOrNameKey, lowerKey, objectsOf, type Json } from './collection-spec.js';

/**
 * Which incremental application payloads change the graph by difference (docs/architecture.md,
 * "Incremental pushes"): those whose effect storage can bound by reading around the entities they
 * name. Local users: add, modify, delete, add_tag, delete_tag, and their bindings (entries of the
 * users the change adds, and any change to an existing user's entry); no edge, reach row or grant
 * of anything else depends on a user. Resources: add (with their sub-resources), modify (but not
 * of their type), delete (with their sub-resources), add_tag, delete_tag; an ancestry row is all
 * that depends on a resource, besides grants on it, which storage checks a deleted one has none
 * of. Groups, roles and credentials: every operation. A group moved or deleted and a credential
 * deleted only decide the reach of the principals below them, which storage reads and works out
 * anew (`moved-principals.ts`); their entries go as users' do (what their members reach through
 * them follows); a role redefined (a modify that gives its `permissions` or `roles`) or deleted
 * changes the grants of every binding of it and of the roles that include it, whose holders'
 * entries storage reads back and the change derives anew (`role-holders.ts`); so does a top-level
 * permission changed (a modify, its resource types edited), in every application, its holders being
 * those of it and of the roles granting it; one added or deleted is a node in each. The application
 * itself: a modify of its description or custom properties, a re-tag (its node and tags are all
 * that change). Entries of IdP identities whose bindings are all in one application go as groups'
 * do (their node comes with the first binding and goes with the last). Anything else (bindings of
 * roles, an application added, deleted, or given another type or Okta id) goes the whole-state way.
 */
export interface LeafDeltaPlan {
  apps: LeafDeltaApp[];
  /**
   * The top-level permissions the change adds, modifies, deletes or edits the resource types of, by
   * key (lower-cased name). Each has a node in every application, so storage completes `apps` with
   * every application of the data source (`withEveryApplication`); the holders of a changed one,
   * directly or through roles, have their entries read back and derived anew as a redefined role's do.
   */
  changedPermissions: Array<{ key: string; operation: PermissionOperation }>;
}

export type PermissionOperation = 'add' | 'modify' | 'delete' | 'add_resource' | 'delete_resource';
const PERMISSION_OPERATIONS = new Set<string>(['add', 'modify', 'delete', 'add_resource', 'delete_resource']);

export type LeafOperation = 'add' | 'modify' | 'delete' | 'add_tag' | 'delete_tag';

export interface LeafDeltaApp {
  /** The application's key (its name, lower-cased). */
  key: string;
  /** The users the change names, by key, with their operation. */
  users: Array<{ key: string; operation: LeafOperation }>;
  /** Keys of the groups and credentials the change's users name (existing users' own are read from the graph). */
  groups: string[];
  creds: string[];
  /** What the added users' bindings name: roles, permissions, resources by their dotted key paths. */
  roles: string[];
  permissions: string[];
  resources: string[];
  /** The identities (lower-cased) of the entries the change adds: each a user the change adds. */
  bindingIdentities: string[];
  /** The identities (lower-cased) of existing users whose stored entries the change changes. */
  entryIdentities: string[];
  /**
   * Of those, the ones it only adds bindings to (located entries whose every binding has operation
   * `add`): their stored bindings stay as they are, only the added ones are derived.
   */
  additiveIdentities: string[];
  /**
   * Existing groups and credentials whose stored entries the change changes (located, added or
   * deleted, as users' are), with whether it only adds to them (then a holder of grants keeps
   * holding some, and what its members reach through it stays), and whether it only adds bindings
   * (`additive`, as for users).
   */
  entryEntities: Array<{ segment: 'group' | 'cred'; key: string; onlyAdds: boolean; additive: boolean }>;
  /**
   * IdP identities (`identity_type: "idp"`, lower-cased) whose entries the change adds, changes or
   * deletes in this application, with whether it only adds bindings (`additive`, as for users). One
   * whose bindings span applications goes the whole-state way: its node holds them all.
   */
  idpEntries: Array<{ key: string; additive: boolean }>;
  /** The resources the change names with an operation, by dotted key path (an added one's sub-resources come with it). */
  changedResources: Array<{ path: string; operation: LeafOperation }>;
  /** The types (lower-cased) of the resources the change adds, with whether each added one has an id. */
  addedResourceTypes: Array<{ type: string; withId: boolean }>;
  /**
   * Groups, roles and credentials the change adds, modifies, re-tags or deletes: with `parents`
   * (lower-cased) a group it moves (a modify that gives its `groups`), with `redefined` a role whose
   * `permissions` or `roles` a modify gives anew.
   */
  changedEntities: Array<{ segment: EntitySegment; key: string; operation: LeafOperation; withId: boolean; parents?: string[]; redefined?: true }>;
  /**
   * The application's own operation, if any: a `modify` (of its description or custom properties)
   * or a re-tag, which rewrite its node and tags in place; with `type`, the application_type a
   * modify gives, which must be the stored one as it is (it decides the custom properties and the
   * node types of everything the application holds).
   */
  own?: { operation: 'modify' | 'add_tag' | 'delete_tag'; type?: unknown };
}

/** The collections besides users and resources whose items a change may add, or modify or re-tag in place. */
export type EntitySegment = 'group' | 'role' | 'cred';

const OPERATIONS: Record<string, LeafOperation> = { add: 'add', modify: 'modify', delete: 'delete', add_tag: 'add_tag', delete_tag: 'delete_tag', remove_tag: 'delete_tag' };
const TOP_LEVEL = new Set(['incremental_change', 'applications', 'identity_to_permissions', 'permissions']);
const APP_FIELDS = new Set(['name', 'application_type', 'local_users', 'resources', 'local_groups', 'local_roles', 'local_access_creds']);
/**
 * What an application's own operation may carry besides those: a modify its description and custom
 * properties (a changed `okta_app_id` re-matches every user's sign-ins: the whole-state way), a
 * re-tag its tags.
 */
const OWN_FIELDS = { modify: new Set(['description', 'custom_properties', 'operation']), add_tag: new Set(['tags', 'operation']), delete_tag: new Set(['tags', 'operation']) } as const;
/**
 * Per collection: its node key segment and the fields that name other entities. A group's parents
 * and a credential's holders only decide what the principals below it reach; a role's permissions
 * and nested roles decide the grants of every binding of it, in whoever's entry.
 */
const ENTITY_COLLECTIONS = {
  local_groups: { segment: 'group', references: ['groups'] },
  local_roles: { segment: 'role', references: ['permissions', 'roles'] },
  local_access_creds: { segment: 'cred', references: [] },
} as const;
/** What a resource that only locates its sub-resources may carry. */
const RESOURCE_CONTAINER_FIELDS = new Set(['id', 'unique_id', 'name', 'resource_type', 'sub_resources']);
const BINDING_LISTS = { application_permissions: 'permission', role_assignments: 'role' } as const;
const BINDING_LIST_NAMES = Object.keys(BINDING_LISTS);
const ENTRY_FIELDS = new Set(['identity', 'identity_type', 'application_permissions', 'role_assignments']);

/** The plan for an incremental application payload that only changes leaves, else undefined. */
export function planLeafDelta(change: Json): LeafDeltaPlan | undefined {
  for (const field of Object.keys(change)) if (!TOP_LEVEL.has(field) && change[field] !== undefined && change[field] !== null) return undefined;
  const apps = new Map<string, LeafDeltaApp & { added: Set<string> }>();
  for (const app of listed(change, 'applications')) {
    if (app === undefined) return undefined;
    const key = lowerKey(app.name);
    if (key === undefined || apps.has(key)) return undefined;
    const own = app.operation == null ? undefined : OPERATIONS[String(app.operation)];
    if (own === 'add' || own === 'delete' || (app.operation != null && own === undefined)) return undefined;
    for (const field of Object.keys(app)) if (!APP_FIELDS.has(field) && !(own !== undefined && OWN_FIELDS[own].has(field))) return undefined;
    const plan = newApp(key);
    if (own !== undefined) {
      plan.own = own === 'modify' && app.application_type !== undefined ? { operation: own, type: app.application_type } : { operation: own };
    }
    const seen = new Set<string>();
    for (const user of listed(app, 'local_users')) {
      const userKey = user === undefined ? undefined : idOrNameKey(user);
      const operation = user === undefined ? undefined : OPERATIONS[String(user.operation)];
      // A repeated or unkeyed user, or an unknown operation, is for the whole-state path to report.
      if (user === undefined || userKey === undefined || operation === undefined || seen.has(userKey)) return undefined;
      seen.add(userKey);
      plan.users.push({ key: userKey, operation });
      if (operation === 'add') plan.added.add(userKey);
      const groups = stringKeys(user.groups);
      const creds = stringKeys(user.access_creds);
      if (groups === undefined || creds === undefined) return undefined;
      plan.groups.push(...groups);
      plan.creds.push(...creds);
    }
    if (!planResources(listed(app, 'resources'), null, plan) || !planEntities(app, plan)) return undefined;
    apps.set(key, plan);
  }
  for (const entry of listed(change, 'identity_to_permissions')) {
    if (!(entry?.operation === 'add' && addsEntryOfAddedUser(entry, apps) ? entryOfAddedUser(entry, apps) : entryChange(entry, apps))) return undefined;
  }
  const changedPermissions = planPermissions(listed(change, 'permissions'));
  if (changedPermissions === undefined || (apps.size === 0 && changedPermissions.length === 0)) return undefined;
  return {
    apps: [...apps.values()].map(({ added: _added, ...app }) => ({
      ...app,
      groups: unique(app.groups),
      creds: unique(app.creds),
      roles: unique(app.roles),
      permissions: unique([...app.permissions, ...changedPermissions.map((p) => p.key)]),
      resources: unique(app.resources),
    })),
    changedPermissions,
  };
}

/** The top-level permissions a change names, with their operations; undefined if one is unkeyed, repeated or of an operation permissions do not take (for the whole-state path to report). */
function planPermissions(items: ReadonlyArray<Json | undefined>): LeafDeltaPlan['changedPermissions'] | undefined {
  const planned: LeafDeltaPlan['changedPermissions'] = [];
  for (const item of items) {
    const key = item === undefined ? undefined : lowerKey(item.name);
    const operation = String(item?.operation);
    if (key === undefined || !PERMISSION_OPERATIONS.has(operation) || planned.some((p) => p.key === key)) return undefined;
    planned.push({ key, operation: operation as PermissionOperation });
  }
  return planned;
}

/**
 * The plan with every application of the data source (`appKeys`, node keys' application keys) it
 * does not name yet, empty but for the changed permissions to read: a top-level permission has a
 * node in each, whose holders' grants change with it.
 */
export function withEveryApplication(plan: LeafDeltaPlan, appKeys: readonly string[]): LeafDeltaPlan {
  if (plan.changedPermissions.length === 0) return plan;
  const named = new Set(plan.apps.map((app) => app.key));
  const others = appKeys.filter((key) => !named.has(key)).map((key) => {
    const { added: _added, ...app } = newApp(key);
    return { ...app, permissions: plan.changedPermissions.map((p) => p.key) };
  });
  return { ...plan, apps: [...plan.apps, ...others] };
}

type PlannedApp = LeafDeltaApp & { added: Set<string> };

function newApp(key: string): PlannedApp {
  return {
    key,
    users: [],
    groups: [],
    creds: [],
    roles: [],
    permissions: [],
    resources: [],
    bindingIdentities: [],
    entryIdentities: [],
    additiveIdentities: [],
    entryEntities: [],
    idpEntries: [],
    changedResources: [],
    addedResourceTypes: [],
    changedEntities: [],
    added: new Set<string>(),
  };
}

/** Notes the groups, roles and credentials an application's change names; false if one is unkeyed, repeated or of an unknown operation. */
function planEntities(app: Json, plan: PlannedApp): boolean {
  for (const [field, { segment, references }] of Object.entries(ENTITY_COLLECTIONS)) {
    const seen = new Set<string>();
    for (const item of listed(app, field)) {
      const key = item === undefined ? undefined : segment === 'cred' ? lowerKey(item.id) : idOrNameKey(item);
      const operation = item === undefined ? undefined : OPERATIONS[String(item.operation)];
      if (item === undefined || key === undefined || operation === undefined || seen.has(key)) return false;
      seen.add(key);
      const withId = lowerKey(item.id) !== undefined || lowerKey(item.unique_id) !== undefined;
      const given = references.filter((reference) => item[reference] !== undefined);
      // A modify that sets a reference to anything but a list is for the whole-state path to report.
      if (operation === 'modify' && given.some((reference) => !Array.isArray(item[reference]))) return false;
      const defines = operation === 'add' || (operation === 'modify' && given.length > 0);
      const parents = stringKeys(item.groups);
      const permissions = stringKeys(item.permissions);
      const roles = stringKeys(item.roles);
      if (parents === undefined || permissions === undefined || roles === undefined) return false;
      const changed: LeafDeltaApp['changedEntities'][number] = { segment, key, operation, withId };
      if (operation === 'modify' && defines) {
        if (segment === 'group') changed.parents = parents;
        else changed.redefined = true;
      }
      plan.changedEntities.push(changed);
      if (!defines) continue;
      // What it names now is read with the slice: a group's parents, a role's permissions and nested roles.
      plan.groups.push(...parents);
      plan.permissions.push(...permissions);
      plan.roles.push(...roles);
    }
  }
  return true;
}

/**
 * Notes the resources a change names at one level (under `parent`, a dotted key path): those with
 * an operation, and those without that only locate their sub-resources. Every resource named, or
 * the parent an added one goes under, is read from the graph with its ancestors. False for
 * anything that is not a leaf change: a modify of a resource's type (grants on it depend on it),
 * a modify that reaches into its sub-resources, an unkeyed or repeated resource.
 */
function planResources(items: ReadonlyArray<Json | undefined>, parent: string | null, plan: PlannedApp): boolean {
  for (const item of items) {
    const key = item === undefined ? undefined : idOrNameKey(item);
    if (item === undefined || key === undefined) return false;
    const path = parent === null ? key : `${parent}.${key}`;
    if (item.operation == null) {
      for (const field of Object.keys(item)) if (!RESOURCE_CONTAINER_FIELDS.has(field)) return false;
      plan.resources.push(path);
      if (!planResources(listed(item, 'sub_resources'), path, plan)) return false;
      continue;
    }
    const operation = OPERATIONS[String(item.operation)];
    if (operation === undefined || plan.changedResources.some((r) => r.path === path)) return false;
    if (operation === 'modify' && (item.resource_type !== undefined || item.sub_resources !== undefined)) return false;
    plan.changedResources.push({ path, operation });
    if (operation !== 'add') plan.resources.push(path);
    else {
      if (parent !== null) plan.resources.push(parent);
      if (!noteAddedTypes(item, plan)) return false;
    }
  }
  return true;
}

/** The types of an added resource and its sub-resources, and whether each carries an id. */
function noteAddedTypes(item: Json, plan: PlannedApp): boolean {
  const type = lowerKey(item.resource_type);
  if (type === undefined) return false;
  plan.addedResourceTypes.push({ type, withId: lowerKey(item.id) !== undefined || lowerKey(item.unique_id) !== undefined });
  for (const child of listed(item, 'sub_resources')) if (child === undefined || !noteAddedTypes(child, plan)) return false;
  return true;
}

/** Whether an added entry is for a user the change adds (then it is one of theirs), not for an existing one. */
function addsEntryOfAddedUser(entry: Json, apps: Map<string, PlannedApp>): boolean {
  const identity = lowerKey(entry.identity);
  return identity !== undefined && [...apps.values()].some((app) => app.added.has(identity));
}

/**
 * Whether an identity_to_permissions entry is an `add` for a local user the change adds, in the
 * applications it names (then its references are noted in the plan). Another kind of identity,
 * or one the change does not add, is not a leaf change.
 */
function entryOfAddedUser(entry: Json, apps: Map<string, PlannedApp>): boolean {
  if (entry.identity_type !== 'local_user') return false;
  const identity = lowerKey(entry.identity);
  return identity !== undefined && eachBinding(entry, (binding) => {
    const app = apps.get(lowerKey(binding.application) ?? '');
    if (app === undefined || !app.added.has(identity) || binding.operation != null) return undefined;
    if (!app.bindingIdentities.includes(identity)) app.bindingIdentities.push(identity);
    return app;
  });
}

/** The identity types of entries of groups, credentials and IdP identities, by their node key segment. */
const ENTRY_SEGMENTS: Record<string, 'group' | 'cred' | 'idp'> = { local_group: 'group', local_access_creds: 'cred', idp: 'idp' };

/** What may be done to the bindings inside a local user's stored entry. */
const BINDING_OPERATIONS = new Set(['add', 'modify', 'delete', 'add_resource', 'delete_resource']);

/**
 * Whether an identity_to_permissions entry changes a local user's, group's, credential's or IdP
 * identity's stored entry: locates it (no operation) to add, modify or delete bindings in it or
 * edit their resources, deletes it, or adds it for a user the change does not add (or a group,
 * credential or IdP identity, by its identity_type). Then the principal and what the bindings name
 * are noted in the plan; storage checks the identity is such a principal of the application. A
 * principal the change also names in its applications is left to the whole-state path, which
 * orders the two. (An entry without identity_type is located as a local user's: one of an IdP
 * identity found so goes the whole-state way.)
 */
function entryChange(entry: Json | undefined, apps: Map<string, PlannedApp>): boolean {
  if (entry === undefined) return false;
  const segment = entry.identity_type == null || entry.identity_type === 'local_user' ? 'user' : ENTRY_SEGMENTS[String(entry.identity_type)];
  if (segment === undefined) return false;
  const operation = entry.operation ?? undefined;
  if (operation !== undefined && operation !== 'delete' && !(operation === 'add' && entry.identity_type != null)) return false;
  for (const field of Object.keys(entry)) if (!ENTRY_FIELDS.has(field) && field !== 'operation') return false;
  const identity = lowerKey(entry.identity);
  if (identity === undefined) return false;
  const bindingOperations = BINDING_LIST_NAMES.flatMap((list) => listed(entry, list).map((b) => b?.operation));
  const onlyAdds = operation === 'add' || (operation === undefined && bindingOperations.every((op) => op === 'add' || op === 'add_resource'));
  const additive = operation === undefined && bindingOperations.every((op) => op === 'add');
  const touch = (app: PlannedApp) => {
    if (segment === 'idp') {
      // An identity's bindings in two applications are held by one node: the whole-state path.
      if ([...apps.values()].some((other) => other !== app && other.idpEntries.some((e) => e.key === identity))) return undefined;
      const planned = app.idpEntries.find((e) => e.key === identity);
      if (planned === undefined) app.idpEntries.push({ key: identity, additive });
      else planned.additive &&= additive;
      return app;
    }
    if (segment === 'user') {
      if (app.users.some((u) => u.key === identity)) return undefined;
      if (!app.entryIdentities.includes(identity)) {
        app.entryIdentities.push(identity);
        if (additive) app.additiveIdentities.push(identity);
      } else if (!additive) app.additiveIdentities = app.additiveIdentities.filter((k) => k !== identity);
      return app;
    }
    // A group or credential the change also names is left to the whole-state path, which orders the two.
    if (app.changedEntities.some((e) => e.segment === segment && e.key === identity)) return undefined;
    const planned = app.entryEntities.find((e) => e.segment === segment && e.key === identity);
    if (planned === undefined) app.entryEntities.push({ segment, key: identity, onlyAdds, additive });
    else {
      planned.onlyAdds &&= onlyAdds;
      planned.additive &&= additive;
    }
    return app;
  };
  // A deleted entry may list nothing; its user is then found in the applications the change names.
  if (operation === 'delete' && BINDING_LIST_NAMES.every((list) => listed(entry, list).length === 0)) {
    if (apps.size === 0) return false;
    for (const app of apps.values()) if (touch(app) === undefined) return false;
    return true;
  }
  return eachBinding(entry, (binding) => {
    const key = lowerKey(binding.application);
    const itemOperation = binding.operation ?? undefined;
    // Inside an added or deleted entry the bindings carry no operation of their own.
    if (key === undefined || (operation === undefined ? !BINDING_OPERATIONS.has(String(itemOperation)) : itemOperation !== undefined)) return undefined;
    return touch(apps.get(key) ?? apps.set(key, newApp(key)).get(key)!);
  });
}

/**
 * Notes what each binding of an entry names in the application `accept` returns for it; false if
 * it returns none for a binding, if a binding is not an object or names something other than
 * strings, or if the entry has no bindings.
 */
function eachBinding(entry: Json, accept: (binding: Json) => PlannedApp | undefined): boolean {
  let any = false;
  for (const [list, granted] of Object.entries(BINDING_LISTS)) {
    for (const binding of listed(entry, list)) {
      const app = binding === undefined ? undefined : accept(binding);
      const grant = lowerKey(binding?.[granted]);
      const resources = stringKeys(binding?.resources);
      if (app === undefined || grant === undefined || resources === undefined) return false;
      (granted === 'role' ? app.roles : app.permissions).push(grant);
      app.resources.push(...resources);
      any = true;
    }
  }
  return any;
}

/** The objects of a list field, undefined in place of anything that is not one. */
function listed(item: Json, field: string): Array<Json | undefined> {
  const value = item[field];
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) return [undefined];
  const objects = objectsOf(item, field);
  return objects.length === value.length ? objects : [undefined];
}

/** A list of names, lower-cased; undefined if it is not a list of strings. */
function stringKeys(value: unknown): string[] | undefined {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) return undefined;
  const keys: string[] = [];
  for (const item of value) {
    const key = lowerKey(item);
    if (key === undefined) return undefined;
    keys.push(key);
  }
  return keys;
}

function unique(values: readonly string[]): string[] {
  return [...new Set(values)];
}

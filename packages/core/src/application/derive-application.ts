import type { DerivedGraph, NodeKind } from '../graph/derived-graph.js';
import { GraphBuilder } from '../graph/graph-builder.js';
import { appEntityNodeKey, applicationNodeKey, idpIdentityNodeKey, type AppEntitySegment } from '../graph/node-keys.js';
import { ASK, OFFER } from '../linking/identity-keys.js';
import { GrantTable, type ReachTable } from '../graph/graph-tables.js';
import { sortedOrder } from '../graph/sorted-order.js';
import { closure } from '../graph/closure.js';
import type { AppEntity, ApplicationModel, Binding, Entity, PermissionEntity, ResourceEntity } from './model.js';

/**
 * Derives a data source's graph from a validated application payload (spec §13): nodes and
 * edges, then the linear pieces every effective permission is expanded from at query time —
 * membership reach, resource ancestry, and grants after role expansion.
 */
export function deriveApplicationGraph(model: ApplicationModel): DerivedGraph {
  const builder = new GraphBuilder();
  const idpNodes = new Map<string, number>();
  const idpNode = (identity: string): number => {
    const key = identity.toLowerCase();
    let id = idpNodes.get(key);
    if (id === undefined) {
      id = builder.node({ kind: 'idp_identity', key: idpIdentityNodeKey(key), localKey: identity, name: identity, nodeType: 'IdPIdentity' });
      idpNodes.set(key, id);
    }
    return id;
  };

  const apps = new Map(model.applications.map((app) => [app, addApplication(builder, app, model.permissions)]));
  const grants = new GrantList(model.bindings.length);
  /** (principal, role) pairs, flat. */
  const holdsRole: number[] = [];
  const holders = new Int32Array(model.bindings.length);
  for (const [i, binding] of model.bindings.entries()) {
    const app = apps.get(binding.app)!;
    holders[i] = binding.identityType === 'idp' ? idpNode(binding.identity) : app.principal(binding);
    if (binding.identityType === 'idp') builder.identityRefs.push({ node: holders[i]!, identity: binding.identity, source: ASK.idpBinding });
  }
  const repeated = repeatedBindings(model.bindings, holders, apps, model.permissions, builder.nodes.length);
  for (const [i, binding] of model.bindings.entries()) addBinding(builder, apps.get(binding.app)!, binding, holders[i]!, model.permissions, grants, holdsRole, repeated.has(i));
  const grantRows = grants.distinct(builder.nodes.length);
  const reach = reachOf(builder, grantRows, holdsRole);

  const resourceTypes = new Set<string>();
  for (const app of model.applications) for (const r of app.resources.values()) resourceTypes.add(r.resourceType);
  return builder.finish({
    reach,
    grants: grantRows,
    types: { application_types: [...new Set(model.applications.map((a) => a.type))], resource_types: [...resourceTypes] },
    counts: {
      applications: model.applications.length,
      local_users: sum(model.applications, (a) => a.users.size),
      local_groups: sum(model.applications, (a) => a.groups.size),
      local_roles: sum(model.applications, (a) => a.roles.size),
      access_creds: sum(model.applications, (a) => a.creds.size),
      resources: sum(model.applications, (a) => a.resources.size),
      permissions: model.permissions.size,
      bindings: model.bindings.length,
      grants: grantRows.length,
    },
  });
}

function hasAny(properties: Record<string, unknown>): boolean {
  for (const _ in properties) return true;
  return false;
}

const PRINCIPAL_KINDS = new Set<NodeKind>(['local_user', 'local_group', 'access_cred', 'idp_identity']);

/**
 * Reach: every principal receives the grants of itself, its groups (transitively), the
 * credentials it holds, and the roles it or those hold when roles carry grants of their own.
 * Only holders that hold a grant become rows: a group that grants nothing would add a row for
 * each of its members, transitively, and answer no question about access (membership itself is
 * in the edges). In a payload where one group in ten holds a role, that is most of the closure.
 */
function reachOf(builder: GraphBuilder, grants: GrantTable, holdsRole: readonly number[]): ReachTable {
  const size = builder.nodes.length;
  const holdsGrants = new Uint8Array(size);
  for (let i = 0; i < grants.length; i++) holdsGrants[grants.col.holder[i]!] = 1;
  const rolesHoldGrants = builder.nodes.some((n) => n.kind === 'local_role' && holdsGrants[n.id] === 1);
  const out: number[][] = new Array<number[]>(size);
  const link = (from: number, to: number) => (out[from] ??= []).push(to);
  const { edges } = builder;
  for (let i = 0; i < edges.length; i++) {
    const kind = edges.kind(i);
    if (kind === 'member_of' || kind === 'holds_cred' || (rolesHoldGrants && kind === 'includes_role')) link(edges.col.from[i]!, edges.col.to[i]!);
  }
  if (rolesHoldGrants) for (let i = 0; i < holdsRole.length; i += 2) link(holdsRole[i]!, holdsRole[i + 1]!);
  const principals: number[] = [];
  for (const n of builder.nodes) if (PRINCIPAL_KINDS.has(n.kind) || (n.kind === 'local_role' && holdsGrants[n.id] === 1)) principals.push(n.id);
  return closure(principals, out, size, (holder) => holdsGrants[holder] === 1);
}

function sum<T>(items: T[], count: (item: T) => number): number {
  return items.reduce((total, item) => total + count(item), 0);
}

/** Node ids of one application's entities. */
interface AppNodes {
  entity: AppEntity;
  id: number;
  users: Map<string, number>;
  groups: Map<string, number>;
  roles: Map<string, number>;
  creds: Map<string, number>;
  /** Resource node ids by dot path key. */
  resources: Map<string, number>;
  /**
   * Resource node ids by the resource's `index`: bindings hold their resources resolved, and an
   * array read is far cheaper than a Map lookup for each of a million bindings' resources.
   */
  resourceIds: Int32Array;
  permissions: Map<string, number>;
  principal(binding: Binding): number;
  /** A role's permissions, nested roles included; worked out once per role, not per binding. */
  rolePermissions(roleKey: string): PermissionEntity[];
}

function addApplication(b: GraphBuilder, app: AppEntity, permissions: Map<string, PermissionEntity>): AppNodes {
  const prefix = applicationNodeKey(app.key);
  const type = `OAA.${app.type}`;
  const appId = b.node({ kind: 'application', key: prefix, localKey: app.localKey, name: app.name, nodeType: `${type}.Application`, properties: app.properties, tags: app.tags });
  b.ancestry.add(appId, appId, 0);
  const entityNode = (kind: NodeKind, segment: AppEntitySegment, nodeType: string, entity: Entity) => {
    const id = b.node({ kind, key: appEntityNodeKey(app.key, segment, entity.key), localKey: entity.localKey, name: entity.name, nodeType, appId, properties: entity.properties, tags: entity.tags });
    b.edge('contains', appId, id);
    return id;
  };
  const rolePermissionCache = new Map<string, PermissionEntity[]>();
  const nodes: AppNodes = {
    entity: app,
    id: appId,
    users: new Map([...app.users.values()].map((u) => [u.key, entityNode('local_user', 'user', `${type}.User`, u)])),
    groups: new Map([...app.groups.values()].map((g) => [g.key, entityNode('local_group', 'group', `${type}.Group`, g)])),
    roles: new Map([...app.roles.values()].map((r) => [r.key, entityNode('local_role', 'role', `${type}.Role`, r)])),
    creds: new Map([...app.creds.values()].map((c) => [c.key, entityNode('access_cred', 'cred', `${type}.AccessCred`, c)])),
    resources: new Map(),
    resourceIds: new Int32Array(app.resources.size),
    permissions: new Map(),
    principal(binding) {
      const map = { local_user: this.users, local_group: this.groups, local_role: this.roles, local_access_creds: this.creds, idp: undefined }[binding.identityType];
      return map!.get(binding.identity)!;
    },
    rolePermissions(roleKey) {
      let result = rolePermissionCache.get(roleKey);
      if (result === undefined) rolePermissionCache.set(roleKey, (result = rolePermissions(app, roleKey, permissions)));
      return result;
    },
  };
  for (const permission of permissions.values()) {
    const id = b.node({
      kind: 'permission',
      key: appEntityNodeKey(app.key, 'permission', permission.key),
      localKey: permission.name,
      name: permission.name,
      nodeType: `${type}.Permission`,
      appId,
      properties: { permission_type: permission.types, apply_to_sub_resources: permission.inherit, resource_types: permission.resourceTypes },
    });
    nodes.permissions.set(permission.key, id);
  }
  addResources(b, app, nodes, type);
  for (const user of app.users.values()) {
    const id = nodes.users.get(user.key)!;
    for (const group of user.groups) b.edge('member_of', id, nodes.groups.get(group.key)!);
    for (const cred of user.creds) b.edge('holds_cred', id, nodes.creds.get(cred.key)!);
    for (const identity of user.identities) b.identityRefs.push({ node: id, identity, source: ASK.identities });
    b.identityRefs.push({ node: id, identity: user.localKey, source: OFFER.localUserUniqueId });
    if (typeof user.properties.email === 'string' && user.properties.email !== '') b.identityRefs.push({ node: id, identity: user.properties.email, source: OFFER.localUserEmail });
  }
  for (const group of app.groups.values()) {
    const id = nodes.groups.get(group.key)!;
    for (const parent of group.parents) b.edge('member_of', id, nodes.groups.get(parent.key)!);
    for (const identity of group.identities) b.identityRefs.push({ node: id, identity, source: ASK.identities });
  }
  for (const role of app.roles.values()) {
    const id = nodes.roles.get(role.key)!;
    for (const permission of role.permissions) b.edge('role_grants', id, nodes.permissions.get(permission.key)!);
    for (const nested of role.roles) b.edge('includes_role', id, nodes.roles.get(nested.key)!);
  }
  return nodes;
}

function addResources(b: GraphBuilder, app: AppEntity, nodes: AppNodes, type: string): void {
  // The map is filled parents first (a parent is read before its sub_resources).
  for (const resource of app.resources.values()) {
    const parent = resource.parentPath === null ? null : nodes.resources.get(resource.parentPath)!;
    const id = b.node({
      kind: 'resource',
      key: appEntityNodeKey(app.key, 'resource', resource.pathKey),
      localKey: resource.localPath,
      name: resource.name,
      nodeType: `${type}.${resource.resourceType}.${parent === null ? 'Resource' : 'SubResource'}`,
      appId: nodes.id,
      parentId: parent,
      resourceType: resource.resourceType,
      properties: resource.properties,
      tags: resource.tags,
    });
    nodes.resources.set(resource.pathKey, id);
    nodes.resourceIds[resource.index] = id;
    b.edge('contains', parent ?? nodes.id, id);
    b.ancestry.add(id, id, 0);
    let depth = 1;
    for (let up: number | null = parent; up !== null; up = b.nodes[up]!.parentId) b.ancestry.add(id, up, depth++);
    b.ancestry.add(id, nodes.id, depth);
  }
}

/**
 * Grants as the bindings produce them, then de-duplicated: the same grant reached twice (e.g.
 * two identical bindings, or a role listed twice) counts once. A grant is fixed by (holder,
 * scope, permission, role): whether it applies to the scope and its descendants, and its type
 * filter, follow from the permission, the scope and whether it comes through a role. So the
 * rows are grouped by holder with one counting sort on node ids (linear), each holder's few
 * rows sorted by (scope, permission, role), and a row equal to the one before it dropped: no key
 * string for each of a million grants. The result is in that order, which is also the order
 * storage writes grants in.
 */
class GrantList {
  /**
   * Sized from the bindings up front: every doubling of six columns of a million rows is new
   * memory outside the heap, and enough of it forces a full garbage collection.
   */
  private readonly table: GrantTable;

  constructor(bindings: number) {
    this.table = new GrantTable(bindings * 2);
  }

  /** Adds the grant unless it grants nothing; whether it did. */
  add(holder: number, permission: number, scope: number, self: boolean, descendants: boolean, types: readonly string[] | null, role: number | null): boolean {
    if (self || descendants) this.table.add(holder, permission, scope, self, descendants, types, role);
    return self || descendants;
  }

  distinct(nodeCount: number): GrantTable {
    const table = this.table;
    const c = table.col;
    const byHolder = sortedOrder(table.length, nodeCount, (i) => c.holder[i]!);
    const bySlot = (a: number, b: number) => c.scope[a]! - c.scope[b]! || c.permission[a]! - c.permission[b]! || c.role[a]! - c.role[b]!;
    const result = new GrantTable(table.length);
    const group: number[] = [];
    for (let start = 0, end = 0; start < table.length; start = end) {
      const holder = c.holder[byHolder[start]!];
      group.length = 0;
      for (end = start; end < table.length && c.holder[byHolder[end]!] === holder; end++) group.push(byHolder[end]!);
      group.sort(bySlot);
      let last = -1;
      for (const i of group) {
        if (last < 0 || bySlot(last, i) !== 0) result.copyRow(table, i);
        last = i;
      }
    }
    return result;
  }
}

/** The node a binding grants: its role, or its permission. */
function grantedNode(app: AppNodes, binding: Binding, permissions: Map<string, PermissionEntity>): number {
  return binding.grant.kind === 'permission' ? app.permissions.get(permissions.get(binding.grant.permission)!.key)! : app.roles.get(binding.grant.role)!;
}

/**
 * The bindings (by index) whose holder has another binding of the same role or permission: their
 * grants cannot tell which scopes are whose, so each keeps its scopes on its edge (`addBinding`).
 * Bindings ordered by holder (a counting sort over node ids), then each holder's looked through once.
 */
function repeatedBindings(bindings: readonly Binding[], holders: Int32Array, apps: Map<AppEntity, AppNodes>, permissions: Map<string, PermissionEntity>, nodeCount: number): Set<number> {
  const granted = new Int32Array(bindings.length);
  for (const [i, binding] of bindings.entries()) granted[i] = grantedNode(apps.get(binding.app)!, binding, permissions);
  const order = sortedOrder(bindings.length, nodeCount, (i) => holders[i]!);
  const repeated = new Set<number>();
  for (let start = 0, end = 0; start < order.length; start = end) {
    for (end = start + 1; end < order.length && holders[order[end]!] === holders[order[start]!]; end++);
    if (end - start < 2) continue;
    const first = new Map<number, number>();
    for (let k = start; k < end; k++) {
      const i = order[k]!;
      const earlier = first.get(granted[i]!);
      if (earlier === undefined) first.set(granted[i]!, i);
      else repeated.add(earlier).add(i);
    }
  }
  return repeated;
}

/**
 * A binding's edge and grants. Its scopes (the application, resources) are those of its grants,
 * except where they cannot tell them: a binding its holder repeats (`repeated`), or a role
 * assignment that grants nothing on some scope it names (its role's permissions apply to other
 * resource types only, or it has none). Such a binding keeps its scopes on its edge, which a change
 * made by difference reads the entry back by (docs/architecture.md, "Incremental pushes").
 */
function addBinding(
  b: GraphBuilder,
  app: AppNodes,
  binding: Binding,
  holder: number,
  permissions: Map<string, PermissionEntity>,
  grants: GrantList,
  holdsRole: number[],
  repeated: boolean,
): void {
  const scopeIds: number[] = [];
  const scopeResources: Array<ResourceEntity | null> = [];
  if (binding.applyToApplication) {
    scopeIds.push(app.id);
    scopeResources.push(null);
  }
  for (const resource of binding.resources) {
    scopeIds.push(app.resourceIds[resource.index]!);
    scopeResources.push(resource);
  }
  // By their keys (lower-cased: a modify may change a key's case) and sorted (a binding read back from its grants lists them in another order).
  const scopes = () => ({ apply_to_application: binding.applyToApplication, resources: [...new Set(binding.resources.map((r) => r.pathKey))].sort() });
  if (binding.grant.kind === 'permission') {
    const permission = permissions.get(binding.grant.permission)!;
    const permissionId = app.permissions.get(permission.key)!;
    b.edge('has_permission', holder, permissionId, repeated ? scopes() : undefined);
    // A direct grant ignores resource_types (spec §5.8).
    for (const scope of scopeIds) grants.add(holder, permissionId, scope, true, permission.inherit, null, null);
    return;
  }
  const roleId = app.roles.get(binding.grant.role)!;
  holdsRole.push(holder, roleId);
  const traced = new Uint8Array(scopeIds.length);
  for (const permission of app.rolePermissions(binding.grant.role)) {
    const permissionId = app.permissions.get(permission.key)!;
    for (let s = 0; s < scopeIds.length; s++) if (addRoleGrant(grants, holder, roleId, permissionId, permission, scopeIds[s]!, scopeResources[s]!)) traced[s] = 1;
  }
  const properties = repeated || traced.includes(0) ? { ...binding.grant.properties, ...scopes() } : binding.grant.properties;
  b.edge('has_role', holder, roleId, hasAny(properties) ? properties : undefined);
}

/**
 * A role grant with `resource_types` reaches only resources of those types: at application
 * scope every such resource of the application (not the application node), at resource scope
 * the resource itself if its type matches and, when inheritable, matching descendants. Whether it
 * grants anything there.
 */
function addRoleGrant(grants: GrantList, holder: number, role: number, permission: number, entity: PermissionEntity, scope: number, resource: ResourceEntity | null): boolean {
  const types = entity.resourceTypes;
  if (types.length === 0) return grants.add(holder, permission, scope, true, entity.inherit, null, role);
  if (resource === null) return grants.add(holder, permission, scope, false, true, types, role);
  return grants.add(holder, permission, scope, types.includes(resource.typeKey), entity.inherit, types, role);
}

/** A role's permissions: its own and those of every role nested in it, transitively. */
function rolePermissions(app: AppEntity, roleKey: string, permissions: Map<string, PermissionEntity>): PermissionEntity[] {
  const result = new Map<string, PermissionEntity>();
  const seen = new Set<string>();
  const visit = (key: string) => {
    if (seen.has(key)) return;
    seen.add(key);
    const role = app.roles.get(key);
    if (!role) return;
    for (const p of role.permissions) result.set(p.key, permissions.get(p.key)!);
    for (const nested of role.roles) visit(nested.key);
  };
  visit(roleKey);
  return [...result.values()];
}

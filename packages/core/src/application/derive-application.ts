import type { DerivedGraph, GraphEdge, GraphNode, GrantRow, IdentityRef, NodeKind } from '../graph/derived-graph.js';
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
      id = builder.node({ kind: 'idp_identity', key: `idp:${key}`, localKey: identity, name: identity, nodeType: 'IdPIdentity' });
      idpNodes.set(key, id);
    }
    return id;
  };

  const apps = model.applications.map((app) => addApplication(builder, app, model.permissions));
  const grants = new GrantSet();
  const holdsRole: Array<[number, number]> = [];
  for (const binding of model.bindings) {
    const app = apps.find((a) => a.entity === binding.app)!;
    const holder = binding.identityType === 'idp' ? idpNode(binding.identity) : app.principal(binding);
    if (binding.identityType === 'idp') builder.identityRefs.push({ node: holder, identity: binding.identity, source: 'idp_binding' });
    addBinding(builder, app, binding, holder, model.permissions, grants, holdsRole);
  }

  // Reach: every principal receives the grants of itself, its groups (transitively), the
  // credentials it holds, and the roles it or those hold when roles carry grants of their own.
  const rolesWithGrants = new Set(grants.rows.filter((g) => builder.nodes[g.holder]!.kind === 'local_role').map((g) => g.holder));
  const out = new Map<number, number[]>();
  const link = (from: number, to: number) => (out.get(from) ?? out.set(from, []).get(from)!).push(to);
  for (const edge of builder.edges) if (edge.kind === 'member_of' || edge.kind === 'holds_cred') link(edge.from, edge.to);
  if (rolesWithGrants.size > 0) {
    for (const [principal, role] of holdsRole) link(principal, role);
    for (const edge of builder.edges) if (edge.kind === 'includes_role') link(edge.from, edge.to);
  }
  const principals = builder.nodes.filter((n) => PRINCIPAL_KINDS.has(n.kind) || rolesWithGrants.has(n.id)).map((n) => n.id);
  const reach = closure(principals, (id) => out.get(id) ?? []).map(([principal, holder, depth]) => ({ principal, holder, depth }));

  const resourceTypes = new Set<string>();
  for (const app of model.applications) for (const r of app.resources.values()) resourceTypes.add(r.resourceType);
  return {
    nodes: builder.nodes,
    edges: builder.edges,
    reach,
    ancestry: builder.ancestry,
    grants: grants.rows,
    identityRefs: builder.identityRefs,
    types: {
      application_types: [...new Set(model.applications.map((a) => a.type))],
      resource_types: [...resourceTypes],
      idp_types: [],
      hris_types: [],
    },
    counts: {
      applications: model.applications.length,
      local_users: sum(model.applications, (a) => a.users.size),
      local_groups: sum(model.applications, (a) => a.groups.size),
      local_roles: sum(model.applications, (a) => a.roles.size),
      access_creds: sum(model.applications, (a) => a.creds.size),
      resources: sum(model.applications, (a) => a.resources.size),
      permissions: model.permissions.size,
      bindings: model.bindings.length,
      grants: grants.rows.length,
    },
  };
}

const PRINCIPAL_KINDS = new Set<NodeKind>(['local_user', 'local_group', 'access_cred', 'idp_identity']);

function sum<T>(items: T[], count: (item: T) => number): number {
  return items.reduce((total, item) => total + count(item), 0);
}

class GraphBuilder {
  readonly nodes: GraphNode[] = [];
  readonly edges: GraphEdge[] = [];
  readonly ancestry: { node: number; ancestor: number; depth: number }[] = [];
  readonly identityRefs: IdentityRef[] = [];

  node(spec: Omit<GraphNode, 'id' | 'appId' | 'parentId' | 'resourceType' | 'properties' | 'tags'> & Partial<GraphNode>): number {
    const id = this.nodes.length;
    this.nodes.push({ appId: null, parentId: null, resourceType: null, properties: {}, tags: [], ...spec, id });
    return id;
  }

  edge(kind: GraphEdge['kind'], from: number, to: number, properties?: Record<string, unknown>): void {
    this.edges.push(properties ? { kind, from, to, properties } : { kind, from, to });
  }
}

/** Node ids of one application's entities. */
interface AppNodes {
  entity: AppEntity;
  id: number;
  users: Map<string, number>;
  groups: Map<string, number>;
  roles: Map<string, number>;
  creds: Map<string, number>;
  resources: Map<string, number>;
  permissions: Map<string, number>;
  principal(binding: Binding): number;
}

function addApplication(b: GraphBuilder, app: AppEntity, permissions: Map<string, PermissionEntity>): AppNodes {
  const prefix = `app:${app.key}`;
  const type = `OAA.${app.type}`;
  const appId = b.node({ kind: 'application', key: prefix, localKey: app.localKey, name: app.name, nodeType: `${type}.Application`, properties: app.properties, tags: app.tags });
  b.ancestry.push({ node: appId, ancestor: appId, depth: 0 });
  const entityNode = (kind: NodeKind, segment: string, nodeType: string, entity: Entity) => {
    const id = b.node({ kind, key: `${prefix}/${segment}:${entity.key}`, localKey: entity.localKey, name: entity.name, nodeType, appId, properties: entity.properties, tags: entity.tags });
    b.edge('contains', appId, id);
    return id;
  };
  const nodes: AppNodes = {
    entity: app,
    id: appId,
    users: new Map([...app.users.values()].map((u) => [u.key, entityNode('local_user', 'user', `${type}.User`, u)])),
    groups: new Map([...app.groups.values()].map((g) => [g.key, entityNode('local_group', 'group', `${type}.Group`, g)])),
    roles: new Map([...app.roles.values()].map((r) => [r.key, entityNode('local_role', 'role', `${type}.Role`, r)])),
    creds: new Map([...app.creds.values()].map((c) => [c.key, entityNode('access_cred', 'cred', `${type}.AccessCred`, c)])),
    resources: new Map(),
    permissions: new Map(),
    principal(binding) {
      const map = { local_user: this.users, local_group: this.groups, local_role: this.roles, local_access_creds: this.creds, idp: undefined }[binding.identityType];
      return map!.get(binding.identity)!;
    },
  };
  for (const permission of permissions.values()) {
    const id = b.node({
      kind: 'permission',
      key: `${prefix}/permission:${permission.key}`,
      localKey: permission.name,
      name: permission.name,
      nodeType: `${type}.Permission`,
      appId,
      properties: { permission_type: permission.types, apply_to_sub_resources: permission.inherit, resource_types: permission.resourceTypes },
    });
    nodes.permissions.set(permission.key, id);
  }
  addResources(b, app, nodes, prefix, type);
  for (const user of app.users.values()) {
    const id = nodes.users.get(user.key)!;
    for (const group of user.groups) b.edge('member_of', id, nodes.groups.get(group.key)!);
    for (const cred of user.creds) b.edge('holds_cred', id, nodes.creds.get(cred.key)!);
    for (const identity of user.identities) b.identityRefs.push({ node: id, identity, source: 'identities' });
  }
  for (const group of app.groups.values()) {
    const id = nodes.groups.get(group.key)!;
    for (const parent of group.parents) b.edge('member_of', id, nodes.groups.get(parent.key)!);
    for (const identity of group.identities) b.identityRefs.push({ node: id, identity, source: 'identities' });
  }
  for (const role of app.roles.values()) {
    const id = nodes.roles.get(role.key)!;
    for (const permission of role.permissions) b.edge('role_grants', id, nodes.permissions.get(permission.key)!);
    for (const nested of role.roles) b.edge('includes_role', id, nodes.roles.get(nested.key)!);
  }
  return nodes;
}

function addResources(b: GraphBuilder, app: AppEntity, nodes: AppNodes, prefix: string, type: string): void {
  // The map is filled parents first (a parent is read before its sub_resources).
  for (const resource of app.resources.values()) {
    const parent = resource.parentPath === null ? null : nodes.resources.get(resource.parentPath)!;
    const id = b.node({
      kind: 'resource',
      key: `${prefix}/resource:${resource.pathKey}`,
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
    b.edge('contains', parent ?? nodes.id, id);
    b.ancestry.push({ node: id, ancestor: id, depth: 0 });
    let depth = 1;
    for (let up: number | null = parent; up !== null; up = b.nodes[up]!.parentId) b.ancestry.push({ node: id, ancestor: up, depth: depth++ });
    b.ancestry.push({ node: id, ancestor: nodes.id, depth });
  }
}

/** Grants, de-duplicated: the same grant reached twice (e.g. two identical bindings) counts once. */
class GrantSet {
  readonly rows: GrantRow[] = [];
  private readonly seen = new Set<string>();

  add(row: GrantRow): void {
    if (!row.self && !row.descendants) return;
    const key = `${row.holder}|${row.permission}|${row.scope}|${+row.self}|${+row.descendants}|${row.types?.join(',') ?? ''}|${row.role ?? ''}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    this.rows.push(row);
  }
}

function addBinding(
  b: GraphBuilder,
  app: AppNodes,
  binding: Binding,
  holder: number,
  permissions: Map<string, PermissionEntity>,
  grants: GrantSet,
  holdsRole: Array<[number, number]>,
): void {
  const scopes: Array<{ id: number; resource: ResourceEntity | null }> = [
    ...(binding.applyToApplication ? [{ id: app.id, resource: null }] : []),
    ...binding.resources.map((path) => ({ id: app.resources.get(path)!, resource: app.entity.resources.get(path)! })),
  ];
  const scopeProperties = {
    apply_to_application: binding.applyToApplication,
    resources: binding.resources.map((path) => app.entity.resources.get(path)!.localPath),
  };
  if (binding.grant.kind === 'permission') {
    const permission = permissions.get(binding.grant.permission)!;
    const permissionId = app.permissions.get(permission.key)!;
    b.edge('has_permission', holder, permissionId, scopeProperties);
    // A direct grant ignores resource_types (spec §5.8).
    for (const scope of scopes) grants.add({ holder, permission: permissionId, scope: scope.id, self: true, descendants: permission.inherit, types: null, role: null });
    return;
  }
  const roleId = app.roles.get(binding.grant.role)!;
  b.edge('has_role', holder, roleId, { ...scopeProperties, ...binding.grant.properties });
  holdsRole.push([holder, roleId]);
  for (const permission of rolePermissions(app.entity, binding.grant.role, permissions)) {
    const permissionId = app.permissions.get(permission.key)!;
    for (const scope of scopes) grants.add(roleGrant(holder, roleId, permissionId, permission, scope));
  }
}

/**
 * A role grant with `resource_types` reaches only resources of those types: at application
 * scope every such resource of the application (not the application node), at resource scope
 * the resource itself if its type matches and, when inheritable, matching descendants.
 */
function roleGrant(holder: number, role: number, permissionId: number, permission: PermissionEntity, scope: { id: number; resource: ResourceEntity | null }): GrantRow {
  const base = { holder, permission: permissionId, scope: scope.id, role };
  if (permission.resourceTypes.length === 0) return { ...base, self: true, descendants: permission.inherit, types: null };
  if (scope.resource === null) return { ...base, self: false, descendants: true, types: permission.resourceTypes };
  return { ...base, self: permission.resourceTypes.includes(scope.resource.typeKey), descendants: permission.inherit, types: permission.resourceTypes };
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

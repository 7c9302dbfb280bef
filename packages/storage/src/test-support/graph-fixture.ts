import type { OaaTag } from '@accessgraph/contract';
import { AncestryTable, EdgeTable, GrantTable, ReachTable, type DerivedGraph, type GraphEdge, type GraphNode, type GrantRow, type IdentityRef, type NodeKind } from '@accessgraph/core';

const SEGMENT: Partial<Record<NodeKind, string>> = {
  local_user: 'user',
  local_group: 'group',
  local_role: 'role',
  access_cred: 'cred',
  permission: 'permission',
  resource: 'resource',
};
const NODE_TYPE: Partial<Record<NodeKind, string>> = {
  local_user: 'User',
  local_group: 'Group',
  local_role: 'Role',
  access_cred: 'AccessCred',
  permission: 'Permission',
};
const PRINCIPALS = new Set<NodeKind>(['local_user', 'local_group', 'access_cred', 'idp_identity']);

interface GrantOptions {
  self?: boolean;
  descendants?: boolean;
  types?: string[] | null;
  role?: number | null;
}

/**
 * Builds small DerivedGraphs by hand, tersely, with the shape core's derivation gives them: keys
 * `app:<app>/<kind>:<id>` lower-cased, reach as the closure over member_of / holds_cred (itself
 * at depth 0), ancestry from each resource up to its application.
 */
export class GraphFixture {
  private readonly nodes: GraphNode[] = [];
  private readonly edges: GraphEdge[] = [];
  private readonly grants: GrantRow[] = [];
  private readonly identityRefs: IdentityRef[] = [];
  private readonly resourceTypes = new Set<string>();
  private readonly appTypes = new Set<string>();

  application(name: string, type = 'demo', tags: OaaTag[] = []): number {
    this.appTypes.add(type);
    return this.add({ kind: 'application', key: `app:${name}`, localKey: name, name, nodeType: `OAA.${type}.Application`, tags });
  }

  /** A user, group, role, credential or permission of an application. */
  entity(app: number, kind: 'local_user' | 'local_group' | 'local_role' | 'access_cred', id: string, tags: OaaTag[] = []): number {
    const a = this.nodes[app]!;
    return this.add({
      kind,
      key: `${a.key}/${SEGMENT[kind]}:${id}`,
      localKey: id,
      name: id.charAt(0).toUpperCase() + id.slice(1),
      nodeType: `${a.nodeType.replace(/Application$/, '')}${NODE_TYPE[kind]}`,
      appId: app,
      tags,
    });
  }

  permission(app: number, name: string, canonicalTypes: string[]): number {
    const a = this.nodes[app]!;
    return this.add({
      kind: 'permission',
      key: `${a.key}/permission:${name}`,
      localKey: name,
      name,
      nodeType: `${a.nodeType.replace(/Application$/, '')}Permission`,
      appId: app,
      properties: { permission_type: canonicalTypes },
    });
  }

  /** A resource (or, with `parent`, a sub-resource, keyed by its dot path). */
  resource(app: number, id: string, type: string, parent?: number, tags: OaaTag[] = []): number {
    const a = this.nodes[app]!;
    const path = parent === undefined ? id : `${this.nodes[parent]!.localKey}.${id}`;
    this.resourceTypes.add(type);
    const node = this.add({
      kind: 'resource',
      key: `${a.key}/resource:${path}`,
      localKey: path,
      name: id,
      nodeType: `${a.nodeType.replace(/Application$/, '')}${type}.${parent === undefined ? 'Resource' : 'SubResource'}`,
      appId: app,
      parentId: parent ?? null,
      resourceType: type,
      tags,
    });
    this.edges.push({ kind: 'contains', from: parent ?? app, to: node });
    return node;
  }

  idp(identity: string): number {
    return this.add({ kind: 'idp_identity', key: `idp:${identity}`, localKey: identity, name: identity, nodeType: 'IdPIdentity' });
  }

  member(child: number, group: number): this {
    this.edges.push({ kind: 'member_of', from: child, to: group });
    return this;
  }

  holdsCred(user: number, cred: number): this {
    this.edges.push({ kind: 'holds_cred', from: user, to: cred });
    return this;
  }

  grant(holder: number, permission: number, scope: number, options: GrantOptions = {}): this {
    this.grants.push({
      holder,
      permission,
      scope,
      self: options.self ?? true,
      descendants: options.descendants ?? false,
      types: options.types ?? null,
      role: options.role ?? null,
    });
    return this;
  }

  identity(node: number, identity: string, source: IdentityRef['source'] = 'identities'): this {
    this.identityRefs.push({ node, identity, source });
    return this;
  }

  tag(node: number, key: string, value?: string): this {
    this.nodes[node]!.tags.push(value === undefined ? { key } : { key, value });
    return this;
  }

  build(): DerivedGraph {
    const out = new Map<number, number[]>();
    for (const e of this.edges) if (e.kind === 'member_of' || e.kind === 'holds_cred') out.set(e.from, [...(out.get(e.from) ?? []), e.to]);
    const reach = this.nodes
      .filter((n) => PRINCIPALS.has(n.kind))
      .flatMap((n) => {
        const rows = [{ principal: n.id, holder: n.id, depth: 0 }];
        const seen = new Set([n.id]);
        for (let frontier = [n.id], depth = 1; frontier.length > 0; depth++) {
          frontier = frontier.flatMap((id) => (out.get(id) ?? []).filter((next) => !seen.has(next) && seen.add(next)));
          rows.push(...frontier.map((holder) => ({ principal: n.id, holder, depth })));
        }
        return rows;
      });
    const ancestry = this.nodes
      .filter((n) => n.kind === 'application' || n.kind === 'resource')
      .flatMap((n) => {
        const rows = [{ node: n.id, ancestor: n.id, depth: 0 }];
        let depth = 1;
        for (let up = n.parentId; up !== null; up = this.nodes[up]!.parentId) rows.push({ node: n.id, ancestor: up, depth: depth++ });
        if (n.appId !== null) rows.push({ node: n.id, ancestor: n.appId, depth });
        return rows;
      });
    return {
      nodes: this.nodes,
      edges: EdgeTable.from(this.edges),
      reach: ReachTable.from(reach),
      ancestry: AncestryTable.from(ancestry),
      grants: GrantTable.from(this.grants),
      identityRefs: this.identityRefs,
      types: { application_types: [...this.appTypes], resource_types: [...this.resourceTypes], idp_types: [], hris_types: [] },
      counts: { nodes: this.nodes.length, grants: this.grants.length },
    };
  }

  private add(spec: Pick<GraphNode, 'kind' | 'key' | 'localKey' | 'name' | 'nodeType'> & Partial<GraphNode>): number {
    const id = this.nodes.length;
    this.nodes.push({ appId: null, parentId: null, resourceType: null, properties: {}, tags: [], ...spec, key: spec.key.toLowerCase(), id });
    return id;
  }
}

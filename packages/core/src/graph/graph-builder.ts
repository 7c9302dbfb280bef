import type { DerivedGraph, GraphEdge, GraphNode, IdentityRef } from './derived-graph.js';
import { AncestryTable, EdgeTable, GrantTable, ReachTable } from './graph-tables.js';

/** Collects the nodes and edges of one derivation; node ids are handed out in order from 0. */
export class GraphBuilder {
  readonly nodes: GraphNode[] = [];
  readonly edges = new EdgeTable();
  readonly ancestry = new AncestryTable();
  readonly identityRefs: IdentityRef[] = [];

  node(spec: Omit<GraphNode, 'id' | 'appId' | 'parentId' | 'resourceType' | 'properties' | 'tags'> & Partial<GraphNode>): number {
    const id = this.nodes.length;
    this.nodes.push({ appId: null, parentId: null, resourceType: null, properties: {}, tags: [], ...spec, id });
    return id;
  }

  edge(kind: GraphEdge['kind'], from: number, to: number, properties?: Record<string, unknown>): void {
    this.edges.add(kind, from, to, properties);
  }

  /** The derivation: what was built, plus the pieces worked out from it. Types not given are none; no reach or grants unless given. */
  finish(parts: { reach?: ReachTable; grants?: GrantTable; types: Partial<DerivedGraph['types']>; counts: DerivedGraph['counts']; unresolvedManagers?: string[]; unresolvedGroups?: string[] }): DerivedGraph {
    return {
      nodes: this.nodes,
      edges: this.edges,
      reach: parts.reach ?? new ReachTable(),
      ancestry: this.ancestry,
      grants: parts.grants ?? new GrantTable(),
      identityRefs: this.identityRefs,
      types: { application_types: [], resource_types: [], idp_types: [], hris_types: [], ...parts.types },
      counts: parts.counts,
      ...(parts.unresolvedManagers !== undefined ? { unresolvedManagers: parts.unresolvedManagers } : {}),
      ...(parts.unresolvedGroups !== undefined ? { unresolvedGroups: parts.unresolvedGroups } : {}),
    };
  }
}

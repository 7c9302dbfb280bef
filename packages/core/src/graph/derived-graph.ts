import { NODE_KINDS, type OaaTag } from '@accessgraph/contract';
import type { AncestryTable, EdgeTable, GrantTable, ReachTable } from './graph-tables.js';

/**
 * What a push derives for one data source: its subgraph and the linear pieces from which every
 * effective permission is expanded at query time (see the design's "What to materialise").
 * Node ids are small integers local to one derivation; `key` is the stable identity of a node
 * across pushes (lower-cased, e.g. `app:sample app/user:0000000001`). Edges, reach, ancestry and
 * grants are columnar tables (`graph-tables.ts`); their row shapes below are what `row(i)` gives.
 */
export interface DerivedGraph {
  nodes: GraphNode[];
  edges: EdgeTable;
  /** principal -> every holder whose grants it receives (itself at depth 0, its groups, roles it holds, creds). */
  reach: ReachTable;
  /** node -> every ancestor (itself at depth 0, parent resources, the application). */
  ancestry: AncestryTable;
  /** Grants after role expansion, with `resource_types` turned into a type filter. */
  grants: GrantTable;
  /** Identity strings for linking across data sources: what nodes ask for and what they offer (`linking/identity-keys.ts`). */
  identityRefs: IdentityRef[];
  /** The types pushes declared, for the provider (and its icon lookup). */
  types: { application_types: string[]; resource_types: string[]; idp_types: string[]; hris_types: string[] };
  /** Entity counts, for the push record. */
  counts: Record<string, number>;
  /**
   * Managers the payload names that are none of its people (an IdP's `manager_id`, an HRIS
   * employee's `managers`), lower-cased: left out of the graph. A change made by difference that
   * adds one would give people it does not name a manager, so it goes the whole-state way.
   */
  unresolvedManagers?: string[];
  /** Of an HRIS: the groups (lower-cased ids) its employees or groups name that it does not define (warned about; no edge leads to them). */
  unresolvedGroups?: string[];
}

/** What a node is (the list lives in the contract: the query API names node types by it). */
export { NODE_KINDS };
export type NodeKind = (typeof NODE_KINDS)[number];

export interface GraphNode {
  id: number;
  kind: NodeKind;
  /** Stable, lower-cased identity within the data source. */
  key: string;
  /** The key as the payload spells it: entity id or name, resource dot path, identity string. */
  localKey: string;
  name: string;
  /** Veza-style node type, e.g. `OAA.sample.User`, `OAA.sample.thing.Resource`. */
  nodeType: string;
  /** The application node the entity belongs to (null outside application data sources, and for applications and IdP identities). */
  appId: number | null;
  /** Parent resource of a sub-resource. */
  parentId: number | null;
  resourceType: string | null;
  /** Built-in properties by name, custom ones as `customprop_<name>`. */
  properties: Record<string, unknown>;
  tags: OaaTag[];
}

export const EDGE_KINDS = [
  'contains',
  'member_of',
  'includes_role',
  'role_grants',
  'has_role',
  'has_permission',
  'holds_cred',
  'connects_to',
  'owns',
  'manages',
  'assigned_app',
  'can_assume',
] as const;
export type EdgeKind = (typeof EDGE_KINDS)[number];

export interface GraphEdge {
  kind: EdgeKind;
  from: number;
  to: number;
  properties?: Record<string, unknown>;
}

export interface ReachRow {
  principal: number;
  holder: number;
  depth: number;
}

export interface AncestryRow {
  node: number;
  ancestor: number;
  depth: number;
}

export interface GrantRow {
  holder: number;
  permission: number;
  scope: number;
  /** Applies to the scope node itself. */
  self: boolean;
  /** Applies to every descendant of the scope (subject to `types`). */
  descendants: boolean;
  /** Lower-cased resource types the grant is limited to; null for no limit. */
  types: string[] | null;
  /** The role through which the grant comes, or null for a direct grant. */
  role: number | null;
}

export interface IdentityRef {
  node: number;
  /** The identity string as written (matched case-insensitively). */
  identity: string;
  /** Its kind: one of `ASK` or `OFFER` of `linking/identity-keys.ts`, perhaps with a `/qualifier`. */
  source: string;
}

/**
 * Shapes of the tables a push writes (migration 0002). `ds` is `data_sources.seq`; node ids are
 * local to one derivation of the data source; booleans are 0/1; JSON is stored as text.
 */
export interface GraphTables {
  graph_nodes: GraphNodeRow;
  graph_edges: GraphEdgeRow;
  graph_reach: { ds: number; principal: number; holder: number; depth: number };
  graph_ancestry: { ds: number; node: number; ancestor: number; depth: number };
  graph_grants: GraphGrantRow;
  /** Grants read by scope (SECOND_KEYS): on SQLite a table of its own, on PostgreSQL the grants read through their scope index. */
  graph_grants_by_scope: Omit<GraphGrantRow, 'permission' | 'role'>;
  /** Reach read by holder (SECOND_KEYS), the same way. */
  graph_reach_by_holder: { ds: number; holder: number; principal: number };
  graph_grant_types: { ds: number; grant_id: number; type_key: string };
  graph_identity_refs: { ds: number; node: number; identity: string; source: string };
  graph_tags: { ds: number; node_key: string; tag_key: string; tag_value: string };
  /** Links across data sources (migration 0006): from (ds, node) to (to_ds, to_node). */
  identity_links: { ds: number; node: number; to_ds: number; to_node: number; rule: string; via: string; detail: string };
  data_source_types: { ds: number; kind: string; type_name: string; type_key: string };
  data_source_states: { ds: number; payload: Uint8Array; pushed_at: string; delta_basis: string | null };
  data_source_changes: { ds: number; seq: number; payload: Uint8Array; pushed_at: string };
  pushes: PushRow;
}

export interface GraphNodeRow {
  ds: number;
  id: number;
  kind: string;
  node_key: string;
  local_key: string;
  lookup_key: string;
  name: string;
  node_type: string;
  app_id: number | null;
  parent_id: number | null;
  resource_type: string | null;
  resource_type_key: string | null;
  properties: string;
}

export interface GraphEdgeRow {
  ds: number;
  kind: string;
  from_id: number;
  to_id: number;
  properties: string | null;
}

export interface GraphGrantRow {
  ds: number;
  id: number;
  holder: number;
  permission: number;
  scope: number;
  self: number;
  descendants: number;
  role: number | null;
  typed: number;
}

export interface PushRow {
  id: string;
  ds: number;
  started_at: string;
  duration_ms: number;
  key_id: string | null;
  /** bigint: pg returns it as a string. */
  size_bytes: number | string;
  compression: string;
  incremental: number;
  outcome: string;
  counts: string;
  warnings: string;
  errors: string;
}

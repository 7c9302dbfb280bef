import type { CanonicalPermission } from '@accessgraph/contract';
import type { NodeKind } from '../graph/derived-graph.js';

/**
 * A Veza query spec (spec §14.1), checked and typed: what `POST /api/v1/assessments/query_spec:nodes`
 * and `:result` evaluate, and what a saved query runs. Produced by `parseQuerySpec`.
 */
export interface QuerySpec {
  sources: NodeSet;
  /**
   * Present when the query asks about relations: destination node types, permission filters or
   * `no_relation`. Absent: every source matching its conditions is a result.
   */
  relation?: Relation;
  /**
   * `relates_to_exp`: relations joined by AND / OR, nested, negated with `not`; a source must
   * satisfy it (besides `relation`). Absent when the spec has none or an empty one.
   */
  relatesTo?: RelationExpression;
}

/** Relations (each a `relates_to_exp` spec) and nested expressions joined by `operator`, negated when `not`. */
export interface RelationExpression {
  relations: Relation[];
  children: RelationExpression[];
  operator: SetOperator;
  not: boolean;
}

export interface Relation {
  /** The destinations a source must reach; undefined: any application or resource (a permission filter without destination types). */
  destinations?: NodeSet;
  /** Raw (local) permission names, lower-cased. */
  rawPermissions?: PermissionSet<string>;
  /** Canonical types in the payload spelling (`DataRead`), from the query's `DATA_READ`. */
  effectivePermissions?: PermissionSet<CanonicalPermission>;
  /** Keep the sources with no such relation instead. */
  noRelation: boolean;
}

export type SetOperator = 'AND' | 'OR';

/** `source_node_types` / `destination_node_types`: node selectors joined by `nodes_operator`. */
export interface NodeSet {
  selectors: NodeSelector[];
  operator: SetOperator;
}

/** One entry of `nodes`: a node type (or grouping type) with its conditions. */
export interface NodeSelector {
  /** The node type as asked (`OAA.pytest.User`, or a grouping type such as `User`). */
  nodeType: string;
  /** What the node may be: the kinds a node of that type has (several for a grouping type). */
  kinds: readonly NodeKind[];
  /** The exact Veza-style node type, lower-cased; absent for a grouping type (any node of `kinds`). */
  exactType?: string;
  condition?: ConditionExpression;
  /** `node_id`: only this node (our stable node id). */
  nodeId?: string;
  /** Tags the node must all carry; a tag without value asks for the key with any value. */
  tags: TagCondition[];
  /** Tags the node must carry none of. */
  excludedTags: TagCondition[];
}

export interface TagCondition {
  key: string;
  value?: string;
}

/** `raw_permissions` / `effective_permissions`: values joined by an operator. */
export interface PermissionSet<T extends string> {
  values: T[];
  operator: SetOperator;
}

/** Condition functions, as Veza spells them. */
export const CONDITION_FNS = ['EQ', 'NEQ', 'CONTAINS', 'STARTS_WITH', 'GT', 'GTE', 'LT', 'LTE', 'IN'] as const;
export type ConditionFn = (typeof CONDITION_FNS)[number];

export type ScalarValue = string | number | boolean | null;

/** One spec of a condition expression: `property fn value`, negated with `not`. */
export interface ConditionSpec {
  fn: ConditionFn;
  property: string;
  /** A list for IN, a scalar otherwise. */
  value: ScalarValue | ScalarValue[];
  not: boolean;
}

/** Specs and nested expressions joined by `operator`, negated with `not`. */
export interface ConditionExpression {
  specs: ConditionSpec[];
  children: ConditionExpression[];
  operator: SetOperator;
  not: boolean;
}

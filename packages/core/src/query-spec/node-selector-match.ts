import type { NodeKind } from '../graph/derived-graph.js';
import { matchesCondition } from './condition-match.js';
import type { NodeSelector, NodeSet, TagCondition } from './query-spec.js';

/** A node as a query spec's selectors see it. */
export interface SelectableNode {
  /** The node's stable id (`encodeNodeId`). */
  id: string;
  kind: string;
  nodeType: string;
  /** Properties as conditions name them (built-in by name, `name` included; custom as `customprop_<name>`). */
  properties: Readonly<Record<string, unknown>>;
  /** Tags as pushed (`''` for a tag without value); may be left empty when no selector asks about tags. */
  tags: ReadonlyArray<{ key: string; value: string }>;
}

/** Whether a node is one a selector names: its kind and type, node id, tags, excluded tags and condition. */
export function matchesSelector(selector: NodeSelector, node: SelectableNode): boolean {
  if (!(selector.kinds as readonly string[]).includes(node.kind)) return false;
  if (selector.exactType !== undefined && node.nodeType.toLowerCase() !== selector.exactType) return false;
  if (selector.nodeId !== undefined && selector.nodeId !== node.id) return false;
  if (!selector.tags.every((tag) => carries(node, tag))) return false;
  if (selector.excludedTags.some((tag) => carries(node, tag))) return false;
  return selector.condition === undefined || matchesCondition(selector.condition, node.properties);
}

/**
 * Whether a node belongs to a node set: it matches every selector (`AND`) or one of them (`OR`).
 * A node has one type, so `AND` is for one type with several selectors (a grouping type and a
 * condition on one of its member types, say).
 */
export function matchesNodeSet(set: NodeSet, node: SelectableNode): boolean {
  return set.operator === 'AND' ? set.selectors.every((s) => matchesSelector(s, node)) : set.selectors.some((s) => matchesSelector(s, node));
}

function carries(node: SelectableNode, tag: TagCondition): boolean {
  return node.tags.some((t) => t.key === tag.key && (tag.value === undefined || t.value === tag.value));
}

/** Every kind of node a set's selectors may match: what the database narrows its reads to. */
export function kindsOfNodeSet(set: NodeSet): NodeKind[] {
  return [...new Set(set.selectors.flatMap((s) => s.kinds))].sort();
}

/** Whether any selector of the set looks at tags (so the reader must fetch them). */
export function nodeSetNeedsTags(set: NodeSet): boolean {
  return set.selectors.some((s) => s.tags.length > 0 || s.excludedTags.length > 0);
}

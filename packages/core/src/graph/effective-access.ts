import type { DerivedGraph, GrantRow } from './derived-graph.js';
import { tableRows } from './graph-tables.js';
import { appendTo } from '../multi-map.js';

/** One principal's permissions on one target, by node local keys (application name, dot path). */
export interface EffectiveAccess {
  principal: string;
  target: string;
  permissions: string[];
  canonicalTypes: string[];
}

/**
 * Expands a derived graph into every (principal, target) pair with its permissions, in memory.
 * This is the reference semantics the SQL expansion in storage must match; it is used by tests
 * and small tools, never for large answers (it materialises the full product).
 */
export function expandEffectiveAccess(graph: DerivedGraph): EffectiveAccess[] {
  const descendants = new Map<number, Array<{ node: number; depth: number }>>();
  for (const row of tableRows(graph.ancestry)) {
    appendTo(descendants, row.ancestor, { node: row.node, depth: row.depth });
  }
  const grantsByHolder = new Map<number, GrantRow[]>();
  for (const grant of tableRows(graph.grants)) appendTo(grantsByHolder, grant.holder, grant);

  const pairs = new Map<string, { principal: number; target: number; permissions: Set<number> }>();
  for (const { principal, holder } of tableRows(graph.reach)) {
    const principalKind = graph.nodes[principal]!.kind;
    if (principalKind === 'local_role') continue;
    for (const grant of grantsByHolder.get(holder) ?? []) {
      for (const { node, depth } of descendants.get(grant.scope) ?? []) {
        if (depth === 0 ? !grant.self : !grant.descendants) continue;
        const type = graph.nodes[node]!.resourceType?.toLowerCase();
        if (grant.types && (type === undefined || !grant.types.includes(type))) continue;
        const key = `${principal}|${node}`;
        const pair = pairs.get(key) ?? pairs.set(key, { principal, target: node, permissions: new Set() }).get(key)!;
        pair.permissions.add(grant.permission);
      }
    }
  }
  return [...pairs.values()]
    .map(({ principal, target, permissions }) => {
      const nodes = [...permissions].map((id) => graph.nodes[id]!);
      return {
        principal: graph.nodes[principal]!.localKey,
        target: graph.nodes[target]!.localKey,
        permissions: nodes.map((n) => n.name).sort(compareNames),
        canonicalTypes: [...new Set(nodes.flatMap((n) => (n.properties.permission_type as string[] | undefined) ?? []))].sort(),
      };
    })
    .sort((a, b) => compareNames(a.principal, b.principal) || compareNames(a.target, b.target));
}

/** Orders names ignoring case (as keys compare), then by exact spelling so the order is total. */
export function compareNames(a: string, b: string): number {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  return x < y ? -1 : x > y ? 1 : a < b ? -1 : a > b ? 1 : 0;
}

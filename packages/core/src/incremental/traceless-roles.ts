import type { DerivedGraph } from '../graph/derived-graph.js';
import { appendTo } from '../multi-map.js';

/** A role whose assignment on a resource of a type other than `types` (lower-cased) grants nothing there. */
export interface TracelessRole {
  key: string;
  types: string[];
}

/**
 * The roles of a graph whose assignment on a resource can grant nothing there, and so leave no
 * trace in the grants: those whose permissions, their nested roles' included, all apply to some
 * resource types only and not to sub-resources (or that have none). An entry holding such a role
 * cannot be read back from its grants (docs/architecture.md, "Incremental pushes"). Exact for
 * every role of the graph whose nested roles it holds, at any depth: a whole graph's, and a
 * change's small graph's, whose slice reads every role with those it includes.
 */
export function tracelessRoles(graph: DerivedGraph): TracelessRole[] {
  const { nodes, edges } = graph;
  const next = new Map<number, number[]>();
  for (let i = 0; i < edges.length; i++) {
    const kind = edges.kind(i);
    if (kind === 'role_grants' || kind === 'includes_role') appendTo(next, edges.col.from[i]!, edges.col.to[i]!);
  }
  const roles: TracelessRole[] = [];
  for (const role of nodes) {
    if (role.kind !== 'local_role') continue;
    const types = new Set<string>();
    let traced = false;
    const seen = new Set([role.id]);
    const stack = [role.id];
    while (stack.length > 0 && !traced) {
      for (const to of next.get(stack.pop()!) ?? []) {
        if (nodes[to]!.kind !== 'permission') {
          if (!seen.has(to)) {
            seen.add(to);
            stack.push(to);
          }
          continue;
        }
        const { resource_types: limited, apply_to_sub_resources: inherit } = nodes[to]!.properties as { resource_types?: string[]; apply_to_sub_resources?: boolean };
        if (inherit === true || !Array.isArray(limited) || limited.length === 0) traced = true;
        else for (const type of limited) types.add(type.toLowerCase());
      }
    }
    if (!traced) roles.push({ key: role.key, types: [...types] });
  }
  return roles;
}

import type { DerivedGraph } from './derived-graph.js';

/**
 * Node ids a re-push keeps. A derivation numbers nodes 0..n-1 in payload order, so removing one
 * user from the start of an identity provider's list would move every later node; links that
 * other data sources hold to those nodes (a million accounts to their IdP users) would all change.
 * Instead each node keeps the id its key had in the previous graph when that id is still below n;
 * the nodes left over (new keys, and those whose old id is now out of range) take the free ids in
 * order. Ids stay dense (0..n-1, so `nodes[id]` still holds), and a change of k nodes moves at
 * most k others: removing one user moves only the node that had the highest id into its place.
 *
 * Returns the permutation (derivation id -> kept id), or null when every node already has it.
 */
export function keptNodeIds(nodes: DerivedGraph['nodes'], previous: ReadonlyMap<string, number>): Int32Array | null {
  const n = nodes.length;
  const ids = new Int32Array(n).fill(-1);
  const taken = new Uint8Array(n);
  let moved = false;
  for (let i = 0; i < n; i++) {
    const old = previous.get(nodes[i]!.key);
    if (old === undefined || old >= n || taken[old] === 1) continue;
    ids[i] = old;
    taken[old] = 1;
    if (old !== i) moved = true;
  }
  let free = 0;
  for (let i = 0; i < n; i++) {
    if (ids[i] !== -1) continue;
    while (taken[free] === 1) free++;
    ids[i] = free;
    taken[free] = 1;
    if (free !== i) moved = true;
  }
  return moved ? ids : null;
}

/**
 * Renumbers a derivation's nodes in place by `ids` (a permutation of 0..n-1, from keptNodeIds):
 * the nodes array is reordered so that `nodes[id].id === id` holds again, and every node id in
 * every table (edges, reach, ancestry, grants, identity strings) is translated.
 */
export function renumberNodes(graph: DerivedGraph, ids: Int32Array): void {
  const map = (id: number) => ids[id]!;
  const reordered = new Array<DerivedGraph['nodes'][number]>(graph.nodes.length);
  for (const node of graph.nodes) {
    node.id = map(node.id);
    if (node.appId !== null) node.appId = map(node.appId);
    if (node.parentId !== null) node.parentId = map(node.parentId);
    reordered[node.id] = node;
  }
  for (let i = 0; i < reordered.length; i++) graph.nodes[i] = reordered[i]!;
  translate(graph.edges.col.from, graph.edges.length, ids);
  translate(graph.edges.col.to, graph.edges.length, ids);
  translate(graph.reach.col.principal, graph.reach.length, ids);
  translate(graph.reach.col.holder, graph.reach.length, ids);
  translate(graph.ancestry.col.node, graph.ancestry.length, ids);
  translate(graph.ancestry.col.ancestor, graph.ancestry.length, ids);
  const g = graph.grants;
  translate(g.col.holder, g.length, ids);
  translate(g.col.permission, g.length, ids);
  translate(g.col.scope, g.length, ids);
  for (let i = 0; i < g.length; i++) if (g.col.role[i]! >= 0) g.col.role[i] = ids[g.col.role[i]!]!;
  for (const ref of graph.identityRefs) ref.node = map(ref.node);
}

function translate(column: Int32Array, length: number, ids: Int32Array): void {
  for (let i = 0; i < length; i++) column[i] = ids[column[i]!]!;
}

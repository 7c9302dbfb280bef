import type { DerivedGraph, EdgeKind } from '../graph/derived-graph.js';
import { idpNodeKey } from '../graph/node-keys.js';
import type { IdpDeltaPlan } from './idp-delta-plan.js';
import type { IdpSlice } from './idp-slice.js';
import { emptyDelta, type LeafDelta } from './leaf-delta.js';

/** Edges from a user that are its own (rewritten with it); `manages` edges from it name its reports, which keep them. */
const OWN_EDGES: ReadonlySet<EdgeKind> = new Set(['member_of', 'can_assume', 'owns', 'assigned_app']);
/** Edges to a user that are its own: its domain's and its manager's. */
const EDGES_TO_USER: ReadonlySet<EdgeKind> = new Set(['contains', 'manages']);

/**
 * The rows a change of users replaces in an identity provider's stored graph, at the stored node
 * ids (added users, and AWS roles or owned entities no one pointed at before, take new ids after
 * the last): what the small payload the change was applied to derived for the named users — node,
 * identity strings, tags, memberships, assignments, roles, owned entities, the edge from their
 * domain and from their manager. A deleted user's rows go, with the `manages` edges to its reports;
 * an external node goes when no principal points at it any more. An identity provider derives no
 * reach and no grants.
 */
export function idpDelta(graph: DerivedGraph, slice: IdpSlice, plan: IdpDeltaPlan): LeafDelta {
  const toStored = new Map<number, number>();
  const stored = new Map<string, number>([[slice.domain.key, slice.domain.id]]);
  for (const list of [slice.users, slice.managers, slice.groups, slice.apps, slice.externals]) for (const node of list) stored.set(node.key, node.id);
  for (const node of graph.nodes) {
    const id = stored.get(node.key);
    if (id !== undefined) toStored.set(node.id, id);
  }
  const delta = emptyDelta({});
  let users = 0;
  const unresolved: string[] = [];
  const derivedByKey = new Map(graph.nodes.map((n) => [n.key, n]));
  const before = new Map(slice.users.map((u) => [u.key, u]));
  /** The written users: small graph's id -> stored id. */
  const written = new Map<number, number>();
  let nextNode = slice.nextNodeId;
  for (const { key } of plan.users) {
    const nodeKey = idpNodeKey('user', key);
    const was = before.get(nodeKey);
    const now = derivedByKey.get(nodeKey);
    delta.tagNodes.push(nodeKey);
    if (was !== undefined) delta.replaced.push(was.id);
    if (now === undefined) {
      if (was === undefined) continue;
      delta.deleted.push(was.id);
      users--;
      continue;
    }
    if (was === undefined) users++;
    const id = was?.id ?? nextNode++;
    toStored.set(now.id, id);
    written.set(now.id, id);
    delta.derivedIds.set(id, now.id);
    delta.nodes.push({ ...now, id });
  }
  // External nodes the written users point at that were not stored take new ids; stored ones no principal points at any more go.
  for (const node of graph.nodes) {
    if (node.kind !== 'external' || toStored.has(node.id)) continue;
    const id = nextNode++;
    toStored.set(node.id, id);
    delta.nodes.push({ ...node, id });
  }
  for (const external of slice.externals) {
    if (external.shared || derivedByKey.has(external.key)) continue;
    delta.replaced.push(external.id);
    delta.deleted.push(external.id);
  }

  const map = (id: number) => {
    const mapped = toStored.get(id);
    if (mapped === undefined) throw new Error(`the change derived node ${graph.nodes[id]?.key ?? id}, which is neither a named user nor in the stored graph`);
    return mapped;
  };
  const managed = new Set<number>();
  const { edges } = graph;
  for (let i = 0; i < edges.length; i++) {
    const kind = edges.kind(i);
    const from = edges.col.from[i]!;
    const to = edges.col.to[i]!;
    const own = (written.has(from) && OWN_EDGES.has(kind)) || (written.has(to) && EDGES_TO_USER.has(kind));
    if (!own) continue;
    delta.edges.push({ kind, from: map(from), to: map(to), properties: edges.properties[i] });
    if (kind === 'manages') managed.add(to);
  }
  for (const derived of written.keys()) {
    const manager = graph.nodes[derived]!.properties.manager_id;
    if (typeof manager === 'string' && manager !== '' && !managed.has(derived)) unresolved.push(manager.toLowerCase());
  }
  for (const ref of graph.identityRefs) {
    const node = written.get(ref.node);
    if (node !== undefined) delta.identityRefs.push({ ...ref, node });
  }
  return { ...delta, counts: { users }, unresolvedManagers: unresolved };
}

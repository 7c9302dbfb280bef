import type { DerivedGraph, EdgeKind } from '../graph/derived-graph.js';
import { emptyDelta, type LeafDelta } from './leaf-delta.js';

/**
 * What a change of people — an identity provider's users, an HRIS' employees — was applied to, as
 * `peopleDelta` needs it: every stored node the slice holds (the people the change names that
 * exist, the groups, apps, managers and external nodes it or they name, the domain or system), and
 * of those the named people.
 */
export interface PeopleSlice {
  stored: ReadonlyArray<{ id: number; key: string }>;
  /** The named people that exist. */
  people: ReadonlyArray<{ id: number; key: string }>;
  /** External nodes (an identity provider's AWS roles and owned entities) the named people point at, with whether others do too. */
  externals: ReadonlyArray<{ id: number; key: string; shared: boolean }>;
  nextNodeId: number;
}

/** How one template's people (and an identity provider's groups) sit in its graph. */
export interface PeopleSpec {
  /** Edges from a person that are its own (rewritten with it); `manages` edges from it name its reports, which keep them. */
  from: ReadonlySet<EdgeKind>;
  /** Edges to a person that are its own: its container's, its managers'. */
  to: ReadonlySet<EdgeKind>;
}

export const IDP_PRINCIPALS: PeopleSpec = { from: new Set(['member_of', 'can_assume', 'owns', 'assigned_app']), to: new Set(['contains', 'manages']) };
export const HRIS_EMPLOYEES: PeopleSpec = { from: new Set(['member_of']), to: new Set(['contains', 'manages']) };

/**
 * The rows a change of people replaces in the stored graph, at the stored node ids (added people,
 * and AWS roles or owned entities no one pointed at before, take new ids after the last): what the
 * small payload the change was applied to derived for the named people (`named`, node keys in the
 * change's order, each with the count of the push record it is one of, if any: a domain, a system
 * is counted by none or stays one) — node, identity strings,
 * tags, and their own edges (`PeopleSpec`). A deleted
 * person's rows go with every edge from it; an external node goes when no principal points at it
 * any more. Neither template derives reach or grants.
 */
export function peopleDelta(graph: DerivedGraph, slice: PeopleSlice, named: ReadonlyArray<{ key: string; count?: string }>, spec: PeopleSpec): LeafDelta {
  const toStored = new Map<number, number>();
  const stored = new Map(slice.stored.map((n) => [n.key, n.id]));
  for (const node of graph.nodes) {
    const id = stored.get(node.key);
    if (id !== undefined) toStored.set(node.id, id);
  }
  const delta = emptyDelta<Record<string, number>>({});
  const counts = delta.counts;
  const derivedByKey = new Map(graph.nodes.map((n) => [n.key, n]));
  const before = new Map(slice.people.map((p) => [p.key, p]));
  /** The written people: small graph's id -> stored id. */
  const written = new Map<number, number>();
  let nextNode = slice.nextNodeId;
  for (const { key: nodeKey, count } of named) {
    if (count !== undefined) counts[count] ??= 0;
    const was = before.get(nodeKey);
    const now = derivedByKey.get(nodeKey);
    delta.tagNodes.push(nodeKey);
    if (was !== undefined) delta.replaced.push(was.id);
    if (now === undefined) {
      if (was === undefined) continue;
      delta.deleted.push(was.id);
      if (count !== undefined) counts[count]!--;
      continue;
    }
    if (was === undefined && count !== undefined) counts[count]!++;
    const id = was?.id ?? nextNode++;
    toStored.set(now.id, id);
    written.set(now.id, id);
    delta.derivedIds.set(id, now.id);
    delta.nodes.push({ ...now, id });
  }
  // External nodes the written people point at that were not stored take new ids; stored ones no principal points at any more go.
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
    if (mapped === undefined) throw new Error(`the change derived node ${graph.nodes[id]?.key ?? id}, which is neither a named person nor in the stored graph`);
    return mapped;
  };
  const { edges } = graph;
  for (let i = 0; i < edges.length; i++) {
    const kind = edges.kind(i);
    const from = edges.col.from[i]!;
    const to = edges.col.to[i]!;
    if (!((written.has(from) && spec.from.has(kind)) || (written.has(to) && spec.to.has(kind)))) continue;
    delta.edges.push({ kind, from: map(from), to: map(to), properties: edges.properties[i] });
  }
  for (const ref of graph.identityRefs) {
    const node = written.get(ref.node);
    if (node !== undefined) delta.identityRefs.push({ ...ref, node });
  }
  // The small payload's managers are the named people's (the others stand in without theirs): those it could not resolve name no one.
  return { ...delta, unresolvedManagers: graph.unresolvedManagers ?? [], unresolvedGroups: graph.unresolvedGroups ?? [] };
}

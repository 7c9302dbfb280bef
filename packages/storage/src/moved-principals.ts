import { appEntityNodeKey, type LeafDeltaApp, type SliceApp } from '@accessgraph/core';
import type { NodeReader, StoredNode } from './node-reader.js';

/** The edges a principal's reach follows (`reachOf` in core's application derivation). */
const REACH_EDGES = ['member_of', 'holds_cred'];

/** What a change that moves or deletes groups, or deletes credentials, needs read besides its slice. */
export interface MovedRead {
  /** Grants and bindings of each moved or deleted entity, by id. */
  counts: Map<number, { grants: number; bindings: number }>;
  below: SliceApp['below'];
  /** The principals whose stored reach rows the slice holds: those below (their rows are compared with the new ones) and their parents that are not below or moved. */
  reachFrom: number[];
}

/**
 * The principals below the groups a change moves (a modify with `groups`) or deletes, the
 * credentials it deletes, and the groups and credentials (`regranted`) whose entries it changes so
 * that they may hold no grant any more: every principal whose breadth-first reach passes through one of them,
 * found by walking `member_of` and `holds_cred` edges backwards, a level at a time (index lookups
 * by `to_id`: what the change touches, not the data source). Those the change names itself are
 * left to its own rows (named users are derived from the small payload; moved groups are
 * `entities`). Says `whole` when a moved group's new parent is below a moved or deleted entity:
 * a cycle, or near one, which the whole-state way reports or rules out over the whole graph.
 */
export async function readMoved(nodes: NodeReader, plan: LeafDeltaApp, entities: readonly StoredNode[], regranted: ReadonlyArray<{ id: number }> = []): Promise<MovedRead | { whole: string }> {
  const structural = plan.changedEntities.filter((e) => e.parents !== undefined || e.operation === 'delete');
  const none: MovedRead = { counts: new Map(), below: [], reachFrom: [] };
  if (structural.length === 0 && regranted.length === 0) return none;
  const idsOf = (list: typeof structural) => {
    const keys = new Set(list.map((e) => appEntityNodeKey(plan.key, e.segment, e.key)));
    return entities.filter((n) => keys.has(n.key)).map((n) => n.id);
  };
  const movedIds = new Set([...idsOf(structural), ...regranted.map((n) => n.id)]);
  // A cycle the change would make runs through a moved group's new parent up to a moved group
  // again; the parents stay below what they were below, save through the moved groups' new edges.
  const newParents = await nodes.byKeys(structural.flatMap((e) => e.parents ?? []).map((k) => appEntityNodeKey(plan.key, 'group', k)));
  const belowMoved = await below(nodes, idsOf(structural.filter((e) => e.parents !== undefined)));
  if (newParents.some((p) => belowMoved.has(p.id))) return { whole: 'a moved group would be a member of a group below a moved one' };
  const seen = await below(nodes, [...movedIds], belowMoved);
  // A regranted holder below another moved or regranted entity is below it like any member (its reach through it changes too).
  const structuralIds = new Set(idsOf(structural));
  for (const id of structuralIds) seen.add(id);
  const underneath = [...seen].filter((id) => !structuralIds.has(id));

  const namedUsers = await nodes.byKeys([...plan.users.map((u) => u.key), ...plan.entryIdentities].map((k) => appEntityNodeKey(plan.key, 'user', k)), true);
  const named = new Set(namedUsers.map((n) => n.id));
  const rest = underneath.filter((id) => !named.has(id));
  const parents = new Map<number, number[]>(rest.map((id) => [id, []]));
  for (const edge of await nodes.bareEdgesFrom(rest, REACH_EDGES)) parents.get(edge.from)!.push(edge.to);
  const grants = await nodes.grantCounts([...movedIds]);
  const bindings = await nodes.bindingCounts([...movedIds]);
  const reachFrom = new Set<number>(rest);
  for (const list of parents.values()) for (const parent of list) if (!seen.has(parent)) reachFrom.add(parent);
  return {
    counts: new Map([...movedIds].map((id) => [id, { grants: grants.get(id) ?? 0, bindings: bindings.get(id) ?? 0 }])),
    below: rest.map((id) => ({ id, parents: parents.get(id)! })),
    reachFrom: [...reachFrom],
  };
}

/** The principals below these (their members, and theirs, through `member_of` and `holds_cred`), a level at a time; `known` are below already. */
async function below(nodes: NodeReader, ids: readonly number[], known: ReadonlySet<number> = new Set()): Promise<Set<number>> {
  const found = new Set(known);
  let frontier = [...ids];
  while (frontier.length > 0) {
    const edges = await nodes.edgesTo(frontier, REACH_EDGES);
    frontier = [...new Set(edges.map((e) => e.from))].filter((id) => !found.has(id));
    for (const id of frontier) found.add(id);
  }
  return found;
}

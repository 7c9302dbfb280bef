import { appEntityNodeKey, type LeafDeltaApp, type SliceApp } from '@accessgraph/core';
import { walkLevels, type NodeReader, type StoredNode } from './node-reader.js';

/** The edges a principal's reach follows (`reachOf` in core's application derivation). */
const REACH_EDGES = ['member_of', 'holds_cred'];

/** Why a change that moves a group under one below a moved group goes the whole-state way (it may close a cycle, which that way reports). */
export const MOVED_UNDER_ITSELF = 'a moved group would be a member of a group below a moved one';

/** What a change that moves or deletes groups, or deletes credentials, needs read besides its slice. */
interface MovedRead {
  /** Grants and bindings of each moved or deleted entity, by id. */
  counts: Map<number, { grants: number; bindings: number }>;
  below: SliceApp['below'];
  /** The principals whose stored reach rows the slice holds: those below (their rows are compared with the new ones) and their parents that are not below or moved. */
  reachFrom: number[];
  /** With `roles`: the roles the principals below hold, which are among their parents. */
  heldRoles: number[];
}

/**
 * Where roles hold grants of their own, the roles a principal holds are among its parents: read for
 * those below but the ones in `except`, whose roles the change gives anew (the entries it changes).
 */
export interface RoleParents {
  except: ReadonlySet<number>;
}

/**
 * The principals below the groups a change moves (a modify with `groups`) or deletes, the
 * credentials it deletes, and the groups and credentials (`regranted`) whose entries it changes so
 * that they may come to hold grants or hold none any more: every principal whose breadth-first
 * reach passes through one of them, found by walking `member_of` and `holds_cred` edges backwards,
 * a level at a time (index lookups by `to_id`: what the change touches, not the data source).
 * Those whose rows the change writes whole are left out: the users it names (`named`, derived from
 * the small payload; a user whose entry it changes is below like any member) and the moved groups
 * (`entities`). With `roles` (roles hold grants of their own) a principal's parents include the
 * roles it holds. Says
 * `whole` when a moved group's new parent is below a moved group: a cycle, or near one, which the
 * whole-state way reports or rules out over the whole graph.
 */
export async function readMoved(
  nodes: NodeReader,
  plan: LeafDeltaApp,
  entities: readonly StoredNode[],
  regranted: ReadonlyArray<{ id: number }>,
  named: ReadonlySet<number>,
  roles?: RoleParents,
): Promise<MovedRead | { whole: string }> {
  const structural = plan.changedEntities.filter((e) => e.parents !== undefined || (e.operation === 'delete' && e.segment !== 'role'));
  if (structural.length === 0 && regranted.length === 0) return { counts: new Map(), below: [], reachFrom: [], heldRoles: [] };
  const idsOf = (list: typeof structural) => {
    const keys = new Set(list.map((e) => appEntityNodeKey(plan.key, e.segment, e.key)));
    return entities.filter((n) => keys.has(n.key)).map((n) => n.id);
  };
  const structuralIds = new Set(idsOf(structural));
  const movedGroups = new Set(idsOf(structural.filter((e) => e.parents !== undefined)));
  // A cycle the change would make runs through a moved group's new parent up to a moved group
  // again; the parents stay below what they were below, save through the moved groups' new edges.
  const newParents = await nodes.byKeys(structural.flatMap((e) => e.parents ?? []).map((k) => appEntityNodeKey(plan.key, 'group', k)), true);
  const belowMoved = await below(nodes, [...movedGroups]);
  if (newParents.some((p) => belowMoved.has(p.id))) return { whole: MOVED_UNDER_ITSELF };
  // The rest walked from where the first walk did not start; a regranted holder below another moved
  // or regranted entity is below it like any member (its reach through it changes too).
  const seen = await below(nodes, [...new Set([...structuralIds, ...regranted.map((n) => n.id)])].filter((id) => !movedGroups.has(id)), belowMoved);
  const rest = [...seen].filter((id) => !structuralIds.has(id) && !named.has(id));
  for (const id of structuralIds) seen.add(id);
  const parents = new Map<number, number[]>(rest.map((id) => [id, []]));
  for (const edge of await nodes.bareEdgesFrom(rest, REACH_EDGES)) parents.get(edge.from)!.push(edge.to);
  const held = roles === undefined ? [] : await nodes.bareEdgesFrom(rest.filter((id) => !roles.except.has(id)), ['has_role']);
  for (const edge of held) parents.get(edge.from)!.push(edge.to);
  const grants = await nodes.grantCounts([...structuralIds]);
  const bindings = await nodes.bindingCounts([...structuralIds]);
  const reachFrom = new Set<number>(rest);
  for (const list of parents.values()) for (const parent of list) if (!seen.has(parent)) reachFrom.add(parent);
  return {
    counts: new Map([...structuralIds].map((id) => [id, { grants: grants.get(id) ?? 0, bindings: bindings.get(id) ?? 0 }])),
    below: rest.map((id) => ({ id, parents: parents.get(id)! })),
    reachFrom: [...reachFrom],
    heldRoles: [...new Set(held.map((e) => e.to))],
  };
}

/** The principals below these (their members, and theirs, through `member_of` and `holds_cred`); `known` are below already. */
function below(nodes: NodeReader, ids: readonly number[], known?: ReadonlySet<number>): Promise<Set<number>> {
  return walkLevels(ids, async (frontier) => (await nodes.edgesTo(frontier, REACH_EDGES)).map((e) => e.from), known);
}

import type { KeysetValue } from '../page-token.js';

/**
 * Every distinct chain of edges from one principal to one target, shortest first, a page at a
 * time (the query API's "how does P get permission X on R").
 *
 * Storage reads the part of the graph between the two (memberships, identity links, the grants
 * that reach the target, the target's ancestors) into a `PathGraph`; this module orders and pages
 * its paths without listing them all: a page costs the page (times the branching along it), not
 * the number of paths, which nested groups can make exponential.
 *
 * How: for every state the set of path lengths that can still end from it is worked out first
 * (backwards from the ends). Then, for each length from the shortest, a depth-first walk takes
 * moves in sort order and only those that can end in exactly the steps left, so (the graphs
 * pushes make being acyclic: validation refuses nesting cycles) no branch it enters is a dead
 * end, and it resumes from a cursor by descending straight to it. Paths are simple (no node
 * twice), so a cycle, should one appear, cannot loop; the work is bounded either way.
 */

/** A node a path can show, as it sorts: its data source id, then its node key. */
export interface PathNode {
  ds: string;
  key: string;
}

/**
 * One place in the walk. It shows as `node`; several states may show as the same node (a role
 * reached as a group-like holder and the same role as a binding's role lead to different grants).
 */
export interface PathState {
  node: number;
  moves: PathMove[];
  /** A path may end here (the target). */
  end: boolean;
}

/** An edge from a state to another, labelled with its kind; a grant also names its permission. */
export interface PathMove {
  edge: string;
  permission?: string;
  to: number;
}

export interface PathGraph {
  nodes: readonly PathNode[];
  states: readonly PathState[];
  start: number;
}

/** One path: `nodes[i]` leads to `nodes[i + 1]` by `edges[i]`. */
export interface FoundPath {
  nodes: number[];
  edges: string[];
  /** The permission of the path's grant (the one move that names one), or null if none does. */
  permission: string | null;
  /** Its keyset value, for a page token: its length, then each move's key. */
  cursor: KeysetValue[];
}

export interface PathPageRequest {
  limit: number;
  /** A path's `cursor`: only paths after it. */
  after?: readonly KeysetValue[];
  /** Most states expanded and moves looked at, in all, before giving up (`PathPage.exceeded`). */
  maxWork: number;
}

export type PathPage = { ok: true; paths: FoundPath[]; more: boolean } | { ok: false; exceeded: number } | { ok: false; badCursor: true };

/** How one move sorts: the node it leads to (data source id, key), then the edge, then the permission. */
type MoveKey = readonly [string, string, string, string];

/** The first `limit` paths after `after`, in order: by length, then step by step by `MoveKey`. */
export function pathPage(graph: PathGraph, request: PathPageRequest): PathPage {
  const after = request.after === undefined ? undefined : readCursor(request.after);
  if (after === null) return { ok: false, badCursor: true };
  const budget = { left: request.maxWork };
  const lengths = lengthsToEnd(graph, budget);
  if (lengths === undefined) return { ok: false, exceeded: request.maxWork };
  const found: FoundPath[] = [];
  const walker = new Walker(graph, lengths, budget, request.limit + 1, found);
  try {
    for (const length of [...lengths[graph.start]!].sort((a, b) => a - b)) {
      if (after !== undefined && length < after.length) continue;
      walker.walk([graph.start], length, after !== undefined && length === after.length ? after.steps : undefined);
      if (found.length > request.limit) break;
    }
  } catch (error) {
    if (error === OUT_OF_WORK) return { ok: false, exceeded: request.maxWork };
    throw error;
  }
  return { ok: true, paths: found.slice(0, request.limit), more: found.length > request.limit };
}

function readCursor(values: readonly KeysetValue[]): { length: number; steps: MoveKey[] } | null {
  const [length, ...rest] = values;
  if (typeof length !== 'number' || !Number.isInteger(length) || length < 0 || rest.length !== length * 4) return null;
  if (!rest.every((v) => typeof v === 'string')) return null;
  const steps: MoveKey[] = [];
  for (let i = 0; i < rest.length; i += 4) steps.push(rest.slice(i, i + 4) as unknown as MoveKey);
  return { length, steps };
}

const OUT_OF_WORK = Symbol('out of work');

/** Counts one unit of work against the budget, and stops the search when none is left. */
function spend(budget: { left: number }): void {
  budget.left -= 1;
  if (budget.left < 0) throw OUT_OF_WORK;
}

/**
 * For each state, the lengths of the paths that can end from it, at most one less than the
 * number of nodes (a simple path's longest). Over walks rather than simple paths, so with a cycle
 * a length may turn out unreachable without repeating a node; without one (every graph storage
 * builds today) the sets are exact.
 */
function lengthsToEnd(graph: PathGraph, budget: { left: number }): Array<Set<number>> | undefined {
  const cap = Math.max(0, graph.nodes.length - 1);
  const lengths = graph.states.map(() => new Set<number>());
  const into = graph.states.map(() => [] as number[]);
  graph.states.forEach((state, from) => {
    for (const move of state.moves) into[move.to]!.push(from);
  });
  const queue: Array<[number, number]> = [];
  graph.states.forEach((state, i) => {
    if (state.end) {
      lengths[i]!.add(0);
      queue.push([i, 0]);
    }
  });
  try {
    for (let q = 0; q < queue.length; q++) {
      const [state, length] = queue[q]!;
      if (length === cap) continue;
      for (const from of into[state]!) {
        spend(budget);
        if (lengths[from]!.has(length + 1)) continue;
        lengths[from]!.add(length + 1);
        queue.push([from, length + 1]);
      }
    }
  } catch (error) {
    if (error === OUT_OF_WORK) return undefined;
    throw error;
  }
  return lengths;
}

function compareKeys(a: MoveKey, b: MoveKey): number {
  for (let i = 0; i < 4; i++) if (a[i] !== b[i]) return a[i]! < b[i]! ? -1 : 1;
  return 0;
}

/** The depth-first walk of one length; states that show the same path so far walk together, so each path comes once. */
class Walker {
  private readonly onPath = new Set<number>();
  private readonly nodes: number[] = [];
  private readonly edges: string[] = [];
  private readonly permissions: Array<string | undefined> = [];
  private readonly keys: MoveKey[] = [];

  constructor(
    private readonly graph: PathGraph,
    private readonly lengths: ReadonlyArray<Set<number>>,
    private readonly budget: { left: number },
    private readonly wanted: number,
    private readonly found: FoundPath[],
  ) {}

  /** Paths of exactly `left` more moves from `states`; with `cursor`, only those after it (its steps from here on). */
  walk(states: readonly number[], left: number, cursor: readonly MoveKey[] | undefined): void {
    const node = this.graph.states[states[0]!]!.node;
    this.onPath.add(node);
    this.nodes.push(node);
    try {
      if (left === 0) {
        // A cursor still followed here is the cursor's own path, which the previous page returned.
        if (cursor === undefined && states.some((s) => this.graph.states[s]!.end)) this.emit();
        return;
      }
      for (const { key, to, permission } of this.moves(states, left)) {
        let rest: readonly MoveKey[] | undefined;
        if (cursor !== undefined) {
          const order = compareKeys(key, cursor[0]!);
          if (order < 0) continue;
          rest = order === 0 ? cursor.slice(1) : undefined;
        }
        this.edges.push(key[2]);
        this.permissions.push(permission);
        this.keys.push(key);
        this.walk(to, left - 1, rest);
        this.edges.pop();
        this.permissions.pop();
        this.keys.pop();
        if (this.found.length >= this.wanted) return;
      }
    } finally {
      this.onPath.delete(node);
      this.nodes.pop();
    }
  }

  /** The moves from `states` that can end in `left` steps and keep the path simple, grouped by key, in key order. */
  private moves(states: readonly number[], left: number): Array<{ key: MoveKey; to: number[]; permission: string | undefined }> {
    const groups = new Map<string, { key: MoveKey; to: number[]; permission: string | undefined }>();
    for (const s of states) {
      spend(this.budget);
      for (const move of this.graph.states[s]!.moves) {
        spend(this.budget);
        const target = this.graph.states[move.to]!;
        if (this.onPath.has(target.node) || !this.lengths[move.to]!.has(left - 1)) continue;
        const node = this.graph.nodes[target.node]!;
        const key: MoveKey = [node.ds, node.key, move.edge, move.permission ?? ''];
        const id = JSON.stringify(key);
        const group = groups.get(id);
        if (group === undefined) groups.set(id, { key, to: [move.to], permission: move.permission });
        else if (!group.to.includes(move.to)) group.to.push(move.to);
      }
    }
    return [...groups.values()].sort((a, b) => compareKeys(a.key, b.key));
  }

  private emit(): void {
    const permission = this.permissions.findLast((p) => p !== undefined) ?? null;
    this.found.push({ nodes: [...this.nodes], edges: [...this.edges], permission, cursor: [this.keys.length, ...this.keys.flat()] });
  }
}

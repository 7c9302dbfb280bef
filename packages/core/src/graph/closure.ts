import { ReachTable } from './graph-tables.js';

/**
 * Transitive closure from each start node over the adjacency lists `next` (indexed by node id,
 * ids in 0..size-1), by breadth-first search, so each reachable node is found once, at its
 * shortest depth. Only nodes `keep` accepts become rows ({principal: start, holder, depth}, the
 * start itself at depth 0); the walk still passes through the others. Cycles are harmless
 * (validation refuses them, but the walk would stop anyway).
 *
 * Written for a million rows: one stamp array marks the nodes seen from the current start
 * instead of a Set per start, and the frontier is reused.
 */
export function closure(
  starts: readonly number[],
  next: ReadonlyArray<readonly number[] | undefined>,
  size: number,
  keep: (node: number) => boolean = () => true,
): ReachTable {
  const rows = new ReachTable();
  const seenFrom = new Int32Array(size).fill(-1);
  let frontier: number[] = [];
  let following: number[] = [];
  for (const start of starts) {
    seenFrom[start] = start;
    if (keep(start)) rows.add(start, start, 0);
    frontier.length = 0;
    frontier.push(start);
    for (let depth = 1; frontier.length > 0; depth++) {
      following.length = 0;
      for (const node of frontier) {
        const targets = next[node];
        if (targets === undefined) continue;
        for (const target of targets) {
          if (seenFrom[target] === start) continue;
          seenFrom[target] = start;
          if (keep(target)) rows.add(start, target, depth);
          following.push(target);
        }
      }
      [frontier, following] = [following, frontier];
    }
  }
  return rows;
}

/**
 * Transitive closure from each start node over `next` edges, by breadth-first search, so each
 * reachable node is reported once at its shortest depth: [start, reached, depth], the start itself
 * at depth 0. Cycles are harmless (validation refuses them, but the walk would stop anyway).
 */
export function closure(starts: readonly number[], next: (node: number) => readonly number[]): Array<[number, number, number]> {
  const rows: Array<[number, number, number]> = [];
  for (const start of starts) {
    const seen = new Set([start]);
    rows.push([start, start, 0]);
    let frontier = [start];
    for (let depth = 1; frontier.length > 0; depth++) {
      const following: number[] = [];
      for (const node of frontier) {
        for (const target of next(node)) {
          if (seen.has(target)) continue;
          seen.add(target);
          rows.push([start, target, depth]);
          following.push(target);
        }
      }
      frontier = following;
    }
  }
  return rows;
}

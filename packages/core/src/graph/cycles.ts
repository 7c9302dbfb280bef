/**
 * Every loop of a directed graph given by `next` (keys to the keys they point at; targets that
 * are not keys of `nodes` and self-references are skipped, their callers report them), each
 * reported once as the chain of keys that closes it (`a -> b -> a`). Depth-first with an explicit
 * stack: an identity provider's group nesting can be thousands deep, beyond the call stack.
 */
export function findCycles(nodes: Iterable<string>, next: (key: string) => readonly string[], exists: (key: string) => boolean): string[][] {
  const state = new Map<string, 'visiting' | 'done'>();
  const cycles: string[][] = [];
  for (const start of nodes) {
    if (state.has(start)) continue;
    const path: string[] = [start];
    const pending: Array<{ key: string; targets: readonly string[]; at: number }> = [{ key: start, targets: next(start), at: 0 }];
    state.set(start, 'visiting');
    while (pending.length > 0) {
      const top = pending[pending.length - 1]!;
      if (top.at === top.targets.length) {
        state.set(top.key, 'done');
        pending.pop();
        path.pop();
        continue;
      }
      const target = top.targets[top.at++]!;
      if (target === top.key || !exists(target)) continue;
      const seen = state.get(target);
      if (seen === 'visiting') cycles.push([...path.slice(path.indexOf(target)), target]);
      else if (seen === undefined) {
        state.set(target, 'visiting');
        path.push(target);
        pending.push({ key: target, targets: next(target), at: 0 });
      }
    }
  }
  return cycles;
}

import { percentile } from './summary.js';

export interface Latencies {
  p50: number;
  p99: number;
}

/**
 * Each question asked once after one warm-up pass over them all (the first read of a table's
 * pages from disk is not what a query costs once the server has run a while); p50 and p99 of the
 * timed pass, and the rows it answered (when `ask` counts them).
 */
export async function latencies<T>(items: readonly T[], ask: (item: T) => Promise<unknown>): Promise<Latencies & { rows: number }> {
  for (const item of items) await ask(item);
  const times: number[] = [];
  let rows = 0;
  for (const item of items) {
    const started = performance.now();
    const answered = await ask(item);
    times.push(performance.now() - started);
    if (typeof answered === 'number') rows += answered;
  }
  return { p50: percentile(times, 50), p99: percentile(times, 99), rows };
}

import { setTimeout as sleep } from 'node:timers/promises';
import { request, type BenchDataSource } from './api-client.js';
import type { EngineRun } from './engine.js';
import { readPeakRss, resetPeakRss } from './process-memory.js';
import type { ServerProcess } from './server-process.js';

export type Phase = 'decode' | 'validate' | 'derive' | 'store';
export const PHASES: readonly Phase[] = ['decode', 'validate', 'derive', 'store'];

/** One push, measured from outside and from the server's own log. */
export interface PushMeasurement {
  /** From the first byte of the request sent to the last byte of the answer received. */
  e2eMs: number;
  /** The server's phases, from its "push accepted" log line. */
  phases: Record<Phase, number>;
  /** End to end minus the phases: sending and receiving, body parsing, routing, the answer. */
  httpMs: number;
  /** The server's peak RSS during the push (reset just before it). */
  peakRssBytes: number;
  /** The database's size on disk once the push has settled (SQLite: file plus write-ahead log). */
  databaseBytes: number;
  /** Of which the write-ahead log (SQLite; 0 on PostgreSQL). */
  walBytes: number;
  /** The first page (100 rows) of the data source's effective permissions, asked right after. */
  readMs: number;
  /** Why that read failed (an error, a timeout, no rows), when it did. */
  readError?: string;
  counts: Record<string, number>;
  warnings: number;
}

/** A first page slower than this counts as not answerable (and keeps a slow query from stalling the run). */
export const READ_TIMEOUT_MS = 120_000;

/**
 * Sends one push body and measures it. `logIndex` is how many pushes the server accepted before
 * this one (its "push accepted" line is the next). Fails unless the push answers 200; a data
 * source that does not then answer a page of effective permissions with rows is reported in
 * `readError`. After the read it waits `settleMs` for the push's background work (SQLite's
 * checkpoint on the server's worker thread, PostgreSQL's writes of dirty pages) before it
 * measures the database, and before the next push starts: a connector's next daily run finds
 * that work done, and it is not charged to the next push.
 */
export async function measurePush(
  server: ServerProcess,
  run: EngineRun,
  key: string,
  ds: BenchDataSource,
  body: Buffer,
  logIndex: number,
  settleMs: number,
): Promise<PushMeasurement> {
  resetPeakRss(server.pid);
  const res = await request(`${server.url}${ds.path}:push`, { key, body, timeoutMs: 30 * 60_000 });
  const peakRssBytes = readPeakRss(server.pid);
  if (res.status !== 200) throw new Error(`the push answered ${res.status}: ${res.text.slice(0, 1_000)}`);
  const log = await server.pushLog(logIndex);
  if (log.data_source_id !== ds.dataSourceId) throw new Error(`"push accepted" #${logIndex + 1} is for data source ${log.data_source_id}, not ${ds.dataSourceId}`);
  const read = await readBack(`${server.url}${ds.path}/effective_permissions?page_size=100`, key);
  // The server goes on with a read the benchmark gave up on: stop it before the next push.
  if (read.error) await run.cancelQueries();
  await sleep(settleMs);
  const size = await run.databaseSize();

  const phases = Object.fromEntries(PHASES.map((p) => [p, log.phases_ms[p] ?? 0])) as Record<Phase, number>;
  const phaseSum = PHASES.reduce((sum, p) => sum + phases[p], 0);
  return {
    e2eMs: res.ms,
    phases,
    httpMs: res.ms - phaseSum,
    peakRssBytes,
    databaseBytes: size.bytes,
    walBytes: size.walBytes,
    readMs: read.ms,
    ...(read.error ? { readError: read.error } : {}),
    counts: log.counts,
    warnings: log.warnings,
  };
}

/** The first page of effective permissions: its time, and what was wrong with it, if anything. */
async function readBack(url: string, key: string): Promise<{ ms: number; error?: string }> {
  const started = performance.now();
  try {
    const res = await request(url, { key, timeoutMs: READ_TIMEOUT_MS });
    const rows = res.status === 200 ? ((JSON.parse(res.text) as { values?: unknown[] }).values?.length ?? 0) : 0;
    if (res.status === 200 && rows > 0) return { ms: res.ms };
    return { ms: res.ms, error: `effective_permissions answered ${res.status} with ${rows} rows: ${res.text.slice(0, 300)}` };
  } catch (error) {
    return { ms: performance.now() - started, error: `effective_permissions: ${(error as Error).message}` };
  }
}

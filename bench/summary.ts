import type { FloorLoad } from './floor-tables.js';
import { PHASES, type Phase } from './measure-push.js';
import { PUSHES, type PushKind, type Repetition } from './repetition.js';

/** The middle value (the mean of the two middle ones for an even count). */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** The value below which `p` percent of the values lie (nearest rank). */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

/** Medians over the repetitions for one kind of push. */
export interface PushSummary {
  e2eMs: number;
  httpMs: number;
  phases: Record<Phase, number>;
  peakRssBytes: number;
  databaseBytes: number;
  walBytes: number;
  readMs: number;
  /** Runs whose read after this push failed. */
  readFailures: number;
  /** Decode + parse floor of this push's body. */
  decodeFloorMs: number;
  /** decodeFloorMs + the bulk-load floor (load + indexes). */
  floorMs: number;
  /** e2eMs / floorMs. */
  ratio: number;
}

export interface Summary {
  engine: string;
  size: string;
  runs: number;
  pushes: Record<PushKind, PushSummary>;
  emptyDatabaseBytes: number;
  load: Pick<FloorLoad, 'tables' | 'rows' | 'indexes' | 'rowsPerTable' | 'loadMs' | 'indexMs'>;
  counts: Record<string, number>;
}

/** Medians of every figure over the repetitions (each ratio is the ratio of the medians). */
export function summarize(engine: string, size: string, reps: readonly Repetition[]): Summary {
  const med = (pick: (r: Repetition) => number) => median(reps.map(pick));
  const loadFloor = med((r) => r.loadFloor.loadMs + r.loadFloor.indexMs);
  const pushes = Object.fromEntries(
    PUSHES.map(({ kind, compression }) => {
      const e2eMs = med((r) => r.pushes[kind].e2eMs);
      const decodeFloorMs = med((r) => r.decodeFloorMs[compression]);
      const floorMs = decodeFloorMs + loadFloor;
      const summary: PushSummary = {
        e2eMs,
        httpMs: med((r) => r.pushes[kind].httpMs),
        phases: Object.fromEntries(PHASES.map((p) => [p, med((r) => r.pushes[kind].phases[p])])) as Record<Phase, number>,
        peakRssBytes: med((r) => r.pushes[kind].peakRssBytes),
        databaseBytes: med((r) => r.pushes[kind].databaseBytes),
        walBytes: med((r) => r.pushes[kind].walBytes),
        readMs: med((r) => r.pushes[kind].readMs),
        readFailures: reps.filter((r) => r.pushes[kind].readError !== undefined).length,
        decodeFloorMs,
        floorMs,
        ratio: e2eMs / floorMs,
      };
      return [kind, summary];
    }),
  ) as Record<PushKind, PushSummary>;
  const first = reps[0]!;
  return {
    engine,
    size,
    runs: reps.length,
    pushes,
    emptyDatabaseBytes: med((r) => r.emptyDatabaseBytes),
    load: { ...first.loadFloor, loadMs: med((r) => r.loadFloor.loadMs), indexMs: med((r) => r.loadFloor.indexMs) },
    counts: first.pushes['plain, first'].counts,
  };
}

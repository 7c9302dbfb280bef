import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from './accessgraph-cli.js';
import { request, requestJson } from './api-client.js';
import { onCleanup } from './cleanup.js';
import type { EngineRun } from './engine.js';
import { latencies, type Latencies } from './latencies.js';
import { startServerProcess } from './server-process.js';

/** The questions whose first page is measured against its floor: a principal's access, access to an entity. */
export const FLOOR_QUESTIONS = ['access', 'accessors'] as const;
export type FloorQuestion = (typeof FLOOR_QUESTIONS)[number];

/** Answers as the server sent them (JSON text), in the order they were asked, by question. */
export type RecordedAnswers = Record<FloorQuestion, string[]>;

/** Recorded answers, kept in a file until the floor is measured (the benchmark's client does not hold them meanwhile). */
export interface RecordedAnswersFile {
  file: string;
  counts: Record<FloorQuestion, number>;
  averageBytes: Record<FloorQuestion, number>;
  dispose(): void;
}

/** The answers to each question's paths, as the server at `url` sends them, written to a file. */
export async function recordAnswers(url: string, key: string, paths: Record<FloorQuestion, readonly string[]>): Promise<RecordedAnswersFile> {
  const recorded: RecordedAnswers = { access: [], accessors: [] };
  for (const question of FLOOR_QUESTIONS) {
    for (const path of paths[question]) {
      const res = await request(`${url}${path}`, { key });
      if (res.status !== 200) throw new Error(`GET ${path} answered ${res.status}: ${res.text.slice(0, 500)}`);
      recorded[question].push(res.text);
    }
  }
  const dir = mkdtempSync(join(tmpdir(), 'accessgraph-floor-'));
  const dispose = onCleanup(`directory ${dir}`, () => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'answers.json');
  writeFileSync(file, JSON.stringify(recorded));
  const average = (texts: string[]) => texts.reduce((n, t) => n + Buffer.byteLength(t), 0) / Math.max(1, texts.length);
  return {
    file,
    counts: { access: recorded.access.length, accessors: recorded.accessors.length },
    averageBytes: { access: average(recorded.access), accessors: average(recorded.accessors) },
    dispose: () => void dispose(),
  };
}

/**
 * The floor of a question's first page: the recorded answers, asked in the same order by the same
 * client, from a server that holds them in memory (answer-floor-server.ts) — HTTP, the key check,
 * logging, serialisation and the client's parse, and no query. A first page can be no faster than
 * its floor; the ratio to it is what the query costs on top. Measured last, once every other figure
 * is taken: the second server process then disturbs none of them.
 */
export async function measureAnswerFloor(run: EngineRun, key: string, recorded: RecordedAnswersFile): Promise<Record<FloorQuestion, Latencies>> {
  try {
    const server = await startServerProcess(['--import', 'tsx', join(ROOT, 'bench', 'answer-floor-server.ts'), recorded.file, run.dataDir], run.env);
    try {
      const floor = (question: FloorQuestion) =>
        latencies(
          Array.from({ length: recorded.counts[question] }, (_, i) => i),
          (i) => requestJson(`${server.url}/floor/${question}/${i}`, key),
        );
      return { access: await floor('access'), accessors: await floor('accessors') };
    } finally {
      await server.stop();
    }
  } finally {
    recorded.dispose();
  }
}

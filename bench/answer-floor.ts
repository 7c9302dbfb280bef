import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from './accessgraph-cli.js';
import { requestJson } from './api-client.js';
import type { EngineRun } from './engine.js';
import { latencies, type Latencies } from './latencies.js';
import { startServerProcess } from './server-process.js';

/** The questions whose first page is measured against its floor: a principal's access, access to an entity. */
export const FLOOR_QUESTIONS = ['access', 'accessors'] as const;

/** Answers as the server sent them (JSON text), in the order they were asked, by question. */
export type RecordedAnswers = Record<(typeof FLOOR_QUESTIONS)[number], string[]>;

/**
 * The floor of a question's first page: the same answers, asked in the same order by the same
 * client, from a server that holds them in memory (answer-floor-server.ts) — HTTP, the key check,
 * logging, serialisation and the client's parse, and no query. A first page can be no faster than
 * its floor; the ratio to it is what the query costs on top.
 */
export async function measureAnswerFloor(run: EngineRun, key: string, recorded: RecordedAnswers): Promise<Record<keyof RecordedAnswers, Latencies>> {
  const dir = mkdtempSync(join(tmpdir(), 'accessgraph-floor-'));
  try {
    const file = join(dir, 'answers.json');
    writeFileSync(file, JSON.stringify(recorded));
    const server = await startServerProcess(['--import', 'tsx', join(ROOT, 'bench', 'answer-floor-server.ts'), file, run.dataDir], run.env);
    try {
      const floor = async (question: keyof RecordedAnswers) => {
        const indices = recorded[question].map((_, i) => i);
        return latencies(indices, (i) => requestJson(`${server.url}/floor/${question}/${i}`, key));
      };
      return { access: await floor('access'), accessors: await floor('accessors') };
    } finally {
      await server.stop();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

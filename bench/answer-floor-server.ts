/**
 * The answer floor's server, run by answer-floor.ts as a process of its own: the real application
 * on the benchmark's store, with the CLI's logging, the same key check and the same response
 * schemas, plus one route per question kind that answers recorded answers from memory. Nothing
 * else than HTTP, authentication, serialisation and the client's parse is left in such a request:
 * what a real question costs beyond it is the database's and the query code's.
 * Usage: node --import tsx bench/answer-floor-server.ts <answers.json> <data dir> (DATABASE_URL as the server's).
 */
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { CountedValuesEnvelope, EffectivePermission, EntityAccessRow } from '@accessgraph/contract';
import { serverLogger } from '@accessgraph/cli';
import { buildApp } from '@accessgraph/server';
import { openStore } from '@accessgraph/storage';
import { FLOOR_QUESTIONS, type FloorQuestion, type RecordedAnswers } from './answer-floor.js';

/** The response schema of each question's real route (graph-routes.ts), so answers serialise as theirs do. */
const RESPONSES: Record<FloorQuestion, ReturnType<typeof CountedValuesEnvelope>> = {
  access: CountedValuesEnvelope(EffectivePermission),
  accessors: CountedValuesEnvelope(EntityAccessRow),
};

const [answersFile, dataDir] = process.argv.slice(2);
if (answersFile === undefined || dataDir === undefined) throw new Error('usage: answer-floor-server.ts <answers.json> <data dir>');
const recorded = JSON.parse(readFileSync(answersFile, 'utf8')) as RecordedAnswers;
const store = await openStore({ dataDir, ...(process.env.DATABASE_URL ? { databaseUrl: process.env.DATABASE_URL } : {}) });
const app = await buildApp({ store, logger: serverLogger('info') });
for (const question of FLOOR_QUESTIONS) {
  // Parsed once: each request serialises the same objects anew, as a real answer is serialised.
  const answers = recorded[question].map((text) => JSON.parse(text) as unknown);
  app.get<{ Params: { n: string } }>(`/floor/${question}/:n`, { config: { access: 'reader' }, schema: { response: { 200: RESPONSES[question] } } }, (request) =>
    Promise.resolve(answers[Number(request.params.n)]),
  );
}
await app.listen({ port: 0, host: '127.0.0.1' });
const { port } = app.server.address() as AddressInfo;
process.stderr.write(`Accessgraph HTTP server on http://127.0.0.1:${port} (answer floor)\n`);
const stop = () => void app.close().then(() => store.close()).then(() => process.exit(0));
process.once('SIGTERM', stop);
process.once('SIGINT', stop);

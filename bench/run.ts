/**
 * The ingest benchmark (issue 4, part 6): `npm run bench`. For each payload size and engine it
 * pushes generated payloads over HTTP to a real server (the compiled CLI), plain and GZIP, each
 * twice, and prints per push the end-to-end time, the server's phases, its peak RSS and the
 * database size; then the floor measured in the same run on the same database (decode + parse of
 * the same body, raw bulk load of the same rows with the same indexes) and the ratio. Then the
 * identity suite (identities.ts): IdP and HRIS pushes, and an IdP re-push that re-resolves 1M links.
 * Then the query suite (queries.ts): the query API on a generated organisation, beside node-casbin.
 * Then the update suite (updates.ts): an incremental push against the full push, and a multipart upload.
 * Options: see options.ts (`npm run bench -- --help`).
 */
import { availableParallelism, cpus, totalmem } from 'node:os';
import { assertBuilt } from './accessgraph-cli.js';
import { cleanUpOnSignals, cleanupAll } from './cleanup.js';
import type { Engine } from './engine.js';
import { generateAppPayload } from './generate-app-payload.js';
import { formatIdentityResults, linkCountProblems, measureIdentities, medianRun, prepareIdentityBodies, type IdentityMeasurement } from './identities.js';
import { readOptions, repetitionsFor } from './options.js';
import { formatQueryResults, measureCasbin, measureQueries, prepareQueryBodies, type CasbinMeasurement, type QueryMeasurement } from './queries.js';
import { countPayload } from './payload-counts.js';
import { postgresEngine } from './postgres-engine.js';
import { measureOnce, type Repetition } from './repetition.js';
import { formatMarkdown, formatSummary } from './report.js';
import { encodePayload, type EncodedPayload } from './request-bodies.js';
import { sqliteEngine } from './sqlite-engine.js';
import { formatUpdateResults, measureUpdates, prepareUpdateBodies, type UpdateMeasurement } from './updates.js';
import { summarize, type Summary } from './summary.js';
import { count, mb, seconds } from './units.js';
import { shapeForBytes, type PayloadSize } from './workload.js';

const log = (line = '') => console.log(line);

/** Generates the payload of a size and encodes it both ways; only the encoded bodies are kept. */
function preparePayload(size: PayloadSize): EncodedPayload {
  const started = performance.now();
  const shape = shapeForBytes(size.bytes);
  const payload = generateAppPayload(shape);
  const counts = countPayload(payload);
  const text = JSON.stringify(payload);
  const generated = performance.now();
  const encoded = encodePayload(text);
  log(`\n=== ${size.label}: payload ${mb(encoded.payloadBytes)} (${count(encoded.payloadBytes)} bytes), generated in ${seconds(generated - started)}, encoded in ${seconds(performance.now() - generated)}`);
  log(
    `    ${count(counts.users)} users (${shape.groupsPerUser} groups each), ${count(counts.groups)} nested groups, ${counts.roles} roles, ${counts.permissions} permissions, ` +
      `${count(counts.resources)} resources (depth ${shape.resourceDepth}), ${count(counts.bindingEntries)} binding entries = ${count(counts.assignments)} role and permission assignments`,
  );
  log(`    json_data as sent: plain ${mb(encoded.jsonData.none.length)}, GZIP (base64) ${mb(encoded.jsonData.GZIP.length)}`);
  return encoded;
}

async function main(): Promise<number> {
  cleanUpOnSignals();
  const options = readOptions(process.argv.slice(2), process.env);
  assertBuilt();
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  log(`Accessgraph benchmark: ${availableParallelism()} cores (${cpu}), ${mb(totalmem())} memory, Node ${process.version}`);

  const engines: Engine[] = [];
  for (const name of options.engines) {
    const engine = name === 'sqlite' ? sqliteEngine : postgresEngine(options.postgresUrl);
    const reason = await engine.unavailable();
    if (reason) log(`skipping ${name}: ${reason}`);
    else {
      engines.push(engine);
      log(`engine: ${await engine.version()}`);
    }
  }

  const summaries: Summary[] = [];
  let failures = 0;
  for (const size of options.suites.includes('ingest') ? options.sizes : []) {
    const encoded = preparePayload(size);
    for (const engine of engines) {
      const runs = repetitionsFor(options, size);
      const reps: Repetition[] = [];
      const label = engine.name === 'sqlite' ? 'SQLite' : 'PostgreSQL';
      for (let i = 1; i <= runs; i++) {
        log(`  ${label}, run ${i} of ${runs}`);
        try {
          reps.push(await measureOnce(engine, encoded, options.pauseMs, (line) => log(line)));
        } catch (error) {
          failures += 1;
          log(`  ${label}, run ${i} FAILED: ${(error as Error).stack ?? String(error)}`);
          break;
        }
      }
      if (reps.length === 0) continue;
      failures += reps.filter((r) => Object.values(r.pushes).some((p) => p.readError !== undefined)).length;
      const summary = summarize(label, `${size.label} (${mb(encoded.payloadBytes)})`, reps);
      summaries.push(summary);
      log(`\n${formatSummary(summary)}\n`);
    }
  }
  if (summaries.length > 0) log(`\nAll medians (Markdown):\n\n${formatMarkdown(summaries)}`);
  if (options.suites.includes('identities')) failures += await identitySuite(engines, options.identityScale, options.repeat ?? 1, options.pauseMs);
  if (options.suites.includes('queries')) failures += await querySuite(engines, options.identityScale, options.casbinTimeoutMs);
  if (options.suites.includes('updates')) failures += await updateSuite(engines, options.updateSize, options.pauseMs, options.rolesHoldGrants);
  if (failures > 0) log(`\n${failures} run(s) failed or left a data source unanswerable; see above.`);
  return failures > 0 ? 1 : 0;
}

/** The identity suite on every engine; the number of failed measurements. */
async function identitySuite(engines: Engine[], scale: number, repeat: number, pauseMs: number): Promise<number> {
  const bodies = prepareIdentityBodies(scale, log);
  const results: Array<ReturnType<typeof medianRun>> = [];
  let failures = 0;
  for (const engine of engines) {
    const runs: IdentityMeasurement[] = [];
    for (let i = 1; i <= repeat; i++) {
      log(`  ${engine.name === 'sqlite' ? 'SQLite' : 'PostgreSQL'}, run ${i} of ${repeat}`);
      try {
        const result = await measureIdentities(engine, bodies, pauseMs, log);
        const problems = linkCountProblems(result, bodies.shape);
        if (problems.length > 0) {
          failures += 1;
          for (const problem of problems) log(`    link counts: ${problem}`);
        }
        runs.push(result);
      } catch (error) {
        failures += 1;
        log(`  ${engine.name} FAILED: ${(error as Error).stack ?? String(error)}`);
        break;
      }
    }
    if (runs.length > 0) results.push(medianRun(runs));
  }
  if (results.length > 0) log(`\nIdentities, medians (Markdown):\n\n${formatIdentityResults(results)}`);
  return failures;
}

/** The query suite on every engine, then casbin once; the number of failed measurements. */
async function querySuite(engines: Engine[], scale: number, casbinTimeoutMs: number): Promise<number> {
  const bodies = prepareQueryBodies(scale, log);
  const results: QueryMeasurement[] = [];
  let failures = 0;
  for (const engine of engines) {
    log(`  ${engine.name === 'sqlite' ? 'SQLite' : 'PostgreSQL'}`);
    try {
      results.push(await measureQueries(engine, bodies, log));
    } catch (error) {
      failures += 1;
      log(`  ${engine.name} FAILED: ${(error as Error).stack ?? String(error)}`);
    }
  }
  let casbin: CasbinMeasurement | undefined;
  log('  node-casbin');
  try {
    casbin = await measureCasbin(bodies, casbinTimeoutMs, log);
  } catch (error) {
    failures += 1;
    log(`  casbin FAILED: ${(error as Error).stack ?? String(error)}`);
  }
  log(`\nQueries (Markdown):\n\n${formatQueryResults(results, casbin)}`);
  return failures;
}

/** The update suite on every engine; the number of failed measurements. */
async function updateSuite(engines: Engine[], size: PayloadSize, pauseMs: number, rolesHoldGrants: boolean): Promise<number> {
  const bodies = prepareUpdateBodies(size, log, rolesHoldGrants);
  const results: UpdateMeasurement[] = [];
  let failures = 0;
  for (const engine of engines) {
    log(`  ${engine.name === 'sqlite' ? 'SQLite' : 'PostgreSQL'}`);
    try {
      results.push(await measureUpdates(engine, bodies, pauseMs, log));
    } catch (error) {
      failures += 1;
      log(`  ${engine.name} FAILED: ${(error as Error).stack ?? String(error)}`);
    }
  }
  log(`\nUpdates (Markdown):\n\n${formatUpdateResults(results, bodies)}`);
  return failures;
}

try {
  process.exitCode = await main();
} catch (error) {
  console.error((error as Error).stack ?? String(error));
  process.exitCode = 1;
} finally {
  await cleanupAll();
}

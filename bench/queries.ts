import type { ApplicationPayload } from '@accessgraph/contract';
import { createAdminKey } from './accessgraph-cli.js';
import { measureAnswerFloor, recordAnswers } from './answer-floor.js';
import { createDataSource, createProvider, request, requestJson, type BenchDataSource } from './api-client.js';
import { askCasbin, casbinResource, casbinUser } from './casbin-peer.js';
import type { Engine } from './engine.js';
import { generateHrisPayload, generateIdpPayload } from './generate-identity-payloads.js';
import { generateQueryApp, queryOrgShape, resourceName, type QueryOrgShape } from './generate-query-org.js';
import { latencies, type Latencies } from './latencies.js';
import { pushBody, type EncodedPayload } from './request-bodies.js';
import { startServer } from './server-process.js';
import { percentile } from './summary.js';
import { count, mb, seconds } from './units.js';

/**
 * The query benchmark (issue 6): on each engine, the organisation of generate-query-org.ts pushed
 * to a fresh server, then the query API timed over HTTP — access of one IdP user and access to one
 * resource (first page, and the complete answer followed page by page), a path query, paging
 * through a complete answer of 200k rows, and last the first pages' floor (the same answers from
 * memory, answer-floor.ts) — and node-casbin, loaded with the same edges, asked the same questions
 * in the same run through its fastest APIs.
 */

/** Targets of the issue: latencies in milliseconds, speed-ups over casbin. */
export const QUERY_TARGETS = {
  userFirstPageP50: 3,
  userFirstPageP99: 15,
  resourceFirstPageP50: 5,
  resourceFirstPageP99: 20,
  pathP99: 30,
  userCompleteSpeedup: 30,
  resourceCompleteSpeedup: 1_000,
} as const;

/** Sampled questions per measurement (a fixed, spread set: the same on every engine). */
const SAMPLES = { users: 200, resources: 200, paths: 200, casbinUsers: 20 } as const;
/** Extra grants pushed to one application to measure the cost of adding 1,000. */
const ADDED_GRANTS = 1_000;

export interface QueryBodies {
  shape: QueryOrgShape;
  idp: ReturnType<typeof generateIdpPayload>;
  apps: ApplicationPayload[];
  encoded: { idp: EncodedPayload; hris: EncodedPayload; apps: EncodedPayload[]; moreGrants: EncodedPayload };
}

export interface QueryMeasurement {
  engine: string;
  loadMs: number;
  userFirstPage: Latencies;
  userComplete: Latencies & { rows: number };
  resourceFirstPage: Latencies;
  resourceComplete: Latencies & { rows: number };
  /** The first pages' floor: the same answers from memory (answer-floor.ts). */
  answerFloor: { user: Latencies; resource: Latencies };
  paths: (Latencies & { rows: number }) | { unavailable: string };
  completeAnswer: { rows: number; ms: number; rowsPerSecond: number };
  addGrantsMs: number;
}

export interface CasbinMeasurement {
  policies: number;
  groupings: number;
  /** Undefined for a question casbin did not answer (stopped, or never asked after a stop). */
  loadMs: number | undefined;
  userComplete: (Latencies & { rows: number }) | undefined;
  resourceComplete: { ms: number; rows: number } | { stoppedAfterMs: number } | undefined;
  addGrantsMs: number | undefined;
}

const encode = (payload: unknown): EncodedPayload => {
  const text = JSON.stringify(payload);
  return { payloadBytes: Buffer.byteLength(text), jsonData: { none: Buffer.from(JSON.stringify(text)), GZIP: Buffer.alloc(0) } };
};

export function prepareQueryBodies(scale: number, log: (line: string) => void): QueryBodies {
  const started = performance.now();
  const shape = queryOrgShape(scale);
  const idp = generateIdpPayload(shape);
  const apps = Array.from({ length: shape.apps }, (_, i) => generateQueryApp(i, shape));
  const encoded = {
    idp: encode(idp),
    hris: encode(generateHrisPayload(shape)),
    apps: apps.map(encode),
    moreGrants: encode(moreGrants(apps[0]!, shape)),
  };
  const appBytes = encoded.apps.reduce((n, a) => n + a.payloadBytes, 0);
  const pairs = shape.apps * shape.localUsersPerApp * 2 * (1 + shape.childrenPerParent);
  log(`\n=== queries: IdP ${count(shape.users)} users in ${count(shape.groups)} nested groups, HRIS ${count(shape.users)} employees, ${shape.apps} applications of`);
  log(`    ${count(shape.localUsersPerApp)} local users and ${count(shape.parents * (1 + shape.childrenPerParent))} resources each (${mb(appBytes)} in all): ${count(pairs)} (local user, resource) grants; generated in ${seconds(performance.now() - started)}`);
  return { shape, idp, apps, encoded };
}

/**
 * An incremental push of ADDED_GRANTS more grants to application 0: users 0.. also get `reader` on
 * a second parent (each user's entry exists, holding its `editor` assignment: the new assignment is
 * an `add` inside it).
 */
function moreGrants(app: ApplicationPayload, shape: QueryOrgShape): ApplicationPayload {
  const application = app.applications![0]!.name;
  // One new assignment per user; at small scales a user gets several of the grants, as resources of it.
  const resources = new Map<string, string[]>();
  for (let k = 0; k < ADDED_GRANTS; k++) {
    const identity = `a${k % shape.localUsersPerApp}`;
    const resource = resourceName((k * 7 + 1) % shape.parents);
    const list = resources.get(identity) ?? resources.set(identity, []).get(identity)!;
    if (!list.includes(resource)) list.push(resource);
  }
  const entries = [...resources].map(([identity, list]) => ({ identity, role_assignments: [{ operation: 'add' as const, application, role: 'reader', resources: list }] }));
  return { incremental_change: true, identity_to_permissions: entries } as ApplicationPayload;
}

export async function measureQueries(engine: Engine, bodies: QueryBodies, log: (line: string) => void): Promise<QueryMeasurement> {
  const run = await engine.create();
  try {
    const key = await createAdminKey(run.dataDir, run.env);
    const server = await startServer(run.dataDir, run.env);
    try {
      const url = server.url;
      const get = <T>(path: string) => requestJson<T>(`${url}${path}`, key);
      const push = async (ds: BenchDataSource, body: EncodedPayload) => {
        const res = await request(`${url}${ds.path}:push`, { key, body: pushBody(body, 'none', ds.providerId, ds.dataSourceId), timeoutMs: 30 * 60_000 });
        if (res.status !== 200) throw new Error(`a push answered ${res.status}: ${res.text.slice(0, 500)}`);
        return res.ms;
      };
      const loadStarted = performance.now();
      const idpDs = await createDataSource(url, key, await createProvider(url, key, 'identity_provider', 'Org IdP'), 'IdP');
      const hrisDs = await createDataSource(url, key, await createProvider(url, key, 'hris', 'Org HRIS'), 'HRIS');
      await push(idpDs, bodies.encoded.idp);
      await push(hrisDs, bodies.encoded.hris);
      const appProvider = await createProvider(url, key, 'application', 'Org apps');
      const appDs: BenchDataSource[] = [];
      for (const [i, body] of bodies.encoded.apps.entries()) {
        const ds = await createDataSource(url, key, appProvider, `App ${i}`);
        await push(ds, body);
        appDs.push(ds);
      }
      const loadMs = performance.now() - loadStarted;
      log(`    organisation pushed in ${seconds(loadMs)}`);

      const { shape } = bodies;
      const nodeId = async (query: string) => {
        const page = await get<{ values: Array<{ id: string }> }>(`/api/v1/graph/nodes?${query}`);
        if (page.values.length !== 1) throw new Error(`expected one node for ${query}, found ${page.values.length}`);
        return page.values[0]!.id;
      };
      const users = await Promise.all(spread(SAMPLES.users, shape.users).map((i) => nodeId(`type=idp_user&key=u${i}`)));
      // Resources: parents reached by a group, spread over the applications.
      const resources = await Promise.all(
        spread(SAMPLES.resources, shape.apps * shape.localGroupsPerApp).map((n) => {
          const app = n % shape.apps;
          return nodeId(`type=resource&data_source_id=${appDs[app]!.dataSourceId}&key=${resourceName(Math.floor(n / shape.apps) % shape.localGroupsPerApp)}`);
        }),
      );

      const userFirstPage = await latencies(users, (id) => get(`/api/v1/graph/nodes/${id}/access?page_size=100`));
      const userComplete = await completeLatencies(users, (id) => `/api/v1/graph/nodes/${id}/access?page_size=1000`, get);
      log(`    access of an IdP user: first page p50 ${userFirstPage.p50.toFixed(2)} ms, p99 ${userFirstPage.p99.toFixed(2)} ms; complete (${count(userComplete.rows)} rows in all) p50 ${userComplete.p50.toFixed(2)} ms`);
      const resourceFirstPage = await latencies(resources, (id) => get(`/api/v1/graph/nodes/${id}/accessors?page_size=100`));
      const resourceComplete = await completeLatencies(resources, (id) => `/api/v1/graph/nodes/${id}/accessors?page_size=1000`, get);
      log(`    access to a resource: first page p50 ${resourceFirstPage.p50.toFixed(2)} ms, p99 ${resourceFirstPage.p99.toFixed(2)} ms; complete (${count(resourceComplete.rows)} rows in all) p50 ${resourceComplete.p50.toFixed(2)} ms`);
      // The first pages as sent, for their floor (measured last, below).
      const recorded = await recordAnswers(url, key, {
        access: users.map((id) => `/api/v1/graph/nodes/${id}/access?page_size=100`),
        accessors: resources.map((id) => `/api/v1/graph/nodes/${id}/accessors?page_size=100`),
      });
      const paths = await measurePaths(url, key, users, get);
      log('unavailable' in paths ? `    paths: not measured (${paths.unavailable})` : `    path query: p50 ${paths.p50.toFixed(2)} ms, p99 ${paths.p99.toFixed(2)} ms (${count(paths.rows)} paths in all)`);

      const completeAnswer = await pageThrough(`${appDs[0]!.path}/effective_permissions?page_size=1000`, get);
      log(`    complete answer (application 0's effective permissions): ${count(completeAnswer.rows)} rows in ${seconds(completeAnswer.ms)}, ${count(Math.round(completeAnswer.rowsPerSecond))} rows/s`);
      const addGrantsMs = await push(appDs[0]!, bodies.encoded.moreGrants);
      log(`    ${count(ADDED_GRANTS)} grants added (an incremental push to application 0): ${seconds(addGrantsMs)}`);
      const floor = await measureAnswerFloor(run, key, recorded);
      const kb = (bytes: number) => `${(bytes / 1024).toFixed(0)} KB`;
      log(
        `    first pages' floor (the same answers from memory, through the same server and client): user p50 ${floor.access.p50.toFixed(2)} ms (answers of ${kb(recorded.averageBytes.access)} on average), ` +
          `resource p50 ${floor.accessors.p50.toFixed(2)} ms (${kb(recorded.averageBytes.accessors)})`,
      );
      return { engine: engine.name, loadMs, userFirstPage, userComplete, resourceFirstPage, resourceComplete, answerFloor: { user: floor.access, resource: floor.accessors }, paths, completeAnswer, addGrantsMs };
    } finally {
      await server.stop();
    }
  } finally {
    await run.dispose();
  }
}

/** `n` indices spread evenly over 0..total-1. */
function spread(n: number, total: number): number[] {
  const step = total / Math.min(n, total);
  return Array.from({ length: Math.min(n, total) }, (_, i) => Math.floor(i * step));
}

type Get = <T>(path: string) => Promise<T>;
interface PageBody {
  values: unknown[];
  next_page_token: string;
}

/** Every page of an answer, one after the other. */
async function pageThrough(path: string, get: Get): Promise<{ rows: number; ms: number; rowsPerSecond: number }> {
  const started = performance.now();
  let rows = 0;
  let token = '';
  do {
    const page = await get<PageBody>(`${path}${token ? `&page_token=${encodeURIComponent(token)}` : ''}`);
    rows += page.values.length;
    token = page.next_page_token;
  } while (token);
  const ms = performance.now() - started;
  return { rows, ms, rowsPerSecond: (rows * 1000) / ms };
}

function completeLatencies(items: readonly string[], path: (id: string) => string, get: Get): Promise<Latencies & { rows: number }> {
  return latencies(items, async (id) => (await pageThrough(path(id), get)).rows);
}

/** A path query per sampled IdP user, to the first target of its access; unavailable when the server has no path API. */
async function measurePaths(url: string, key: string, users: readonly string[], get: Get): Promise<(Latencies & { rows: number }) | { unavailable: string }> {
  const questions: Array<{ user: string; target: string }> = [];
  for (const user of users.slice(0, SAMPLES.paths)) {
    const page = await get<{ values: Array<{ target: { key: string; data_source_id: string; type: string } }> }>(`/api/v1/graph/nodes/${user}/access?page_size=1`);
    const target = page.values[0]?.target;
    if (target === undefined) continue;
    const found = await get<{ values: Array<{ id: string }> }>(`/api/v1/graph/nodes?type=${target.type}&data_source_id=${target.data_source_id}&key=${encodeURIComponent(target.key)}`);
    questions.push({ user, target: found.values[0]!.id });
  }
  const probe = questions[0] && (await request(`${url}/api/v1/graph/nodes/${questions[0].user}/paths?target=${questions[0].target}`, { key }));
  if (probe === undefined) return { unavailable: 'no sampled user has access' };
  if (probe.status !== 200) return { unavailable: `GET .../paths answered ${probe.status}` };
  return latencies(questions, async (q) => (await get<PageBody>(`/api/v1/graph/nodes/${q.user}/paths?target=${q.target}&page_size=100`)).values.length);
}

/** casbin, loaded with the organisation, asked the same questions (once per run: it does not depend on our engine). */
export async function measureCasbin(bodies: QueryBodies, timeoutMs: number, log: (line: string) => void): Promise<CasbinMeasurement> {
  const { shape } = bodies;
  const answers = await askCasbin(
    bodies.idp,
    bodies.apps,
    {
      users: spread(SAMPLES.casbinUsers, shape.users).map((i) => casbinUser(`u${i}`)),
      grants: Array.from({ length: ADDED_GRANTS }, (_, k) => [`app0:a${k % shape.localUsersPerApp}`, casbinResource(0, resourceName((k * 7 + 1) % shape.parents)), 'read']),
      // Parent 10 of application 0: its group, team10, is linked to the IdP group g10.
      resource: casbinResource(0, resourceName(10)),
    },
    timeoutMs,
    log,
  );
  const { load, user, add, resource, stopped } = answers;
  if (load !== undefined) log(`    casbin loaded in ${seconds(load)}`);
  if (user !== undefined) log(`    casbin, complete access of an IdP user (getImplicitPermissionsForUser): p50 ${percentile(user.times, 50).toFixed(0)} ms (${count(user.rows)} rows for ${user.times.length} users)`);
  if (add !== undefined) log(`    casbin, ${count(ADDED_GRANTS)} grants added (addPolicies): ${seconds(add)}`);
  if (resource !== undefined) log(`    casbin, who can reach one resource (getFilteredPolicy + getImplicitUsersForRole): ${seconds(resource.ms)} (${count(resource.rows)} subjects)`);
  if (stopped !== undefined) log(`    casbin stopped: no answer to "${stopped.stage}" after ${seconds(stopped.afterMs)}`);
  return {
    policies: answers.policies,
    groupings: answers.groupings,
    loadMs: load,
    userComplete: user === undefined ? undefined : { p50: percentile(user.times, 50), p99: percentile(user.times, 99), rows: user.rows },
    resourceComplete: resource ?? (stopped?.stage === 'resource' ? { stoppedAfterMs: stopped.afterMs } : undefined),
    addGrantsMs: add,
  };
}

/** The medians and ratios, one table row per engine, with casbin's figures beside them. */
export function formatQueryResults(results: readonly QueryMeasurement[], casbin: CasbinMeasurement | undefined): string {
  const t = QUERY_TARGETS;
  const lat = (l: Latencies) => `${l.p50.toFixed(2)} / ${l.p99.toFixed(2)} ms`;
  const floor = (f: Latencies, ours: Latencies) => `${f.p50.toFixed(2)} ms (${(ours.p50 / f.p50).toFixed(2)})`;
  const lines = [
    `| engine | load | user, first page p50 / p99 (target ${t.userFirstPageP50} / ${t.userFirstPageP99} ms) | its floor p50 (ratio) | resource, first page p50 / p99 (target ${t.resourceFirstPageP50} / ${t.resourceFirstPageP99} ms) | its floor p50 (ratio) | path p99 (target ${t.pathP99} ms) | user, complete p50 | resource, complete p50 | complete answer | 1,000 grants added |`,
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const r of results) {
    const path = 'unavailable' in r.paths ? `not measured (${r.paths.unavailable})` : `${r.paths.p99.toFixed(2)} ms`;
    const versus = (ours: number, theirs: number | undefined, target: number, qualifier = '') =>
      theirs === undefined ? '' : ` (casbin/ours${qualifier} ${(theirs / ours).toPrecision(2)}, target ${target})`;
    const theirResource = casbin?.resourceComplete === undefined ? undefined : 'ms' in casbin.resourceComplete ? casbin.resourceComplete.ms : casbin.resourceComplete.stoppedAfterMs;
    const atLeast = casbin?.resourceComplete !== undefined && 'stoppedAfterMs' in casbin.resourceComplete ? ' at least' : '';
    lines.push(
      `| ${r.engine} | ${seconds(r.loadMs)} | ${lat(r.userFirstPage)} | ${floor(r.answerFloor.user, r.userFirstPage)} | ${lat(r.resourceFirstPage)} | ${floor(r.answerFloor.resource, r.resourceFirstPage)} | ${path} | ` +
        `${r.userComplete.p50.toFixed(2)} ms${versus(r.userComplete.p50, casbin?.userComplete?.p50, t.userCompleteSpeedup)} | ` +
        `${r.resourceComplete.p50.toFixed(2)} ms${versus(r.resourceComplete.p50, theirResource, t.resourceCompleteSpeedup, atLeast)} | ` +
        `${count(r.completeAnswer.rows)} rows, ${count(Math.round(r.completeAnswer.rowsPerSecond))} rows/s | ${seconds(r.addGrantsMs)} |`,
    );
  }
  if (casbin) {
    const or = (ms: number | undefined, format: (ms: number) => string) => (ms === undefined ? 'not answered' : format(ms));
    const resource = casbin.resourceComplete === undefined ? 'not answered' : 'ms' in casbin.resourceComplete ? seconds(casbin.resourceComplete.ms) : `over ${seconds(casbin.resourceComplete.stoppedAfterMs)} (stopped)`;
    lines.push(
      `| casbin (same run) | ${or(casbin.loadMs, seconds)} (${count(casbin.policies)} p, ${count(casbin.groupings)} g) | — | — | — | — | — | ${or(casbin.userComplete?.p50, (ms) => `${ms.toFixed(0)} ms`)} | ${resource} | — | ${or(casbin.addGrantsMs, seconds)} |`,
    );
  }
  return lines.join('\n');
}

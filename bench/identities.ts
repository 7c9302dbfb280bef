import { createAdminKey } from './accessgraph-cli.js';
import { createDataSource, createProvider, request, type BenchDataSource } from './api-client.js';
import type { Engine, EngineRun } from './engine.js';
import { generateHrisPayload, generateIdpPayload, generateLinkedApp, identityShape, type IdentityShape } from './generate-identity-payloads.js';
import { readPeakRss, resetPeakRss } from './process-memory.js';
import { pushBody, type EncodedPayload } from './request-bodies.js';
import { startServer, type ServerProcess } from './server-process.js';
import { median } from './summary.js';
import { count, mb, seconds } from './units.js';

/**
 * The identity benchmark (issue 5): on each engine, a fresh store and server; an identity
 * provider of 100k users in 10k nested groups and an HRIS of 100k employees, each pushed and
 * timed end to end; then 50 applications with 1M local users in all, every one linked to an IdP
 * user; then the identity provider pushed again in each of the REPUSHES variants, timed, with
 * the link counts after each. `--scale` shrinks the workload for a quick look.
 */

/** Targets of the issue, in milliseconds. */
export const IDENTITY_TARGETS = { idpPushMs: 5_000, hrisPushMs: 5_000, idpRepushMs: 10_000 } as const;

export interface IdentityMeasurement {
  engine: string;
  idp: TimedPush;
  hris: TimedPush;
  /** All application pushes, one after the other. */
  appsMs: number;
  /** Links from the applications to the identity provider after the applications' pushes, and how many there should be. */
  linksBefore: number;
  expectedLinks: number;
  /** The identity provider pushed again, in each of the REPUSHES variants, in that order. */
  repushes: Record<RepushName, { push: TimedPush; links: number }>;
  /** Then INCREMENTAL_RUNS incremental pushes, each changing USER_CHANGES users, with the links after each and how many there should be. */
  incremental: Array<{ push: TimedPush; links: number; expectedLinks: number }>;
  /** Then INCREMENTAL_RUNS incremental pushes of the HRIS, each changing as many employees. */
  hrisIncremental: TimedPush[];
  /** Then INCREMENTAL_RUNS incremental pushes of the identity provider, each changing GROUP_CHANGES groups. */
  groupsIncremental: TimedPush[];
}

/** Users each incremental push changes: emails of some modified (their accounts' links go), some added, some deleted (users that manage no one). */
export const USER_CHANGES = { modified: 400, added: 300, deleted: 300 } as const;
/** Groups each incremental push of groups changes: renamed, moved (under their grandparent), added, deleted (groups with no subgroups). */
export const GROUP_CHANGES = { renamed: 40, moved: 30, added: 20, deleted: 10 } as const;
/** Incremental pushes measured one after the other, each with users of its own; the median is quoted. */
export const INCREMENTAL_RUNS = 3;

/**
 * The identity provider's re-pushes, in order, each with the links to it expected afterwards
 * (given those before and the accounts each IdP user has).
 */
export const REPUSHES = {
  /** The same payload (the connector's daily run). */
  again: { label: 'same payload', links: (before: number) => before },
  /** Its users in reverse order: the same identities, and without kept node ids every user's id would move. */
  reordered: { label: 'users reordered', links: (before: number) => before },
  /** Without its first user: the accounts linked to it lose their link. */
  shifted: { label: 'without its first user', links: (before: number, perUser: number) => before - perUser },
  /** Every user takes the next user's email: every link changes, and is re-resolved and rewritten. */
  rotated: { label: 'every email moved to another user', links: (before: number) => before },
} as const;
export type RepushName = keyof typeof REPUSHES;

interface TimedPush {
  e2eMs: number;
  phases: Record<string, number>;
  peakRssBytes: number;
  warnings: number;
  links?: { links: number; deleted: number; inserted: number };
  /** For an incremental push: whether it was made by difference, else why not. */
  byDifference?: boolean;
  wholeBecause?: string;
}

/** The workload's request bodies, built once for every engine. */
interface Bodies {
  shape: IdentityShape;
  idp: EncodedPayload;
  repushes: Record<RepushName, EncodedPayload>;
  incremental: EncodedPayload[];
  hrisIncremental: EncodedPayload[];
  groupsIncremental: EncodedPayload[];
  hris: EncodedPayload;
  apps: EncodedPayload[];
}

export function prepareIdentityBodies(scale: number, log: (line: string) => void): Bodies {
  const started = performance.now();
  const shape = identityShape(scale);
  // Every push of this suite is plain JSON: compression is the ingest benchmark's subject.
  const encode = (payload: unknown): EncodedPayload => {
    const text = JSON.stringify(payload);
    return { payloadBytes: Buffer.byteLength(text), jsonData: { none: Buffer.from(JSON.stringify(text)), GZIP: Buffer.alloc(0) } };
  };
  const idp = encode(generateIdpPayload(shape));
  const bodies = {
    shape,
    idp,
    repushes: {
      again: idp,
      reordered: encode(reordered(generateIdpPayload(shape))),
      shifted: encode(withoutFirstUser(generateIdpPayload(shape))),
      rotated: encode(emailsRotated(generateIdpPayload(shape))),
    },
    incremental: Array.from({ length: INCREMENTAL_RUNS }, (_, run) => encode(usersChange(shape, run))),
    hrisIncremental: Array.from({ length: INCREMENTAL_RUNS }, (_, run) => encode(employeesChange(shape, run))),
    groupsIncremental: Array.from({ length: INCREMENTAL_RUNS }, (_, run) => encode(groupsChange(shape, run))),
    hris: encode(generateHrisPayload(shape)),
    apps: Array.from({ length: shape.apps }, (_, i) => encode(generateLinkedApp(i, shape))),
  };
  const appBytes = bodies.apps.reduce((n, a) => n + a.payloadBytes, 0);
  log(`\n=== identities: IdP ${count(shape.users)} users in ${count(shape.groups)} nested groups (${mb(bodies.idp.payloadBytes)}), HRIS ${count(shape.users)} employees (${mb(bodies.hris.payloadBytes)}),`);
  log(`    ${shape.apps} applications of ${count(shape.localUsersPerApp)} local users each (${mb(appBytes)} in all), generated in ${seconds(performance.now() - started)}`);
  return bodies;
}

export async function measureIdentities(engine: Engine, bodies: Bodies, pauseMs: number, log: (line: string) => void): Promise<IdentityMeasurement> {
  const run = await engine.create();
  try {
    const key = await createAdminKey(run.dataDir, run.env);
    const server = await startServer(run.dataDir, run.env);
    try {
      const target = async (template: string, name: string) => createDataSource(server.url, key, await createProvider(server.url, key, template, name), 'Bench');
      const idpDs = await target('identity_provider', 'Bench IdP');
      const hrisDs = await target('hris', 'Bench HRIS');
      const appProvider = await createProvider(server.url, key, 'application', 'Bench apps');
      let pushes = 0;
      const timed = async (ds: BenchDataSource, body: EncodedPayload, what: string) => {
        const measured = await timedPush(server, key, ds, body, pushes++);
        const links = measured.links ? `, links ${count(measured.links.links)} (${count(measured.links.deleted)} deleted, ${count(measured.links.inserted)} inserted)` : '';
        log(`    ${what.padEnd(16)} ${seconds(measured.e2eMs)}, peak RSS ${mb(measured.peakRssBytes)}, phases ${JSON.stringify(measured.phases)}, ${measured.warnings} warnings${links}`);
        await new Promise((resolve) => setTimeout(resolve, pauseMs));
        return measured;
      };
      const idp = await timed(idpDs, bodies.idp, 'IdP, first');
      const hris = await timed(hrisDs, bodies.hris, 'HRIS');
      const appsStarted = performance.now();
      for (const [i, body] of bodies.apps.entries()) {
        const ds = await createDataSource(server.url, key, appProvider, `App ${i}`);
        const res = await request(`${server.url}${ds.path}:push`, { key, body: pushBody(body, 'none', ds.providerId, ds.dataSourceId), timeoutMs: 600_000 });
        if (res.status !== 200) throw new Error(`application ${i} answered ${res.status}: ${res.text.slice(0, 500)}`);
        await server.pushLog(pushes++);
      }
      const appsMs = performance.now() - appsStarted;
      log(`    ${bodies.apps.length} applications pushed in ${seconds(appsMs)}`);
      await new Promise((resolve) => setTimeout(resolve, pauseMs));
      const linksBefore = await appLinks(run, idpDs);
      const repushes = {} as IdentityMeasurement['repushes'];
      for (const name of Object.keys(REPUSHES) as RepushName[]) {
        const push = await timed(idpDs, bodies.repushes[name], `IdP, ${name}`);
        repushes[name] = { push, links: await appLinks(run, idpDs) };
      }
      const { shape } = bodies;
      const incremental: IdentityMeasurement['incremental'] = [];
      let links = repushes.rotated.links;
      for (const [i, body] of bodies.incremental.entries()) {
        const push = await timed(idpDs, body, `IdP, change ${i + 1}`);
        log(`      ${push.byDifference ? 'by difference' : `whole state (${push.wholeBecause ?? 'a full push'})`}, ${(push.e2eMs / idp.e2eMs).toFixed(3)} of the first push`);
        // The modified users' new emails and the deleted users are asked by no account any more.
        links -= (USER_CHANGES.modified + USER_CHANGES.deleted) * accountsPerIdpUser(shape);
        incremental.push({ push, links: await appLinks(run, idpDs), expectedLinks: links });
      }
      const hrisIncremental: TimedPush[] = [];
      for (const [i, body] of bodies.hrisIncremental.entries()) {
        const push = await timed(hrisDs, body, `HRIS, change ${i + 1}`);
        log(`      ${push.byDifference ? 'by difference' : `whole state (${push.wholeBecause ?? 'a full push'})`}, ${(push.e2eMs / hris.e2eMs).toFixed(3)} of the first push`);
        hrisIncremental.push(push);
      }
      const groupsIncremental: TimedPush[] = [];
      for (const [i, body] of bodies.groupsIncremental.entries()) {
        const push = await timed(idpDs, body, `IdP, groups ${i + 1}`);
        log(`      ${push.byDifference ? 'by difference' : `whole state (${push.wholeBecause ?? 'a full push'})`}, ${(push.e2eMs / idp.e2eMs).toFixed(3)} of the first push`);
        groupsIncremental.push(push);
      }
      const expectedLinks = shape.apps * (shape.localUsersPerApp + Math.ceil(shape.localGroupsPerApp / 10));
      log(`    links from the applications to the IdP: ${count(linksBefore)} (expected ${count(expectedLinks)}), then ${[...Object.values(repushes), ...incremental].map((r) => count(r.links)).join(', ')}`);
      return { engine: engine.name, idp, hris, appsMs, linksBefore, expectedLinks, repushes, incremental, hrisIncremental, groupsIncremental };
    } finally {
      await server.stop();
    }
  } finally {
    await run.dispose();
  }
}

type IdpBody = ReturnType<typeof generateIdpPayload>;

/** The identity provider's users in reverse order. */
function reordered(payload: IdpBody): IdpBody {
  return { ...payload, users: [...payload.users!].reverse() };
}

/** The identity provider without its first user (and its reports without their manager). */
function withoutFirstUser(payload: IdpBody): IdpBody {
  return { ...payload, users: payload.users!.slice(1).map((u) => (u.manager_id === 'u0' ? { ...u, manager_id: null } : u)) };
}

/** Every user with the next user's email (the last with the first's). */
function emailsRotated(payload: IdpBody): IdpBody {
  const users = payload.users!;
  return { ...payload, users: users.map((u, i) => ({ ...u, email: users[(i + 1) % users.length]!.email })) };
}

/**
 * Run `run`'s change of users, applied after the re-pushes (every user then has the next one's
 * email): the emails of 400 users from the middle modified, 300 users added, and 300 users deleted
 * from the end (the last tenth manage no one: user i's manager is user i / 10), each run its own.
 */
function usersChange(shape: IdentityShape, run: number): unknown {
  const firstModified = Math.floor(shape.users / 2) + run * USER_CHANGES.modified;
  const lastDeleted = shape.users - run * USER_CHANGES.deleted;
  if (lastDeleted - USER_CHANGES.deleted < shape.users / 10 || firstModified + USER_CHANGES.modified > lastDeleted - INCREMENTAL_RUNS * USER_CHANGES.deleted) {
    throw new Error(`an identity provider of ${shape.users} users is too small for ${INCREMENTAL_RUNS} changes of ${USER_CHANGES.modified + USER_CHANGES.deleted} users`);
  }
  const modified = Array.from({ length: USER_CHANGES.modified }, (_, k) => ({ operation: 'modify', identity: `u${firstModified + k}`, name: `user${firstModified + k}`, email: `changed${run}.${firstModified + k}@corp.example` }));
  const added = Array.from({ length: USER_CHANGES.added }, (_, k) => ({ operation: 'add', identity: `new${run}_${k}`, name: `new user ${run}.${k}`, email: `new${run}.${k}@corp.example`, groups: [{ identity: `g${k % shape.groups}` }], manager_id: 'u1' }));
  const deleted = Array.from({ length: USER_CHANGES.deleted }, (_, k) => ({ operation: 'delete', identity: `u${lastDeleted - USER_CHANGES.deleted + k}` }));
  return { incremental_change: true, users: [...modified, ...added, ...deleted] };
}

/**
 * Run `run`'s change of groups, after the users' changes: groups from the middle renamed, the
 * next ones moved under their grandparent (group j is in group (j - 1) / 8, so an ancestor has a
 * lower index and no cycle can form), new groups added under existing ones, and groups with no
 * subgroups deleted from the end (their members' memberships with them), each run its own.
 */
function groupsChange(shape: IdentityShape, run: number): unknown {
  const perRun = GROUP_CHANGES.renamed + GROUP_CHANGES.moved;
  const first = Math.floor(shape.groups / 2) + run * perRun;
  const lastDeleted = shape.groups - run * GROUP_CHANGES.deleted;
  if (first + perRun > lastDeleted - INCREMENTAL_RUNS * GROUP_CHANGES.deleted || (lastDeleted - GROUP_CHANGES.deleted) * 8 + 1 < shape.groups) {
    throw new Error(`an identity provider of ${shape.groups} groups is too small for ${INCREMENTAL_RUNS} changes of groups`);
  }
  const grandparent = (j: number) => Math.floor((Math.floor((j - 1) / 8) - 1) / 8);
  const renamed = Array.from({ length: GROUP_CHANGES.renamed }, (_, k) => ({ operation: 'modify', identity: `g${first + k}`, name: `group ${first + k}, renamed ${run}` }));
  const moved = Array.from({ length: GROUP_CHANGES.moved }, (_, k) => {
    const j = first + GROUP_CHANGES.renamed + k;
    return { operation: 'modify', identity: `g${j}`, name: `group ${j}`, groups: [{ identity: `g${grandparent(j)}` }] };
  });
  const added = Array.from({ length: GROUP_CHANGES.added }, (_, k) => ({ operation: 'add', identity: `ng${run}_${k}`, name: `new group ${run}.${k}`, groups: [{ identity: `g${k}` }] }));
  const deleted = Array.from({ length: GROUP_CHANGES.deleted }, (_, k) => ({ operation: 'delete', identity: `g${lastDeleted - GROUP_CHANGES.deleted + k}` }));
  return { incremental_change: true, groups: [...renamed, ...moved, ...added, ...deleted] };
}

/**
 * Run `run`'s change of employees: the emails of 400 employees from the middle modified (those
 * without an idp_id link by it), 300 added under an existing manager, 300 deleted from the end.
 */
function employeesChange(shape: IdentityShape, run: number): unknown {
  const firstModified = Math.floor(shape.users / 2) + run * USER_CHANGES.modified;
  const lastDeleted = shape.users - run * USER_CHANGES.deleted;
  const modified = Array.from({ length: USER_CHANGES.modified }, (_, k) => ({ operation: 'modify', id: `e${firstModified + k}`, email: `moved${run}.${firstModified + k}@corp.example` }));
  const added = Array.from({ length: USER_CHANGES.added }, (_, k) => ({
    operation: 'add',
    id: `hired${run}_${k}`,
    employee_number: `H${run}_${k}`,
    first_name: 'New',
    last_name: `${run}.${k}`,
    email: `hired${run}.${k}@corp.example`,
    employment_status: 'ACTIVE',
    is_active: true,
    groups: [{ id: 'dept0' }],
    managers: [{ id: 'e1' }],
  }));
  const deleted = Array.from({ length: USER_CHANGES.deleted }, (_, k) => ({ operation: 'delete', id: `e${lastDeleted - USER_CHANGES.deleted + k}` }));
  return { incremental_change: true, employees: [...modified, ...added, ...deleted] };
}

/** Whether the link counts are the expected ones after every push; the lines that say how not, if not. */
export function linkCountProblems(result: IdentityMeasurement, shape: IdentityShape): string[] {
  const problems: string[] = [];
  if (result.linksBefore !== result.expectedLinks) problems.push(`${count(result.linksBefore)} links after the applications' pushes, expected ${count(result.expectedLinks)}`);
  for (const name of Object.keys(REPUSHES) as RepushName[]) {
    const expected = REPUSHES[name].links(result.linksBefore, accountsPerIdpUser(shape));
    const found = result.repushes[name].links;
    if (found !== expected) problems.push(`${count(found)} links after the re-push "${REPUSHES[name].label}", expected ${count(expected)}`);
  }
  for (const [i, change] of result.incremental.entries()) {
    if (change.links !== change.expectedLinks) problems.push(`${count(change.links)} links after incremental push ${i + 1}, expected ${count(change.expectedLinks)}`);
    if (change.push.byDifference !== true) problems.push(`incremental push ${i + 1} went the whole-state way: ${change.push.wholeBecause ?? 'no reason logged'}`);
  }
  for (const [i, push] of result.hrisIncremental.entries()) {
    if (push.byDifference !== true) problems.push(`incremental HRIS push ${i + 1} went the whole-state way: ${push.wholeBecause ?? 'no reason logged'}`);
  }
  for (const [i, push] of result.groupsIncremental.entries()) {
    if (push.byDifference !== true) problems.push(`incremental push of groups ${i + 1} went the whole-state way: ${push.wholeBecause ?? 'no reason logged'}`);
  }
  return problems;
}

/** Accounts each IdP user has across the applications (every local user links to one IdP user). */
export function accountsPerIdpUser(shape: IdentityShape): number {
  return (shape.apps * shape.localUsersPerApp) / shape.users;
}

async function timedPush(server: ServerProcess, key: string, ds: BenchDataSource, body: EncodedPayload, logIndex: number): Promise<TimedPush> {
  resetPeakRss(server.pid);
  const res = await request(`${server.url}${ds.path}:push`, { key, body: pushBody(body, 'none', ds.providerId, ds.dataSourceId), timeoutMs: 30 * 60_000 });
  const peakRssBytes = readPeakRss(server.pid);
  if (res.status !== 200) throw new Error(`the push answered ${res.status}: ${res.text.slice(0, 1_000)}`);
  const log = await server.pushLog(logIndex);
  return {
    e2eMs: res.ms,
    phases: log.phases_ms,
    peakRssBytes,
    warnings: log.warnings,
    ...(log.links ? { links: log.links } : {}),
    ...(log.by_difference !== undefined ? { byDifference: log.by_difference } : {}),
    ...(log.whole_state_because ? { wholeBecause: log.whole_state_because } : {}),
  };
}

/** Links whose identity is in the identity provider's data source, made by identities entries. */
function appLinks(run: EngineRun, idp: BenchDataSource): Promise<number> {
  return run.scalar(`select count(*) from identity_links where rule = 'identities' and to_ds = (select seq from data_sources where id = '${idp.dataSourceId}')`);
}

/** Medians over the runs of one engine (a run is one fresh store with every push of the suite). */
export function medianRun(runs: readonly IdentityMeasurement[]): IdentityMeasurement & { runs: number } {
  const m = (pick: (r: IdentityMeasurement) => number) => median(runs.map(pick));
  const push = (pick: (r: IdentityMeasurement) => TimedPush): TimedPush => ({
    e2eMs: m((r) => pick(r).e2eMs),
    phases: Object.fromEntries(Object.keys(pick(runs[0]!).phases).map((p) => [p, m((r) => pick(r).phases[p] ?? 0)])),
    peakRssBytes: Math.max(...runs.map((r) => pick(r).peakRssBytes)),
    warnings: m((r) => pick(r).warnings),
  });
  const repushes = {} as IdentityMeasurement['repushes'];
  for (const name of Object.keys(REPUSHES) as RepushName[]) repushes[name] = { push: push((r) => r.repushes[name].push), links: m((r) => r.repushes[name].links) };
  const incremental = runs[0]!.incremental.map((_, i) => ({ push: push((r) => r.incremental[i]!.push), links: m((r) => r.incremental[i]!.links), expectedLinks: runs[0]!.incremental[i]!.expectedLinks }));
  const hrisIncremental = runs[0]!.hrisIncremental.map((_, i) => push((r) => r.hrisIncremental[i]!));
  const groupsIncremental = runs[0]!.groupsIncremental.map((_, i) => push((r) => r.groupsIncremental[i]!));
  return {
    engine: runs[0]!.engine,
    runs: runs.length,
    idp: push((r) => r.idp),
    hris: push((r) => r.hris),
    appsMs: m((r) => r.appsMs),
    linksBefore: m((r) => r.linksBefore),
    expectedLinks: runs[0]!.expectedLinks,
    repushes,
    incremental,
    hrisIncremental,
    groupsIncremental,
  };
}

/** One line per engine with its medians against the targets (peak RSS: the highest of any run). */
export function formatIdentityResults(results: ReadonlyArray<IdentityMeasurement & { runs: number }>): string {
  const names = Object.keys(REPUSHES) as RepushName[];
  const lines = [
    `| engine | runs | IdP push (target 5 s) | HRIS push (target 5 s) | 50 applications | ${names.map((n) => `IdP re-push, ${REPUSHES[n].label} (target 10 s)`).join(' | ')} | IdP incremental, ${count(USER_CHANGES.modified + USER_CHANGES.added + USER_CHANGES.deleted)} users, median of ${INCREMENTAL_RUNS} / IdP push | HRIS incremental, as many employees / HRIS push | IdP incremental, ${count(GROUP_CHANGES.renamed + GROUP_CHANGES.moved + GROUP_CHANGES.added + GROUP_CHANGES.deleted)} groups, median / IdP push | links before, then after each re-push and incremental push | peak RSS |`,
    `| --- | --- | --- | --- | --- | ${names.map(() => '---').join(' | ')} | --- | --- | --- | --- | --- |`,
  ];
  for (const r of results) {
    const ratio = (ms: number, targetMs: number) => `${seconds(ms)} (${(ms / targetMs).toFixed(2)}x the target)`;
    const rss = Math.max(r.idp.peakRssBytes, r.hris.peakRssBytes, ...names.map((n) => r.repushes[n].push.peakRssBytes));
    lines.push(
      `| ${r.engine} | ${r.runs} | ${ratio(r.idp.e2eMs, IDENTITY_TARGETS.idpPushMs)} | ${ratio(r.hris.e2eMs, IDENTITY_TARGETS.hrisPushMs)} | ${seconds(r.appsMs)} | ` +
        `${names.map((n) => ratio(r.repushes[n].push.e2eMs, IDENTITY_TARGETS.idpRepushMs)).join(' | ')} | ${incrementalCell(r.incremental.map((c) => c.push), r.idp)} | ${incrementalCell(r.hrisIncremental, r.hris)} | ${incrementalCell(r.groupsIncremental, r.idp)} | ` +
        `${[r.linksBefore, ...names.map((n) => r.repushes[n].links), ...r.incremental.map((c) => c.links)].map(count).join(' / ')} | ${mb(rss)} |`,
    );
  }
  return lines.join('\n');
}

/** Incremental pushes' median, and its share of the data source's first (full) push. */
function incrementalCell(pushes: readonly TimedPush[], full: TimedPush): string {
  if (pushes.length === 0) return '—';
  const ms = median(pushes.map((p) => p.e2eMs));
  return `${seconds(ms)}, ${(ms / full.e2eMs).toFixed(3)}`;
}

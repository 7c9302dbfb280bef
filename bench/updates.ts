import type { ApplicationPayload, OaaIdentityToPermission, OaaLocalUser } from '@accessgraph/contract';
import { createAdminKey } from './accessgraph-cli.js';
import { createDataSource, createProvider, request, requestJson, type BenchDataSource } from './api-client.js';
import type { Engine } from './engine.js';
import { generateAppPayload } from './generate-app-payload.js';
import { readPeakRss, resetPeakRss } from './process-memory.js';
import { startServer, type ServerProcess } from './server-process.js';
import { count, mb, seconds } from './units.js';
import { shapeForBytes, type PayloadSize } from './workload.js';

/**
 * The update benchmark (issue 7): on each engine, a fresh store and server; an application
 * payload of the given size pushed in full, then INCREMENTAL_RUNS incremental pushes, each changing
 * 1,000 other entities (modifies 400 users, adds 300 with their role assignments, deletes 300 with
 * theirs), their median timed against the full push (goal: at most 1/20 of it); then changes of existing
 * users' bindings, of resources, of groups (moved and deleted: the principals below are reached
 * anew) and of a role's permissions (its holders' grants derived anew), and one moving a group with
 * a quarter of the tree below it; then the same full payload sent as a
 * multipart upload (`:parts`) in 10 MB chunks, as oaaclient does for large payloads, timed
 * against the single push.
 */

/** The issue's goal: an incremental push of 1,000 entities costs at most this share of the full push. */
export const INCREMENTAL_GOAL = 1 / 20;
export const CHUNK_BYTES = 10 * 1024 * 1024;
const CHUNK_LABEL = '10 MiB';
const CHANGES = { modified: 400, added: 300, deleted: 300 } as const;
/** Incremental pushes measured one after the other, each with users of its own; the median is quoted. */
export const INCREMENTAL_RUNS = 5;
/** Pushes of each of the other two kinds of change, each with users or resources of its own. */
export const OTHER_RUNS = 3;
/** Entities each of those changes: existing users given a role assignment; resources modified and added; groups moved and deleted. */
const OTHER_CHANGES = { bindings: 1_000, resourcesModified: 700, resourcesAdded: 300, groupsMoved: 50, groupsDeleted: 10 } as const;

export interface UpdateBodies {
  size: PayloadSize;
  /** The full payload's JSON. */
  payload: Buffer;
  /** The incremental payloads' JSON, one per run. */
  incremental: Buffer[];
  /** Changes of bindings in existing users' entries, one per run. */
  bindings: Buffer[];
  /** Changes of resources, one per run. */
  resources: Buffer[];
  /** Groups moved and deleted, one per run. */
  groups: Buffer[];
  /** A role's permissions changed, one per run. */
  roles: Buffer[];
  /** A top-level permission's inheritance changed, one per run. */
  permissions: Buffer[];
  /** The application's description modified. */
  application: Buffer;
  /** The second group, a quarter of the group tree below it, moved under the third. */
  topGroup: Buffer;
  users: number;
}

export interface UpdateMeasurement {
  engine: string;
  full: TimedRequest;
  /** Every incremental push, in order. */
  incremental: TimedRequest[];
  bindings: TimedRequest[];
  resources: TimedRequest[];
  groups: TimedRequest[];
  roles: TimedRequest[];
  permissions: TimedRequest[];
  application: TimedRequest;
  topGroup: TimedRequest;
  multipart: { totalMs: number; chunks: number; uploadMs: number[]; completeMs: number; peakRssBytes: number };
}

interface TimedRequest {
  e2eMs: number;
  phases: Record<string, number>;
  peakRssBytes: number;
  localUsers: number | undefined;
  byDifference: boolean;
  wholeBecause?: string;
}

export function prepareUpdateBodies(size: PayloadSize, log: (line: string) => void, rolesHoldGrants = false): UpdateBodies {
  const started = performance.now();
  const payload = generateAppPayload(shapeForBytes(size.bytes));
  const app = payload.applications![0]!;
  // Each role holds a grant of its own (of perm_0, which no change below touches) on one resource:
  // the roles a principal holds become part of its reach.
  if (rolesHoldGrants) {
    for (const [i, role] of app.local_roles!.entries()) {
      payload.identity_to_permissions!.push({ identity: role.id!, identity_type: 'local_role', application_permissions: [{ application: app.name, permission: payload.permissions![0]!.name, resources: [app.resources![i % app.resources!.length]!.id!] }] });
    }
  }
  const users = app.local_users!;
  const incremental = Array.from({ length: INCREMENTAL_RUNS }, (_, run) => Buffer.from(JSON.stringify(incrementalChange(payload, run))));
  const json = (change: ApplicationPayload) => Buffer.from(JSON.stringify(change));
  const bodies = {
    size,
    payload: Buffer.from(JSON.stringify(payload)),
    incremental,
    bindings: Array.from({ length: OTHER_RUNS }, (_, run) => json(bindingsChange(payload, run))),
    resources: Array.from({ length: OTHER_RUNS }, (_, run) => json(resourcesChange(payload, run))),
    groups: Array.from({ length: OTHER_RUNS }, (_, run) => json(groupsChange(payload, run))),
    roles: Array.from({ length: OTHER_RUNS }, (_, run) => json(roleChange(payload, run))),
    permissions: Array.from({ length: OTHER_RUNS }, (_, run) => json(permissionChange(payload, run))),
    application: json({ incremental_change: true, applications: [{ operation: 'modify', name: app.name, description: 'modified by the update benchmark' }] } as ApplicationPayload),
    topGroup: json({ incremental_change: true, applications: [{ name: app.name, local_groups: [{ operation: 'modify', id: 'g1', name: app.local_groups![1]!.name, groups: ['g2'] }] }] } as ApplicationPayload),
    users: users.length,
  };
  log(
    `\n=== updates: ${size.label} application payload ${mb(bodies.payload.length)} (${count(users.length)} users${rolesHoldGrants ? ', roles holding grants of their own' : ''}); incremental change of ` +
      `${CHANGES.modified + CHANGES.added + CHANGES.deleted} users ${mb(bodies.incremental[0]!.length)}, ${INCREMENTAL_RUNS} times; generated in ${seconds(performance.now() - started)}`,
  );
  return bodies;
}

/**
 * Run `run`'s change: modifies the emails of the users after those earlier runs modified, adds new
 * users with a role assignment each, deletes users before those earlier runs deleted.
 */
function incrementalChange(payload: ApplicationPayload, run: number): ApplicationPayload {
  const app = payload.applications![0]!;
  const users = app.local_users!;
  const role = app.local_roles![0]!.id!;
  const resource = app.resources![0]!.id!;
  const firstModified = run * CHANGES.modified;
  const modified: OaaLocalUser[] = users.slice(firstModified, firstModified + CHANGES.modified).map((u) => ({ operation: 'modify', id: u.id!, name: u.name, email: `changed.${u.email!}` }));
  const added: OaaLocalUser[] = Array.from({ length: CHANGES.added }, (_, i) => ({
    operation: 'add',
    id: `new${run}_${i}`,
    name: `new user ${run}.${i}`,
    email: `new${run}.${i}@example.com`,
    identities: [`new${run}.${i}@example.com`],
  }));
  const lastDeleted = users.length - run * CHANGES.deleted;
  const deleted: OaaLocalUser[] = users.slice(lastDeleted - CHANGES.deleted, lastDeleted).map((u) => ({ operation: 'delete', id: u.id!, name: u.name }));
  const bindings: OaaIdentityToPermission[] = added.map((u) => ({
    operation: 'add',
    identity: u.id!,
    identity_type: 'local_user',
    role_assignments: [{ application: app.name, role, resources: [resource] }],
  }));
  return { incremental_change: true, applications: [{ name: app.name, application_type: app.application_type, local_users: [...modified, ...added, ...deleted] }], identity_to_permissions: bindings } as ApplicationPayload;
}

/**
 * Run `run`'s change of bindings: existing users each given one more role assignment, on a resource,
 * in their stored entries, among those the user changes above leave alone (they modify the first
 * and delete the last). The role given is one the user does not hold.
 */
function bindingsChange(payload: ApplicationPayload, run: number): ApplicationPayload {
  const app = payload.applications![0]!;
  const roles = app.local_roles!.map((r) => r.id!);
  const resource = app.resources![1]!.id!;
  const users = app.local_users!;
  const untouched = new Set(users.slice(INCREMENTAL_RUNS * CHANGES.modified, users.length - INCREMENTAL_RUNS * CHANGES.deleted).map((u) => u.id!));
  const candidates = payload.identity_to_permissions!.filter((entry) => entry.identity_type === 'local_user' && untouched.has(entry.identity));
  if (candidates.length < OTHER_RUNS * OTHER_CHANGES.bindings) throw new Error(`the payload has ${candidates.length} users with entries the user changes leave alone; the bindings changes need ${OTHER_RUNS * OTHER_CHANGES.bindings}`);
  const entries = candidates.slice(run * OTHER_CHANGES.bindings, (run + 1) * OTHER_CHANGES.bindings).map((entry) => {
    const held = new Set((entry.role_assignments ?? []).map((a) => a.role));
    const role = roles.find((id) => !held.has(id))!;
    return { identity: entry.identity, role_assignments: [{ operation: 'add', application: app.name, role, resources: [resource] }] };
  });
  return { incremental_change: true, identity_to_permissions: entries } as ApplicationPayload;
}

/**
 * Run `run`'s change of a role: role r(1 + 2·run) given another permission in place of its own.
 * Every binding of it, and of the role that includes it where there is one, grants anew: a few
 * thousand users' and groups' entries, read back and derived anew, with the principals below those
 * groups reached anew.
 */
function roleChange(payload: ApplicationPayload, run: number): ApplicationPayload {
  const app = payload.applications![0]!;
  const role = app.local_roles![1 + 2 * run]!;
  const permission = payload.permissions!.find((p) => !(role.permissions ?? []).includes(p.name))!.name;
  return { incremental_change: true, applications: [{ name: app.name, local_roles: [{ operation: 'modify', id: role.id, name: role.name, permissions: [permission] }] }] } as ApplicationPayload;
}

/**
 * Run `run`'s change of a top-level permission: perm_(1 + 4·run) made to apply to sub-resources or
 * not. Every binding that reaches it, directly or through the roles granting it, grants anew: a
 * large share of the data source's entries, read back and derived anew.
 */
function permissionChange(payload: ApplicationPayload, run: number): ApplicationPayload {
  const permission = payload.permissions![1 + 4 * run]!;
  return { incremental_change: true, permissions: [{ operation: 'modify', name: permission.name, apply_to_sub_resources: !permission.apply_to_sub_resources }] } as unknown as ApplicationPayload;
}

/** Run `run`'s change of resources: the descriptions of top-level resources modified, and new top-level resources added. */
function resourcesChange(payload: ApplicationPayload, run: number): ApplicationPayload {
  const app = payload.applications![0]!;
  const first = run * OTHER_CHANGES.resourcesModified;
  const modified = app.resources!.slice(first, first + OTHER_CHANGES.resourcesModified).map((r) => ({ operation: 'modify', id: r.id, name: r.name, description: `changed in run ${run}` }));
  const type = app.resources![0]!.resource_type;
  const added = Array.from({ length: OTHER_CHANGES.resourcesAdded }, (_, i) => ({ operation: 'add', id: `added${run}_${i}`, name: `added resource ${run}.${i}`, resource_type: type }));
  return { incremental_change: true, applications: [{ name: app.name, resources: [...modified, ...added] }] } as ApplicationPayload;
}

/**
 * Run `run`'s change of groups: groups of the second half of the tree (a few below each) moved
 * under groups of its first hundreds, and groups after them deleted. A group's members and
 * subgroups come after it in the tree (group i is in group (i - 1) / 4), so a new parent of a lower
 * index is never below the group it takes in: no cycle.
 */
function groupsChange(payload: ApplicationPayload, run: number): ApplicationPayload {
  const app = payload.applications![0]!;
  const groups = app.local_groups!;
  const first = Math.floor(groups.length / 2) + run * (OTHER_CHANGES.groupsMoved + OTHER_CHANGES.groupsDeleted);
  if (first + OTHER_CHANGES.groupsMoved + OTHER_CHANGES.groupsDeleted > groups.length) throw new Error(`the payload has ${groups.length} groups; the groups changes need more`);
  const moved = groups.slice(first, first + OTHER_CHANGES.groupsMoved).map((g, i) => ({ operation: 'modify', id: g.id, name: g.name, groups: [`g${(first + i) % Math.min(400, first)}`] }));
  const deleted = groups.slice(first + OTHER_CHANGES.groupsMoved, first + OTHER_CHANGES.groupsMoved + OTHER_CHANGES.groupsDeleted).map((g) => ({ operation: 'delete', id: g.id, name: g.name }));
  return { incremental_change: true, applications: [{ name: app.name, local_groups: [...moved, ...deleted] }] } as ApplicationPayload;
}

export async function measureUpdates(engine: Engine, bodies: UpdateBodies, pauseMs: number, log: (line: string) => void): Promise<UpdateMeasurement> {
  const run = await engine.create();
  try {
    const key = await createAdminKey(run.dataDir, run.env);
    const server = await startServer(run.dataDir, run.env);
    try {
      const provider = await createProvider(server.url, key, 'application', 'Bench updates');
      const ds = await createDataSource(server.url, key, provider, 'Full then incremental');
      let pushes = 0;
      const pause = () => new Promise((resolve) => setTimeout(resolve, pauseMs));
      const full = await timedPush(server, key, ds, bodies.payload, pushes++);
      log(`    full push         ${seconds(full.e2eMs)}, phases ${JSON.stringify(full.phases)}, peak RSS ${mb(full.peakRssBytes)}`);
      await pause();
      const incremental: TimedRequest[] = [];
      for (const [run, body] of bodies.incremental.entries()) {
        const timed = await timedPush(server, key, ds, body, pushes++);
        const expected = bodies.users + (run + 1) * (CHANGES.added - CHANGES.deleted);
        if (timed.localUsers !== expected) throw new Error(`after incremental push ${run + 1} the data source has ${timed.localUsers} local users, expected ${expected}`);
        log(
          `    incremental push  ${seconds(timed.e2eMs)} (${(timed.e2eMs / full.e2eMs).toFixed(3)} of the full push; goal ${INCREMENTAL_GOAL}), ` +
            `phases ${JSON.stringify(timed.phases)}, peak RSS ${mb(timed.peakRssBytes)}`,
        );
        incremental.push(timed);
        await pause();
      }
      const other = async (kind: string, bodiesOfKind: Buffer[]) => {
        const timings: TimedRequest[] = [];
        for (const body of bodiesOfKind) {
          const timed = await timedPush(server, key, ds, body, pushes++);
          log(`    ${kind.padEnd(17)} ${seconds(timed.e2eMs)} (${(timed.e2eMs / full.e2eMs).toFixed(3)} of the full push), ${timed.byDifference ? 'by difference' : `whole state (${timed.wholeBecause ?? 'a full push'})`}, phases ${JSON.stringify(timed.phases)}`);
          timings.push(timed);
          await pause();
        }
        return timings;
      };
      const bindings = await other('bindings change', bodies.bindings);
      const resources = await other('resources change', bodies.resources);
      const groups = await other('groups change', bodies.groups);
      const roles = await other('role redefined', bodies.roles);
      const permissions = await other('permission changed', bodies.permissions);
      const [application] = await other('app modified', [bodies.application]);
      const [topGroup] = await other('top group moved', [bodies.topGroup]);
      await pause();
      const multipartDs = await createDataSource(server.url, key, provider, 'Multipart');
      const multipart = await multipartUpload(server, key, multipartDs, bodies.payload);
      await server.pushLog(pushes++);
      log(
        `    multipart upload  ${seconds(multipart.totalMs)} in ${multipart.chunks} chunks of ${CHUNK_LABEL} (${(multipart.totalMs / full.e2eMs).toFixed(2)} of the single push): ` +
          `uploads ${multipart.uploadMs.map((ms) => seconds(ms)).join(', ')}; complete ${seconds(multipart.completeMs)}; peak RSS ${mb(multipart.peakRssBytes)}`,
      );
      return { engine: engine.name, full, incremental, bindings, resources, groups, roles, permissions, application: application!, topGroup: topGroup!, multipart };
    } finally {
      await server.stop();
    }
  } finally {
    await run.dispose();
  }
}

async function timedPush(server: ServerProcess, key: string, ds: BenchDataSource, payload: Buffer, logIndex: number): Promise<TimedRequest> {
  const body = Buffer.concat([Buffer.from('{"json_data":'), Buffer.from(JSON.stringify(payload.toString('utf8'))), Buffer.from(',"compression_type":"none"}')]);
  resetPeakRss(server.pid);
  const res = await request(`${server.url}${ds.path}:push`, { key, body, timeoutMs: 30 * 60_000 });
  const peakRssBytes = readPeakRss(server.pid);
  if (res.status !== 200) throw new Error(`the push answered ${res.status}: ${res.text.slice(0, 1_000)}`);
  const log = await server.pushLog(logIndex);
  return { e2eMs: res.ms, phases: log.phases_ms, peakRssBytes, localUsers: log.counts.local_users, byDifference: log.by_difference === true, ...(log.whole_state_because ? { wholeBecause: log.whole_state_because } : {}) };
}

/** oaaclient's multipart path: start, one upload per chunk of the payload's bytes (base64), complete; each timed. */
async function multipartUpload(server: ServerProcess, key: string, ds: BenchDataSource, payload: Buffer): Promise<UpdateMeasurement['multipart']> {
  const url = `${server.url}${ds.path}:parts`;
  resetPeakRss(server.pid);
  const started = performance.now();
  const { upload_id: uploadId } = await requestJson<{ upload_id: string }>(url, key, { operation: 'start' });
  const uploadMs: number[] = [];
  let sequence = 0;
  for (let offset = 0; offset < payload.length; offset += CHUNK_BYTES) {
    sequence += 1;
    const data = payload.subarray(offset, offset + CHUNK_BYTES).toString('base64');
    const res = await request(url, { key, body: { operation: 'upload', upload_id: uploadId, sequence_number: sequence, data }, timeoutMs: 10 * 60_000 });
    if (res.status !== 200) throw new Error(`chunk ${sequence} answered ${res.status}: ${res.text.slice(0, 500)}`);
    uploadMs.push(res.ms);
  }
  const complete = await request(url, { key, body: { operation: 'complete', upload_id: uploadId, sequence_count: sequence }, timeoutMs: 30 * 60_000 });
  if (complete.status !== 200) throw new Error(`complete answered ${complete.status}: ${complete.text.slice(0, 1_000)}`);
  return { totalMs: performance.now() - started, chunks: sequence, uploadMs, completeMs: complete.ms, peakRssBytes: readPeakRss(server.pid) };
}

/** The suite's results as a Markdown table. */
export function formatUpdateResults(results: readonly UpdateMeasurement[], bodies: UpdateBodies): string {
  const lines = [
    `Payload ${mb(bodies.payload.length)}; incremental changes of 1,000 users (${mb(bodies.incremental[0]!.length)}), ${INCREMENTAL_RUNS} of them; ` +
      `${OTHER_RUNS} changes of ${count(OTHER_CHANGES.bindings)} existing users' bindings, ${OTHER_RUNS} of ${count(OTHER_CHANGES.resourcesModified + OTHER_CHANGES.resourcesAdded)} resources, ` +
      `${OTHER_RUNS} of groups (${OTHER_CHANGES.groupsMoved} moved, ${OTHER_CHANGES.groupsDeleted} deleted), ${OTHER_RUNS} of a role's permissions, ${OTHER_RUNS} of a top-level permission's inheritance, ` +
      `one of the application's description and one moving the second group (a quarter of the tree below it); multipart in chunks of ${CHUNK_LABEL}.`,
    '',
    `| engine | full push | incremental push, median of ${INCREMENTAL_RUNS} (min – max) | incremental / full (goal ≤ 0.05) | bindings change, median / full | resources change, median / full | groups change, median / full | role redefined, median / full | permission changed, median / full | application modified / full | top group moved / full | multipart upload | multipart / single push |`,
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const r of results) {
    const users = medianOf(r.incremental);
    const other = (timings: TimedRequest[]) => {
      const median = medianOf(timings);
      const whole = timings.filter((t) => !t.byDifference).length;
      return `${seconds(median.ms)}, ${(median.ms / r.full.e2eMs).toFixed(3)}${whole > 0 ? ` (${whole} of ${timings.length} whole)` : ''}`;
    };
    lines.push(
      `| ${r.engine} | ${seconds(r.full.e2eMs)} | ${seconds(users.ms)} (${seconds(users.min)} – ${seconds(users.max)}) | ${(users.ms / r.full.e2eMs).toFixed(3)} | ` +
        `${other(r.bindings)} | ${other(r.resources)} | ${other(r.groups)} | ${other(r.roles)} | ${other(r.permissions)} | ${other([r.application])} | ${other([r.topGroup])} | ${seconds(r.multipart.totalMs)} (${r.multipart.chunks} chunks) | ${(r.multipart.totalMs / r.full.e2eMs).toFixed(2)} |`,
    );
  }
  return lines.join('\n');
}

function medianOf(timings: readonly TimedRequest[]): { ms: number; min: number; max: number } {
  const times = timings.map((t) => t.e2eMs).sort((a, b) => a - b);
  return { ms: times[Math.floor(times.length / 2)]!, min: times[0]!, max: times.at(-1)! };
}

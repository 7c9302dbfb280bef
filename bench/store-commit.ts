/**
 * Storage micro benchmark: times Store.commitPush of a large synthetic DerivedGraph, first into a
 * fresh data source and then replacing it, on SQLite and (when a URL is given) on PostgreSQL, and
 * how much the database grows from one replacing commit to the next.
 *
 *   npx tsx bench/store-commit.ts [--engine sqlite|postgres|both] [--runs 3] [--replaces 2]
 *                                 [--grants 1000000] [--pg postgres://...]
 *
 * The PostgreSQL URL defaults to $BENCH_PG_URL, then $TEST_PG_URL; without one only SQLite runs.
 * Each run uses a fresh database (a temporary SQLite file, a new PostgreSQL schema, dropped after).
 * The graph's shape follows a ~100 MB application payload: ~71k nodes (50k users, 5k groups,
 * 14k resources in a tree), a has_role / has_permission edge per assignment, ~1M grants (10%
 * limited by resource type), ~101k reach rows, ~40k ancestry rows, 50k identity references.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { AncestryTable, EdgeTable, GrantTable, ReachTable, tableRows, type DerivedGraph, type GraphEdge, type GraphNode, type GrantRow, type ReachRow } from '@accessgraph/core';
import { openPostgresStore, openSqliteStore, type KyselyStore, type PushCommit } from '@accessgraph/storage';
import { random } from './generate-app-payload.js';

const { values: args } = parseArgs({
  options: {
    engine: { type: 'string', default: 'both' },
    runs: { type: 'string', default: '3' },
    replaces: { type: 'string', default: '2' },
    grants: { type: 'string', default: '1000000' },
    pg: { type: 'string', default: process.env.BENCH_PG_URL ?? process.env.TEST_PG_URL ?? '' },
  },
});
const RUNS = Number(args.runs);
const REPLACES = Number(args.replaces);
const GRANTS = Number(args.grants);

/** A synthetic derivation with the proportions of a large application payload, scaled by `grants`. */
function syntheticGraph(grantCount: number): DerivedGraph {
  const rnd = random(42);
  const scale = grantCount / 1_000_000;
  const users = Math.round(50_000 * scale);
  const groups = Math.max(1, Math.round(5_000 * scale));
  const topResources = Math.max(1, Math.round(2_000 * scale));
  const nodes: GraphNode[] = [];
  const edges: GraphEdge[] = [];
  const app = 'app:generated app';
  const node = (spec: Omit<GraphNode, 'id' | 'tags' | 'appId' | 'parentId' | 'resourceType'> & Partial<GraphNode>): number => {
    const id = nodes.length;
    nodes.push({ appId: 0, parentId: null, resourceType: null, tags: [], ...spec, id });
    if (id > 0) edges.push({ kind: 'contains', from: spec.parentId ?? 0, to: id });
    return id;
  };
  node({ kind: 'application', key: app, localKey: 'Generated App', name: 'Generated App', nodeType: 'OAA.generated.Application', appId: null, properties: {}, tags: [{ key: 'env', value: 'prod' }] });
  const pad = (n: number) => String(n).padStart(7, '0');
  const userIds: number[] = [];
  for (let i = 0; i < users; i++) {
    userIds.push(
      node({
        kind: 'local_user',
        key: `${app}/user:u${pad(i)}`,
        localKey: `u${pad(i)}`,
        name: `user ${pad(i)}`,
        nodeType: 'OAA.generated.User',
        properties: { email: `user${i}@example.com`, is_active: rnd() > 0.05, created_at: '2024-01-02T03:04:05Z' },
        ...(i % 100 === 0 ? { tags: [{ key: 'team', value: `t${i % 7}` }] } : {}),
      }),
    );
  }
  const groupIds: number[] = [];
  for (let i = 0; i < groups; i++) {
    groupIds.push(node({ kind: 'local_group', key: `${app}/group:g${i}`, localKey: `g${i}`, name: `group_${i}`, nodeType: 'OAA.generated.Group', properties: {} }));
  }
  const roleIds: number[] = [];
  for (let i = 0; i < 20; i++) {
    roleIds.push(node({ kind: 'local_role', key: `${app}/role:r${i}`, localKey: `r${i}`, name: `role_${i}`, nodeType: 'OAA.generated.Role', properties: {} }));
  }
  const permissionIds: number[] = [];
  for (let i = 0; i < 12; i++) {
    const id = node({
      kind: 'permission',
      key: `${app}/permission:perm_${i}`,
      localKey: `perm_${i}`,
      name: `perm_${i}`,
      nodeType: 'OAA.generated.Permission',
      properties: { permission_type: ['DataRead', 'MetadataRead'], apply_to_sub_resources: i % 3 === 0, resource_types: i % 5 === 4 ? ['folder'] : [] },
    });
    edges.pop(); // permissions are not contained by the application
    permissionIds.push(id);
  }
  // Resources: a tree of depth 3, two children per resource.
  const resourceIds: number[] = [];
  const ancestry = [{ node: 0, ancestor: 0, depth: 0 }];
  const addResource = (path: string, parent: number | null, depth: number): void => {
    const id = node({
      kind: 'resource',
      key: `${app}/resource:${path}`,
      localKey: path,
      name: `resource ${path.split('.').pop()}`,
      nodeType: `OAA.generated.${depth === 1 ? 'repository' : 'folder'}.${parent === null ? 'Resource' : 'SubResource'}`,
      parentId: parent,
      resourceType: depth === 1 ? 'repository' : 'folder',
      properties: { resource_type: depth === 1 ? 'repository' : 'folder' },
    });
    resourceIds.push(id);
    ancestry.push({ node: id, ancestor: id, depth: 0 });
    let d = 1;
    for (let up = parent; up !== null; up = nodes[up]!.parentId) ancestry.push({ node: id, ancestor: up, depth: d++ });
    ancestry.push({ node: id, ancestor: 0, depth: d });
    if (depth < 3) for (let j = 0; j < 2; j++) addResource(`${path}.c${j}`, id, depth + 1);
  };
  for (let i = 0; i < topResources; i++) addResource(`res${i}`, null, 1);

  // Each user in one group, groups in a flat list: reach = self + group.
  const reach: ReachRow[] = [];
  for (const u of userIds) {
    const g = groupIds[Math.floor(rnd() * groupIds.length)]!;
    edges.push({ kind: 'member_of', from: u, to: g });
    reach.push({ principal: u, holder: u, depth: 0 }, { principal: u, holder: g, depth: 1 });
  }
  for (const g of groupIds) reach.push({ principal: g, holder: g, depth: 0 });

  // Grants in holder order, as a derivation emits them binding by binding.
  const grants: GrantRow[] = [];
  const holders = [...userIds, ...groupIds.slice(0, 50)];
  const perHolder = grantCount / holders.length;
  for (let h = 0; h < holders.length && grants.length < grantCount; h++) {
    const holder = holders[h]!;
    const want = Math.min(grantCount - grants.length, Math.round((h + 1) * perHolder) - grants.length);
    for (let k = 0; k < want; k++) {
      const scope = rnd() < 0.02 ? 0 : resourceIds[Math.floor(rnd() * resourceIds.length)]!;
      const viaRole = rnd() < 0.7;
      const typed = rnd() < 0.1;
      const role = viaRole ? roleIds[Math.floor(rnd() * roleIds.length)]! : null;
      const permission = permissionIds[Math.floor(rnd() * permissionIds.length)]!;
      grants.push({ holder, permission, scope, self: true, descendants: rnd() < 0.33, types: typed ? ['folder'] : null, role });
      // Roughly one has_role / has_permission edge per assignment (a role assignment yields several grants).
      if (!viaRole || k % 3 === 0) {
        edges.push({
          kind: viaRole ? 'has_role' : 'has_permission',
          from: holder,
          to: role ?? permission,
          properties: { apply_to_application: scope === 0, resources: scope === 0 ? [] : [nodes[scope]!.localKey] },
        });
      }
    }
  }
  const identityRefs = userIds.map((u, i) => ({ node: u, identity: `user${i}@example.com`, source: 'identities' as const }));
  return {
    nodes,
    edges: EdgeTable.from(edges),
    reach: ReachTable.from(reach),
    ancestry: AncestryTable.from(ancestry),
    grants: GrantTable.from(grants),
    identityRefs,
    types: { application_types: ['generated'], resource_types: ['repository', 'folder'], idp_types: [], hris_types: [] },
    counts: { nodes: nodes.length, grants: grants.length },
  };
}

interface Bench {
  store: KyselyStore;
  size(): Promise<number>;
  dispose(): Promise<void>;
}

async function sqliteBench(): Promise<Bench> {
  const dir = mkdtempSync(join(tmpdir(), 'accessgraph-bench-'));
  const store = await openSqliteStore(join(dir, 'bench.db'));
  return {
    store,
    // The database file and its WAL: what the disk holds.
    size: async () => readdirSync(dir).reduce((sum, f) => sum + statSync(join(dir, f)).size, 0),
    async dispose() {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function postgresBench(url: string): Promise<Bench> {
  const schema = `bench_${randomBytes(6).toString('hex')}`;
  const store = await openPostgresStore(url, { schema });
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  return {
    store,
    async size() {
      const result = await admin.query<{ bytes: string }>(
        `select coalesce(sum(pg_total_relation_size(c.oid)), 0) as bytes
           from pg_class c join pg_namespace n on n.oid = c.relnamespace
          where n.nspname = $1 and c.relkind in ('r', 'm')`,
        [schema],
      );
      return Number(result.rows[0]!.bytes);
    },
    async dispose() {
      await store.close();
      await admin.query(`drop schema if exists ${schema} cascade`);
      await admin.end();
    },
  };
}

const T0 = Date.parse('2026-01-01T00:00:00.000Z');
let tick = 0;

async function timedCommit(store: KyselyStore, providerId: string, dataSourceId: string, graph: DerivedGraph): Promise<number> {
  const now = new Date(T0 + ++tick * 1000).toISOString();
  const commit: PushCommit = {
    providerId,
    template: 'application',
    dataSourceId,
    graph,
    state: new Uint8Array(randomBytes(1024)),
    record: {
      id: randomUUID(),
      data_source_id: dataSourceId,
      started_at: now,
      duration_ms: 1,
      key_id: null,
      size_bytes: 100_000_000,
      compression: 'none',
      incremental: false,
      outcome: 'SUCCESS',
      counts: graph.counts,
      warnings: [],
      errors: [],
    },
    now,
  };
  const started = performance.now();
  await store.commitPush(commit);
  return performance.now() - started;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};
const ms = (x: number) => `${(x / 1000).toFixed(2)} s`;
const mb = (x: number) => `${(x / 1024 / 1024).toFixed(1)} MB`;

async function benchEngine(name: string, open: () => Promise<Bench>, graph: DerivedGraph): Promise<void> {
  const first: number[] = [];
  const replacing: number[] = [];
  const growth: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    const bench = await open();
    try {
      const provider = await bench.store.createProvider({ id: randomUUID(), name: 'Bench', customTemplate: 'application', provisioning: false, options: {}, state: 'ENABLED', now: new Date(T0).toISOString() });
      // A second, small data source: the big one's commits must not disturb it.
      const ds = await bench.store.createDataSource({ id: randomUUID(), providerId: provider.id, name: 'big', now: new Date(T0).toISOString() });
      first.push(await timedCommit(bench.store, provider.id, ds.id, graph));
      let size = await bench.size();
      const line = [`${name} run ${run + 1}: first ${ms(first.at(-1)!)}`];
      for (let r = 0; r < REPLACES; r++) {
        replacing.push(await timedCommit(bench.store, provider.id, ds.id, graph));
        const after = await bench.size();
        if (r > 0) growth.push(after - size);
        line.push(`replace ${ms(replacing.at(-1)!)} (db ${mb(after)})`);
        size = after;
      }
      console.log(line.join(', '));
    } finally {
      await bench.dispose();
    }
  }
  console.log(
    `${name} median: first commit ${ms(median(first))}, replacing commit ${ms(median(replacing))}` +
      (growth.length > 0 ? `, growth per replacing commit ${mb(median(growth))}` : ''),
  );
}

const graph = syntheticGraph(GRANTS);
const grantTypes = tableRows(graph.grants).reduce((n, g) => n + (g.types?.length ?? 0), 0);
console.log(
  `graph: ${graph.nodes.length} nodes, ${graph.edges.length} edges, ${graph.reach.length} reach, ${graph.ancestry.length} ancestry, ` +
    `${graph.grants.length} grants (${grantTypes} grant types), ${graph.identityRefs.length} identity refs`,
);
if (args.engine === 'sqlite' || args.engine === 'both') await benchEngine('sqlite', sqliteBench, graph);
if (args.engine === 'postgres' || args.engine === 'both') {
  if (args.pg) await benchEngine('postgres', () => postgresBench(args.pg!), graph);
  else console.log('postgres: skipped (no --pg, BENCH_PG_URL or TEST_PG_URL)');
}

import { randomUUID } from 'node:crypto';
import { PAYLOAD_TEMPLATES, applyToHrisSlice, applyToIdpSlice, applyToSlice, planHrisDelta, planIdpDelta, planLeafDelta, type SliceOutcome } from '@accessgraph/core';
import type { CustomTemplate } from '@accessgraph/contract';
import type { KyselyStore } from '../kysely-store.js';
import type { PushTarget } from './push-payload.js';
import type { TestDatabase } from './test-backends.js';

type Json = Record<string, unknown>;

/**
 * A change made by difference, as the push service makes it (minus the schema check, which the
 * routes' tests cover), with its warnings; or why it was not: the stored state cannot take it by
 * difference (`whole`), or it is not a leaf change at all (`not a leaf change`).
 */
export async function commitByDifference(store: KyselyStore, target: PushTarget, change: Json, template: CustomTemplate = 'application'): Promise<{ warnings: string[] } | { whole: string }> {
  const applied = await applyByDifference(store, target, change, template);
  if ('whole' in applied) return applied;
  const { outcome, pushedAt } = applied;
  const committed = await store.commitLeafDelta({
    ...target,
    template,
    delta: outcome.delta,
    graph: outcome.graph,
    change: Buffer.from(JSON.stringify(change)),
    basePushedAt: pushedAt,
    record: { id: randomUUID(), data_source_id: target.dataSourceId, started_at: new Date().toISOString(), duration_ms: 1, key_id: null, size_bytes: 1, compression: 'none', incremental: true, outcome: 'SUCCESS', counts: {}, warnings: [], errors: [] },
    now: new Date().toISOString(),
  });
  return { warnings: [...outcome.warnings.map((w) => w.message), ...committed.linkWarnings.map((w) => w.message)] };
}

async function applyByDifference(store: KyselyStore, target: PushTarget, change: Json, template: CustomTemplate): Promise<{ outcome: Extract<SliceOutcome, { kind: 'delta' }>; pushedAt: string } | { whole: string }> {
  let read: { pushedAt: string; apply: () => SliceOutcome } | { whole: string };
  if (template === 'application') {
    const plan = planLeafDelta(change);
    if (plan === undefined) return { whole: 'not a leaf change' };
    const slice = await store.readLeafSlice(target.dataSourceId, plan);
    read = 'whole' in slice ? slice : { pushedAt: slice.pushedAt, apply: () => applyToSlice(slice.slice, slice.plan, change, PAYLOAD_TEMPLATES.application, () => []) };
  } else if (template === 'hris') {
    const plan = planHrisDelta(change);
    if (plan === undefined) return { whole: 'not a leaf change' };
    const slice = await store.readHrisSlice(target.dataSourceId, plan);
    read = 'whole' in slice ? slice : { pushedAt: slice.pushedAt, apply: () => applyToHrisSlice(slice.slice, plan, change, PAYLOAD_TEMPLATES.hris, () => []) };
  } else {
    const plan = planIdpDelta(change);
    if (plan === undefined) return { whole: 'not a leaf change' };
    const slice = await store.readIdpSlice(target.dataSourceId, plan);
    read = 'whole' in slice ? slice : { pushedAt: slice.pushedAt, apply: () => applyToIdpSlice(slice.slice, plan, change, PAYLOAD_TEMPLATES.identity_provider, () => []) };
  }
  if ('whole' in read) return read;
  const outcome = read.apply();
  if (outcome.kind === 'whole') return { whole: outcome.reason };
  if (outcome.kind === 'refused') throw new Error(`refused by difference: ${JSON.stringify(outcome.violations)}`);
  return { outcome, pushedAt: read.pushedAt };
}

/**
 * A data source's graph by node keys, every table, node ids replaced by keys (they differ between
 * a graph changed by difference and one pushed whole), and its basis' traceless roles; on SQLite
 * also the second-key tables.
 */
export async function graphDump(db: TestDatabase, backend: 'sqlite' | 'postgres', dataSourceId: string): Promise<Record<string, string[]>> {
  const [{ seq }] = (await db.query<{ seq: number }>('select seq from data_sources where id = ?', [dataSourceId])) as [{ seq: number }];
  const ds = Number(seq);
  const table = (name: string) => `${name}__${ds}`;
  const nodes = await db.query<Record<string, unknown>>(`select * from ${table('graph_nodes')}`);
  const key = new Map(nodes.map((n) => [Number(n.id), String(n.node_key)]));
  const k = (id: unknown) => (id === null ? null : key.get(Number(id)));
  const grants = await db.query<Record<string, unknown>>(`select * from ${table('graph_grants')}`);
  const types = await db.query<{ grant_id: number; type_key: string }>(`select grant_id, type_key from ${table('graph_grant_types')}`);
  const grantKey = new Map(grants.map((g) => [Number(g.id), `${k(g.holder)} ${k(g.permission)} ${k(g.scope)} ${k(g.role)}`]));
  const lines = (rows: Array<Record<string, unknown>>, line: (r: Record<string, unknown>) => string) => rows.map(line).sort();
  const result: Record<string, string[]> = {
    nodes: lines(nodes, (n) => [n.node_key, n.kind, n.local_key, n.lookup_key, n.name, n.node_type, k(n.app_id), k(n.parent_id), n.resource_type, n.resource_type_key, sortedJson(n.properties)].join(' | ')),
    edges: lines(await db.query(`select * from ${table('graph_edges')}`), (e) => `${e.kind} ${k(e.from_id)} -> ${k(e.to_id)} ${sortedJson(e.properties)}`),
    reach: lines(await db.query(`select * from ${table('graph_reach')}`), (r) => `${k(r.principal)} -> ${k(r.holder)} @${r.depth}`),
    ancestry: lines(await db.query(`select * from ${table('graph_ancestry')}`), (a) => `${k(a.node)} -> ${k(a.ancestor)} @${a.depth}`),
    grants: lines(grants, (g) => `${grantKey.get(Number(g.id))} self=${g.self} desc=${g.descendants} typed=${g.typed} types=${types.filter((t) => Number(t.grant_id) === Number(g.id)).map((t) => t.type_key).sort().join(',')}`),
    refs: lines(await db.query(`select * from ${table('graph_identity_refs')}`), (r) => `${k(r.node)} ${r.source} ${r.identity}`),
    tags: lines(await db.query('select * from graph_tags where ds = ?', [ds]), (t) => `${t.node_key} ${t.tag_key}=${t.tag_value}`),
    linksFrom: lines(await db.query('select * from identity_links where ds = ?', [ds]), (l) => `${k(l.node)} -> ${l.to_ds}:${l.to_ds === ds ? k(l.to_node) : l.to_node} ${l.rule} ${l.via} ${l.detail}`),
    linksTo: lines(await db.query('select * from identity_links where to_ds = ? and ds <> ?', [ds, ds]), (l) => `${l.ds}:${l.node} -> ${k(l.to_node)} ${l.rule} ${l.via} ${l.detail}`),
  };
  // The basis' traceless roles decide whether a later change may delete a resource by difference: they must follow every change.
  const [state] = await db.query<{ delta_basis: string | null }>('select delta_basis from data_source_states where ds = ?', [ds]);
  const basis = state?.delta_basis ? (JSON.parse(state.delta_basis) as { tracelessRoles?: Array<{ key: string; types: string[] }> }) : {};
  result.tracelessRoles = lines(basis.tracelessRoles ?? [], (r) => `${String(r.key)} ${[...(r.types as string[])].sort().join(',')}`);
  if (backend === 'sqlite') {
    result.grantsByScope = lines(await db.query(`select * from ${table('graph_grants_by_scope')}`), (g) => `${grantKey.get(Number(g.id))} ${k(g.scope)} ${k(g.holder)} ${g.self} ${g.descendants} ${g.typed}`);
    result.reachByHolder = lines(await db.query(`select * from ${table('graph_reach_by_holder')}`), (r) => `${k(r.holder)} <- ${k(r.principal)}`);
  }
  return result;
}

/** Effective permissions as `principal -> target: permissions` lines. */
export async function accessLines(store: KyselyStore, dataSourceId: string): Promise<string[]> {
  const page = await store.listEffectivePermissions(dataSourceId, { pageSize: 1000 });
  return page.items.map((r) => `${r.principal.key} -> ${r.target.key}: ${r.permissions.join(',')}`).sort();
}

/** A JSON column with its keys sorted, so that equal objects print alike. */
function sortedJson(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  const parsed: unknown = typeof value === 'string' ? JSON.parse(value) : value;
  const sort = (v: unknown): unknown =>
    Array.isArray(v) ? v.map(sort) : typeof v === 'object' && v !== null ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, x]) => [k, sort(x)])) : v;
  return JSON.stringify(sort(parsed));
}

/** The counts the data source's last push recorded. */
export async function lastCounts(db: TestDatabase, dataSourceId: string): Promise<Json> {
  const rows = await db.query<{ counts: string }>('select p.counts from pushes p join data_sources d on d.seq = p.ds where d.id = ? order by p.started_at desc limit 1', [dataSourceId]);
  return JSON.parse(rows[0]!.counts) as Json;
}

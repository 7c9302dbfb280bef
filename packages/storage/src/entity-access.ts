import type { Kysely } from 'kysely';
import type { EntityAccessRow, EntityRef, LinkedIdentity } from '@accessgraph/contract';
import type { KeysetValue } from '@accessgraph/core';
import type { Database } from './database.js';
import { findAccessPairs } from './effective-pairs.js';
import { describeAccessRows } from './effective-permissions-query.js';
import { inChunks } from './grant-paths.js';
import type { GraphStorage } from './graph-writer.js';
import { ACCOUNT_RULES } from './member-groups.js';
import { locate } from './node-detail.js';
import { narrowPaths, type PermissionFilter } from './permission-filter.js';
import type { AccessRow } from './person-access.js';
import { StoreError } from './store-error.js';
import type { Page } from './store.js';

/** The kinds of node whose accessors can be asked: what grants reach. */
export const ENTITY_KINDS: readonly string[] = ['application', 'resource'];

export interface EntityAccessRequest extends PermissionFilter {
  /** Only principals of this type (local_user, local_group, access_cred, idp_identity). */
  principalType?: string;
  pageSize: number;
  /** (principal node key) of the last row of the previous page. */
  after?: KeysetValue[];
}

/** Rows read per round while a page fills up under filters. */
const BATCH = 200;

/**
 * Every principal of an application's data source that can reach an application or resource, by
 * principal key, with the permissions and why, and the people behind each: the IdP users and
 * groups it is linked to, with whether they are active, and the HRIS employees linked to those
 * users, with their employment status. `inactive` and `terminated` flag a row whose access is
 * still held by an identity the IdP marks inactive or an employee HR marks terminated — the
 * finding an access review looks for. Undefined for an unknown node id.
 */
export async function listEntityAccess(db: Kysely<Database>, graphs: GraphStorage, nodeId: string, request: EntityAccessRequest): Promise<Page<EntityAccessRow> | undefined> {
  const found = await locate(db, graphs, nodeId);
  if (found === undefined) return undefined;
  const { ds, node } = found;
  if (!ENTITY_KINDS.includes(node.kind)) return { items: [] };
  let after = request.after === undefined ? undefined : cursor(request.after);
  const reader = graphs.reader(db, ds.seq);
  const rows: EntityAccessRow[] = [];
  const keys: string[] = [];
  let more = false;
  for (;;) {
    const pairs = await findAccessPairs(reader, { ds: ds.seq, targetIds: [node.id], ...(after ? { after: [after, node.node_key] as [string, string] } : {}), limit: BATCH });
    if (pairs.length === 0) break;
    after = pairs[pairs.length - 1]!.principalKey;
    const page: AccessRow[] = pairs.map((p) => ({ principalKey: p.principalKey, targetKey: p.targetKey, principal: p.principal, target: p.target, locals: [p.principal] }));
    const described = await describeAccessRows(reader, ds.seq, page);
    const people = await peopleBehind(db, graphs, ds.seq, page.map((p) => p.principal!));
    for (const [i, row] of described.entries()) {
      if (request.principalType !== undefined && row.principal.type !== request.principalType) continue;
      const narrowed = narrowPaths(row, request);
      if (narrowed === undefined) continue;
      if (rows.length === request.pageSize) {
        more = true;
        break;
      }
      const identities = people.get(page[i]!.principal!) ?? [];
      rows.push({
        ...narrowed,
        identities,
        inactive: identities.some((p) => p.active === false),
        terminated: identities.some((p) => p.employees.some((e) => e.terminated)),
      });
      keys.push(page[i]!.principalKey);
    }
    if (more || pairs.length < BATCH) break;
  }
  return more ? { items: rows, nextAfter: [keys[keys.length - 1]!] } : { items: rows };
}

function cursor(after: KeysetValue[]): string {
  if (after.length !== 1 || typeof after[0] !== 'string') throw new StoreError('invalid_cursor', 'page token does not match the accessor order');
  return after[0];
}

/** The IdP principals each local principal is linked to, with the HRIS employees linked to those users. */
async function peopleBehind(db: Kysely<Database>, graphs: GraphStorage, ds: number, principals: number[]): Promise<Map<number, LinkedIdentity[]>> {
  const links = await inChunks([...new Set(principals)], (slice) =>
    db.selectFrom('identity_links').select(['node', 'to_ds', 'to_node']).where('ds', '=', ds).where('node', 'in', slice).where('rule', 'in', ACCOUNT_RULES).execute(),
  );
  const result = new Map<number, LinkedIdentity[]>();
  if (links.length === 0) return result;
  const identities = await describeNodes(db, graphs, links.map((l) => [Number(l.to_ds), Number(l.to_node)] as const));
  const employees = await employeesOf(db, graphs, links.map((l) => [Number(l.to_ds), Number(l.to_node)] as const));
  for (const link of links) {
    const key = `${Number(link.to_ds)}:${Number(link.to_node)}`;
    const identity = identities.get(key);
    if (identity === undefined) continue;
    const list = result.get(Number(link.node)) ?? result.set(Number(link.node), []).get(Number(link.node))!;
    if (list.some((l) => l.identity.data_source_id === identity.ref.data_source_id && l.identity.key === identity.ref.key)) continue;
    const active = identity.properties.is_active;
    list.push({ identity: identity.ref, active: typeof active === 'boolean' ? active : null, employees: employees.get(key) ?? [] });
  }
  return result;
}

/** The HRIS employees linked to each IdP user, by `${idp ds}:${user}`. */
async function employeesOf(db: Kysely<Database>, graphs: GraphStorage, users: ReadonlyArray<readonly [number, number]>): Promise<Map<string, LinkedIdentity['employees']>> {
  const byIdp = new Map<number, number[]>();
  for (const [idp, user] of users) (byIdp.get(idp) ?? byIdp.set(idp, []).get(idp)!).push(user);
  const links: Array<{ ds: number; node: number; to_ds: number; to_node: number }> = [];
  for (const [idp, nodes] of byIdp) {
    const rows = await inChunks([...new Set(nodes)], (slice) =>
      db.selectFrom('identity_links').select(['ds', 'node', 'to_ds', 'to_node']).where('to_ds', '=', idp).where('to_node', 'in', slice).where('rule', '=', 'hris').execute(),
    );
    links.push(...rows.map((r) => ({ ds: Number(r.ds), node: Number(r.node), to_ds: Number(r.to_ds), to_node: Number(r.to_node) })));
  }
  const described = await describeNodes(db, graphs, links.map((l) => [l.ds, l.node] as const));
  const now = Date.now();
  const result = new Map<string, LinkedIdentity['employees']>();
  for (const link of links) {
    const employee = described.get(`${link.ds}:${link.node}`);
    if (employee === undefined) continue;
    const status = typeof employee.properties.employment_status === 'string' ? employee.properties.employment_status : null;
    const ended = typeof employee.properties.termination_date === 'string' ? Date.parse(employee.properties.termination_date) : NaN;
    const key = `${link.to_ds}:${link.to_node}`;
    (result.get(key) ?? result.set(key, []).get(key)!).push({
      employee: employee.ref,
      employment_status: status,
      terminated: status?.toLowerCase() === 'terminated' || (Number.isFinite(ended) && ended <= now),
    });
  }
  return result;
}

/** Nodes of any data sources, by `${ds}:${id}`, with their properties. */
async function describeNodes(db: Kysely<Database>, graphs: GraphStorage, nodes: ReadonlyArray<readonly [number, number]>): Promise<Map<string, { ref: EntityRef; properties: Record<string, unknown> }>> {
  const byDs = new Map<number, Set<number>>();
  for (const [ds, id] of nodes) (byDs.get(ds) ?? byDs.set(ds, new Set()).get(ds)!).add(id);
  const result = new Map<string, { ref: EntityRef; properties: Record<string, unknown> }>();
  if (byDs.size === 0) return result;
  const ids = new Map((await db.selectFrom('data_sources').select(['seq', 'id']).where('seq', 'in', [...byDs.keys()]).execute()).map((r) => [Number(r.seq), r.id]));
  for (const [ds, set] of byDs) {
    const rows = await inChunks([...set], (slice) =>
      graphs.reader(db, ds).selectFrom('graph_nodes').select(['id', 'kind', 'local_key', 'name', 'node_type', 'properties']).where('ds', '=', ds).where('id', 'in', slice).execute(),
    );
    for (const row of rows) {
      result.set(`${ds}:${Number(row.id)}`, {
        ref: { type: row.kind, node_type: row.node_type, key: row.local_key, name: row.name, application: null, data_source_id: ids.get(ds) ?? '' },
        properties: JSON.parse(row.properties) as Record<string, unknown>,
      });
    }
  }
  return result;
}

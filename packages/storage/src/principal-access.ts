import type { Kysely } from 'kysely';
import type { EffectivePermission, EntityRef } from '@accessgraph/contract';
import type { KeysetValue } from '@accessgraph/core';
import type { Database } from './database.js';
import { PRINCIPAL_KINDS } from './effective-pairs.js';
import { findAccessPathsInEach } from './effective-paths.js';
import { byText, describePathRowsInEach, type PathRowsOfDataSource } from './effective-permissions-query.js';
import { inChunks } from './grant-paths.js';
import type { GraphStorage } from './graph-writer.js';
import { accountLinks } from './member-groups.js';
import type { AccessRow } from './person-access.js';
import { locate } from './node-detail.js';
import { checkKind, type KindCheck } from './node-kind.js';
import { narrowPaths, type PermissionFilter } from './permission-filter.js';
import { StoreError } from './store-error.js';
import type { Page } from './store.js';

/** What a principal's access may be narrowed to; strings lower-cased, canonical types as `canonicalKey` gives them. */
export interface PrincipalAccessRequest extends PermissionFilter, KindCheck {
  dataSourceId?: string;
  application?: string;
  resourceType?: string;
  pageSize: number;
  /** (application data source id, target node key) of the last row of the previous page. */
  after?: KeysetValue[];
}

/** Data sources read in one round once the first has been read (side by side on PostgreSQL: `findAccessPathsInEach`). */
const DATA_SOURCES_PER_ROUND = 16;

/** A data source whose rows are still to be read, from a target on. */
interface Reading {
  entry: Entry;
  afterTarget: string | undefined;
}

/** A data source's own principals. */
const LOCAL_PRINCIPALS: readonly string[] = PRINCIPAL_KINDS;
/** The kinds whose access can be asked: a data source's own principals, its roles, IdP users and groups, HRIS employees. */
export const ACCESS_HOLDER_KINDS: readonly string[] = [...PRINCIPAL_KINDS, 'local_role', 'idp_user', 'idp_group', 'hris_employee'];

/** A node whose access is asked, as the access walk needs it. */
export interface AskedNode {
  seq: number;
  dsId: string;
  node: number;
  kind: string;
  ref: EntityRef;
}

/** The principals of one application data source through which the asked node has access. */
interface Entry {
  ds: number;
  dsId: string;
  locals: number[];
}

/**
 * Every application and resource a node can reach, across data sources, one row per (data
 * source, target) in (data source id, target key) order, with the permissions and why. A local
 * principal's access is its data source's expansion; an IdP user's or group's, the union of what
 * the principals linked to it, its IdP groups (nested) and the identities federated to them have
 * in every application (spec §13.3); an HRIS employee's, its IdP users'. Paths name the linked
 * principal they come through. Undefined for an unknown node; a node that holds no access (a
 * resource, a role, a permission) has none (ACCESS_HOLDER_KINDS).
 */
export async function listPrincipalAccess(db: Kysely<Database>, graphs: GraphStorage, nodeId: string, request: PrincipalAccessRequest): Promise<Page<EffectivePermission> | undefined> {
  const asked = await askedNode(db, graphs, nodeId);
  if (asked === undefined) return undefined;
  checkKind(asked.kind, request);
  const after = request.after === undefined ? undefined : cursor(request.after);
  const entries = (await entryPoints(db, graphs, asked)).filter((e) => request.dataSourceId === undefined || e.dsId === request.dataSourceId).sort((a, b) => order(a.dsId, b.dsId));
  const items: EffectivePermission[] = [];
  const keys: Array<[string, string]> = [];
  let more = false;
  // What is left to read, in answer order: each data source from a target on (the cursor's, or where a round stopped).
  const queue: Reading[] = entries
    .filter((entry) => after === undefined || entry.dsId >= after[0])
    .map((entry) => ({ entry, afterTarget: after !== undefined && entry.dsId === after[0] ? after[1] : undefined }));
  // A page often fills from the first data source: it is read alone; then the others, several per query.
  let batchSize = 1;
  while (queue.length > 0 && !more) {
    const batch = queue.splice(0, batchSize);
    batchSize = DATA_SOURCES_PER_ROUND;
    const wanted = request.pageSize + 1 - items.length;
    const searches = batch.map(({ entry, afterTarget }) => ({ ds: entry.ds, principalIds: entry.locals, afterTarget, byTarget: true, limit: wanted * entry.locals.length }));
    const found = await findAccessPathsInEach(db, graphs, searches);
    const groups: PathRowsOfDataSource[] = [];
    const resumeAt: Array<string | undefined> = [];
    for (const [i, { pairs, paths }] of found.entries()) {
      const { entry } = batch[i]!;
      // A round that filled its limit may have cut its last target's pairs short (a target has one
      // pair per local principal that reaches it). That target is left to the next round, which
      // reads it whole: described from part of its principals, it could lose paths, or, under a
      // filter, the whole row. A lone target cannot be cut: the limit is at least its pairs.
      const cut = pairs.length === searches[i]!.limit;
      const all = groupByTarget(asked, pairs);
      const rows = cut && all.length > 1 ? all.slice(0, -1) : all;
      resumeAt.push(cut && rows.length > 0 ? rows[rows.length - 1]!.targetKey : undefined);
      groups.push({ ds: entry.ds, page: await keepTargets(graphs.reader(db, entry.ds), entry.ds, rows, request), paths: pathsOfAsked(asked, paths) });
    }
    const described = await describePathRowsInEach(db, graphs, groups);
    for (const [i, rows] of described.entries()) {
      const { entry } = batch[i]!;
      for (const [j, row] of rows.entries()) {
        const narrowed = narrowPaths(asked.kind === 'local_role' ? ofRole(row) : row, request);
        if (narrowed === undefined || narrowed.paths.length === 0) continue;
        if (items.length === request.pageSize) {
          more = true;
          break;
        }
        narrowed.target = { ...narrowed.target, data_source_id: entry.dsId };
        items.push(narrowed);
        keys.push([entry.dsId, groups[i]!.page[j]!.targetKey]);
      }
      if (more) break;
      const resume = resumeAt[i];
      if (resume !== undefined) {
        // This data source has more: it comes before the rest of the batch, whose rows wait their turn.
        queue.unshift({ entry, afterTarget: resume }, ...batch.slice(i + 1));
        batchSize = 1;
        break;
      }
    }
  }
  return more ? { items, nextAfter: keys[keys.length - 1]! } : { items };
}

function cursor(after: KeysetValue[]): [string, string] {
  if (after.length !== 2 || typeof after[0] !== 'string' || typeof after[1] !== 'string') throw new StoreError('invalid_cursor', 'page token does not match the access order');
  return [after[0], after[1]];
}

function order(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

async function askedNode(db: Kysely<Database>, graphs: GraphStorage, nodeId: string): Promise<AskedNode | undefined> {
  const found = await locate(db, graphs, nodeId);
  if (found === undefined) return undefined;
  const { ds, node } = found;
  return {
    seq: ds.seq,
    dsId: ds.id,
    node: node.id,
    kind: node.kind,
    ref: { type: node.kind, node_type: node.node_type, key: node.local_key, name: node.name, application: node.app_name, data_source_id: ds.id },
  };
}

/** Where the asked node's access comes from: its own data source's principal, or the principals linked to it in each application. */
export async function entryPoints(db: Kysely<Database>, graphs: GraphStorage, asked: AskedNode): Promise<Entry[]> {
  if (LOCAL_PRINCIPALS.includes(asked.kind)) return [{ ds: asked.seq, dsId: asked.dsId, locals: [asked.node] }];
  if (asked.kind === 'local_role') {
    // A role reaches what the grants of it reach: its holders' access, narrowed to the role (`ofRole`).
    const holders = await graphs.reader(db, asked.seq).selectFrom('graph_grants').select('holder').distinct().where('ds', '=', asked.seq).where('role', '=', asked.node).execute();
    return holders.length === 0 ? [] : [{ ds: asked.seq, dsId: asked.dsId, locals: holders.map((h) => Number(h.holder)).sort((a, b) => a - b) }];
  }
  let identities: Array<{ idp: number; node: number }>;
  if (asked.kind === 'idp_user' || asked.kind === 'idp_group') identities = [{ idp: asked.seq, node: asked.node }];
  else if (asked.kind === 'hris_employee') {
    const users = await db.selectFrom('identity_links').select(['to_ds', 'to_node']).where('ds', '=', asked.seq).where('node', '=', asked.node).where('rule', '=', 'hris').execute();
    identities = users.map((u) => ({ idp: Number(u.to_ds), node: Number(u.to_node) }));
  } else {
    // Resources, roles, permissions and the rest hold no access of their own (the service refuses to ask).
    return [];
  }
  const byDs = new Map<number, Entry & { set: Set<number> }>();
  for (const identity of identities) {
    for (const link of await accountLinks(db, graphs, identity.idp, identity.node)) {
      (byDs.get(link.ds) ?? byDs.set(link.ds, { ds: link.ds, dsId: link.dsId, locals: [], set: new Set() }).get(link.ds)!).set.add(link.node);
    }
  }
  // In data source order (seq), as the data sources were listed when read by a query of their own.
  return [...byDs.values()].sort((a, b) => a.ds - b.ds).map(({ ds, dsId, set }) => ({ ds, dsId, locals: [...set].sort((a, b) => a - b) }));
}

/**
 * The paths of the asked node's access among those its entry points reach: all of them, but for a
 * role only those that carry the role itself, by node (another application of the data source may
 * have a role of the same name; its holders' other grants are not the role's).
 */
export function pathsOfAsked<P extends { role: number | null }>(asked: Pick<AskedNode, 'kind' | 'node'>, paths: readonly P[]): readonly P[] {
  return asked.kind === 'local_role' ? paths.filter((p) => p.role === asked.node) : paths;
}

/**
 * A row of a role's holders' access as the role's (its paths already those that carry the role):
 * each path names the principal that holds the role under `through` (the holders are described
 * as linked principals, as an IdP user's are). A grant reached from two holders (a member of a
 * group that holds the role, besides the group) is one path. A row left without paths is dropped
 * by the caller.
 */
function ofRole(row: EffectivePermission): EffectivePermission {
  const refKey = (ref: EntityRef | null) => (ref === null ? '' : `${ref.type}\u0000${ref.application ?? ''}\u0000${ref.key}`);
  const seen = new Set<string>();
  const paths = row.paths
    .map((p) => ({ ...p, through: p.through ?? p.linked, linked: null }))
    .filter((p) => {
      const key = [p.permission, refKey(p.through), refKey(p.role), refKey(p.inherited_from)].join('\u0001');
      return !seen.has(key) && seen.add(key);
    })
    // Paths came ordered by the linked principal; the holder now sits in `through`, and orders them.
    .sort((a, b) => byText(a.permission, b.permission) || byText(a.through?.key ?? '', b.through?.key ?? '') || byText(a.inherited_from?.key ?? '', b.inherited_from?.key ?? ''));
  return {
    ...row,
    paths,
    permissions: [...new Set(paths.map((p) => p.permission))].sort(),
    canonical_types: [...new Set(paths.flatMap((p) => p.canonical_types))].sort(),
  };
}

/** Pairs (in target order) as one row per target, with the principals it comes through. */
export function groupByTarget(asked: AskedNode, pairs: ReadonlyArray<{ principal: number; target: number; targetKey: string; principalKey: string }>): AccessRow[] {
  const local = LOCAL_PRINCIPALS.includes(asked.kind);
  const rows: AccessRow[] = [];
  for (const pair of pairs) {
    const last = rows[rows.length - 1];
    if (last !== undefined && last.target === pair.target) last.locals.push(pair.principal);
    else rows.push({ principalKey: pair.principalKey, targetKey: pair.targetKey, target: pair.target, locals: [pair.principal], ...(local ? { principal: pair.principal } : { person: asked.ref }) });
  }
  return rows;
}

/** The rows whose target is of the asked application and resource type. */
async function keepTargets(reader: Kysely<Database>, ds: number, rows: AccessRow[], request: PrincipalAccessRequest): Promise<AccessRow[]> {
  if (request.application === undefined && request.resourceType === undefined) return rows;
  const targets = await inChunks([...new Set(rows.map((r) => r.target))], (slice) =>
    reader
      .selectFrom('graph_nodes as n')
      .leftJoin('graph_nodes as app', (join) => join.onRef('app.ds', '=', 'n.ds').onRef('app.id', '=', 'n.app_id'))
      .select(['n.id', 'n.kind', 'n.name', 'n.resource_type_key', 'app.name as app_name'])
      .where('n.ds', '=', ds)
      .where('n.id', 'in', slice)
      .execute(),
  );
  const byId = new Map(targets.map((t) => [Number(t.id), t]));
  return rows.filter((row) => {
    const target = byId.get(row.target)!;
    const application = (target.kind === 'application' ? target.name : (target.app_name ?? '')).toLowerCase();
    if (request.application !== undefined && application !== request.application) return false;
    return request.resourceType === undefined || target.resource_type_key === request.resourceType;
  });
}


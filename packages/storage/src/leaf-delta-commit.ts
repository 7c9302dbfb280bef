import { IDP_OFFER_KINDS, unlinkedWarnings } from '@accessgraph/core';
import { parseDeltaBasis, type DeltaBasis } from './delta-basis.js';
import { writeLeafDelta } from './graph-delta-writer.js';
import { readRefs, relinkNodes } from './identity-links.js';
import { relinkIdpNodes } from './idp-node-links.js';
import { inChunks } from './grant-paths.js';
import type { GraphStorage, GraphTransaction } from './graph-writer.js';
import { checkBase, lockPushTarget, markPushed, toPushWarning, type PushWriterContext } from './push-commit.js';
import { insertPushRecord } from './push-history.js';
import { StoreError } from './store-error.js';
import type { LeafDeltaCommit, LeafDeltaCommitted } from './store.js';
import { stateSize } from './state-compaction.js';

/**
 * Commits a change of leaves by difference (see Store.commitLeafDelta), in the locks' order
 * of a whole push (`commitPush`): the leaves' rows (`writeLeafDelta`), their links
 * (`relinkNodes` for an application's or an HRIS', `relinkIdpNodes` for an identity provider's),
 * then the data source's row, the change logged after its state, the state's new time and basis,
 * and the push record with the state's counts changed by the delta's.
 */
export function commitLeafDelta(context: PushWriterContext, commit: LeafDeltaCommit): Promise<LeafDeltaCommitted> {
  const { caps, graphs } = context;
  return graphs.transaction(async (tx) => {
    const conn = tx.conn;
    const target = await lockPushTarget(conn, caps, commit);
    const ds = target.seq;
    await checkBase(conn, ds, commit.basePushedAt);
    const state = await conn.selectFrom('data_source_states').select('delta_basis').where('ds', '=', ds).executeTakeFirstOrThrow();
    const basis = parseDeltaBasis(state.delta_basis);
    if (basis === undefined) throw new StoreError('conflict', 'the data source was pushed whole meanwhile');

    const { delta } = commit;
    const touched = [...new Set([...delta.replaced, ...delta.nodes.map((n) => n.id)])];
    // What the touched IdP nodes offered, before they are rewritten: links by those strings are resolved again.
    const before = commit.template === 'identity_provider' ? await inChunks(delta.replaced, (nodes) => readRefs(graphs.reader(conn, ds), ds, IDP_OFFER_KINDS, undefined, nodes)) : [];
    await writeLeafDelta(tx, graphs, ds, delta, commit.template);
    const linkStarted = performance.now();
    // The written people's managers and reports, whose links are within the data source (none in an application).
    const managers = commit.template === 'application' ? [] : await managesEdges(tx, graphs, ds, delta.nodes.map((n) => n.id));
    const relinked = { ds, nodes: delta.nodes, refs: delta.identityRefs, touched, managers };
    const { unlinked, changes } = commit.template === 'identity_provider' ? await relinkIdpNodes(tx, graphs, caps, { ...relinked, before }) : await relinkNodes(tx, graphs, caps, { ...relinked, template: commit.template });
    const linkMs = Math.round(performance.now() - linkStarted);
    // Named as the small graph names them: the users' nodes are the same entities there.
    const linkWarnings = unlinkedWarnings(commit.graph, unlinked.map((ref) => ({ ...ref, node: delta.derivedIds.get(ref.node)! }))).map(toPushWarning);
    const counts = { ...basis.counts };
    for (const [name, by] of Object.entries(delta.counts)) counts[name] = (counts[name] ?? 0) + by;
    const record = { ...commit.record, counts, warnings: [...commit.record.warnings, ...linkWarnings] };

    await markPushed(conn, ds, commit.dataSourceId, commit.now, record.warnings.length);
    const last = await conn.selectFrom('data_source_changes').select((eb) => eb.fn.max('seq').as('seq')).where('ds', '=', ds).executeTakeFirst();
    const payload = Buffer.from(commit.change.buffer, commit.change.byteOffset, commit.change.byteLength);
    await conn.insertInto('data_source_changes').values({ ds, seq: Number(last?.seq ?? 0) + 1, payload, pushed_at: commit.now }).execute();
    // Folded, not spread: a change may write more rows than a call takes arguments.
    const nextNodeId = delta.nodes.reduce((next, n) => Math.max(next, n.id + 1), basis.nextNodeId);
    const nextGrantId = delta.grants.reduce((next, g) => Math.max(next, g.id + 1), basis.nextGrantId);
    await conn
      .updateTable('data_source_states')
      .set({ pushed_at: commit.now, delta_basis: JSON.stringify({ ...basis, declarations: declarationsAfter(basis, delta), nextNodeId, nextGrantId, counts, tracelessRoles: tracesAfter(basis, delta), unresolvedManagers: [...new Set([...basis.unresolvedManagers, ...(delta.unresolvedManagers ?? [])])], unresolvedGroups: [...new Set([...basis.unresolvedGroups, ...(delta.unresolvedGroups ?? [])])] }) })
      .where('ds', '=', ds)
      .execute();
    await insertPushRecord(conn, ds, record);
    return { linkWarnings, linkMs, linkChanges: changes, counts, state: await stateSize(conn, caps, ds) };
  });
}

/**
 * The basis' declarations once the change is made: with the permissions it leaves, when it changes
 * them, and the entries it leaves empty among the empty ones (one it fills or deletes may stay
 * listed: then a change that gives its holder a first binding goes the whole-state way, which is
 * exact, and the next whole push lists the empty entries anew).
 */
function declarationsAfter(basis: DeltaBasis, delta: LeafDeltaCommit['delta']): DeltaBasis['declarations'] {
  const declarations = delta.permissions === undefined ? basis.declarations : { ...basis.declarations, permissions: delta.permissions };
  if (delta.emptyEntries === undefined || delta.emptyEntries.length === 0) return declarations;
  return { ...declarations, emptyEntries: [...new Set([...(basis.declarations.emptyEntries ?? []), ...delta.emptyEntries])] };
}

/** The basis' traceless roles once the change is made: those it decides as it leaves them, the others as they were. */
function tracesAfter(basis: DeltaBasis, delta: LeafDeltaCommit['delta']): DeltaBasis['tracelessRoles'] {
  if (delta.roleTraces === undefined) return basis.tracelessRoles;
  const decided = new Set(delta.roleTraces.decided);
  return [...basis.tracelessRoles.filter((role) => !decided.has(role.key)), ...delta.roleTraces.traceless];
}

/** The `manages` edges from or to these nodes (the written people: their reports' and their managers'). */
async function managesEdges(tx: GraphTransaction, graphs: GraphStorage, ds: number, ids: readonly number[]): Promise<Array<{ manager: number; report: number }>> {
  const reader = graphs.reader(tx.conn, ds);
  const rows = await inChunks(ids, async (slice) => [
    ...(await reader.selectFrom('graph_edges').select(['from_id', 'to_id']).where('ds', '=', ds).where('from_id', 'in', slice).where('kind', '=', 'manages').execute()),
    ...(await reader.selectFrom('graph_edges').select(['from_id', 'to_id']).where('ds', '=', ds).where('to_id', 'in', slice).where('kind', '=', 'manages').execute()),
  ]);
  const edges = new Map(rows.map((r) => [`${r.from_id} ${r.to_id}`, { manager: Number(r.from_id), report: Number(r.to_id) }]));
  return [...edges.values()];
}

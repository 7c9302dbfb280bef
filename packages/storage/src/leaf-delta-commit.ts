import { unlinkedWarnings } from '@accessgraph/core';
import { parseDeltaBasis } from './delta-basis.js';
import { writeLeafDelta } from './graph-delta-writer.js';
import { relinkNodes } from './identity-links.js';
import { checkBase, lockPushTarget, markPushed, toPushWarning, type PushWriterContext } from './push-commit.js';
import { insertPushRecord } from './push-history.js';
import { StoreError } from './store-error.js';
import type { LeafDeltaCommit, LeafDeltaCommitted } from './store.js';
import { stateSize } from './state-compaction.js';

/**
 * Commits a change of local users by difference (see Store.commitLeafDelta), in the locks' order
 * of a whole push (`commitPush`): the users' rows (`writeLeafDelta`), their links
 * (`relinkNodes`), then the data source's row, the change logged after its state, the state's
 * new time and basis, and the push record with the state's counts changed by the delta's.
 */
export function commitLeafDelta(context: PushWriterContext, commit: LeafDeltaCommit): Promise<LeafDeltaCommitted> {
  const { caps, graphs } = context;
  return graphs.transaction(async (tx) => {
    const conn = tx.conn;
    const target = await lockPushTarget(conn, caps, { ...commit, template: 'application' });
    const ds = target.seq;
    await checkBase(conn, ds, commit.basePushedAt);
    const state = await conn.selectFrom('data_source_states').select('delta_basis').where('ds', '=', ds).executeTakeFirstOrThrow();
    const basis = parseDeltaBasis(state.delta_basis);
    if (basis === undefined) throw new StoreError('conflict', 'the data source was pushed whole meanwhile');

    const { delta } = commit;
    await writeLeafDelta(tx, graphs, ds, delta);
    const linkStarted = performance.now();
    const touched = [...new Set([...delta.replaced, ...delta.nodes.map((n) => n.id)])];
    const { unlinked, changes } = await relinkNodes(tx, graphs, caps, { ds, nodes: delta.nodes, refs: delta.identityRefs, touched });
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
    const nextNodeId = Math.max(basis.nextNodeId, ...delta.nodes.map((n) => n.id + 1));
    const nextGrantId = Math.max(basis.nextGrantId, ...delta.grants.map((g) => g.id + 1));
    await conn
      .updateTable('data_source_states')
      .set({ pushed_at: commit.now, delta_basis: JSON.stringify({ ...basis, nextNodeId, nextGrantId, counts }) })
      .where('ds', '=', ds)
      .execute();
    await insertPushRecord(conn, ds, record);
    return { linkWarnings, linkMs, linkChanges: changes, counts, state: await stateSize(conn, caps, ds) };
  });
}

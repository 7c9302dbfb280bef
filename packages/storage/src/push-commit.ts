import { sql, type Kysely } from 'kysely';
import type { DialectCapabilities } from './capabilities.js';
import type { Database } from './database.js';
import type { GraphStorage } from './graph-writer.js';
import type { PushWarning } from '@accessgraph/contract';
import { unlinkedWarnings, type PayloadWarning } from '@accessgraph/core';
import { previousOffers, relinkDataSource } from './identity-links.js';
import { refreshProviderTypes } from './provider-types.js';
import { insertPushRecord } from './push-history.js';
import { StoreError } from './store-error.js';
import type { LinkChanges, NewPushRecord, PushCommit, PushCommitted } from './store.js';
import { enrichPushedGraph } from './okta-sso.js';
import { deltaBasisOf } from './delta-basis.js';
import { inWriteTransaction, lockDataSource, lockOktaSso } from './write-transaction.js';

/** What the push writers need from the store. */
export interface PushWriterContext {
  db: Kysely<Database>;
  caps: DialectCapabilities;
  graphs: GraphStorage;
}

/**
 * Makes an accepted push the data source's state in one transaction (see Store.commitPush):
 * if any step throws, the rollback leaves graph, payload, status and history as they were.
 *
 * Order matters on PostgreSQL, where transactions run side by side: the data source's advisory
 * lock first (pushes to it queue there), then the long graph load (no lock that another data
 * source's reader or writer waits for), then the data source's row (from its UPDATE on, a
 * concurrent deletion waits for this commit; if the deletion came first, the UPDATE finds no row
 * and the push fails instead of leaving a graph behind), then the provider's lock (declared
 * types), and last the swap, the only step that blocks readers, for milliseconds.
 */
export async function commitPush(context: PushWriterContext, commit: PushCommit): Promise<PushCommitted> {
  const committed = await commitPushTransaction(context, commit);
  if (context.caps.analyzeLinks) await analyzeLinksIfChanged(context.db, committed.linkChanges);
  return committed;
}

/**
 * After a push's commit, outside its transaction (ANALYZE holds a lock that would queue other
 * pushes' commits behind it): refreshes the identity links' statistics when they were never
 * gathered or the push inserted and deleted more than a tenth of the rows they counted, the
 * threshold of PostgreSQL's own autoanalyze. Best effort: stale statistics cost speed, not answers.
 */
async function analyzeLinksIfChanged(db: Kysely<Database>, changes: LinkChanges): Promise<void> {
  const changed = changes.inserted + changes.deleted;
  if (changed === 0) return;
  try {
    const { rows } = await sql<{ reltuples: number }>`select reltuples from pg_class where oid = 'identity_links'::regclass`.execute(db);
    const counted = Number(rows[0]?.reltuples ?? -1);
    if (counted < 0 || changed > 50 + counted / 10) await sql`analyze identity_links`.execute(db);
  } catch {
    // The next push tries again; autovacuum, where it runs, does it too.
  }
}

function commitPushTransaction(context: PushWriterContext, commit: PushCommit): Promise<PushCommitted> {
  const { caps, graphs } = context;
  return graphs.transaction(async (tx) => {
    const conn = tx.conn;
    const target = await lockPushTarget(conn, caps, commit);
    const ds = target.seq;
    if (commit.basePushedAt !== undefined) await checkBase(conn, ds, commit.basePushedAt);

    // Read before the graph they describe is replaced (on SQLite, staging drops the old tables).
    const previous = await previousOffers(conn, graphs, ds, commit.template, commit.graph);
    // sso_last_login_at goes into the new nodes' properties before they are written.
    if (commit.template === 'application') await enrichPushedGraph(conn, ds, commit.graph);
    await tx.stage(ds, commit.graph);
    // After staging, which keeps the tags of nodes that survive: only a removal takes one away.
    for (const tag of commit.tagRemovals ?? []) {
      await conn.deleteFrom('graph_tags').where('ds', '=', ds).where('node_key', '=', tag.nodeKey).where('tag_key', '=', tag.key).where('tag_value', '=', tag.value).execute();
    }
    const linkStarted = performance.now();
    const { unlinked, changes } = await relinkDataSource(tx, graphs, caps, { ds, template: commit.template, graph: commit.graph }, previous);
    const linkMs = Math.round(performance.now() - linkStarted);
    const linkWarnings = unlinkedWarnings(commit.graph, unlinked);
    const record = { ...commit.record, warnings: [...commit.record.warnings, ...linkWarnings.map(toPushWarning)] };
    await markPushed(conn, ds, commit.dataSourceId, commit.now, record.warnings.length);
    // One row per data source: the new payload overwrites the old, nothing keeps earlier copies,
    // and the changes logged since the last whole state are part of this one.
    const payload = Buffer.from(commit.state.buffer, commit.state.byteOffset, commit.state.byteLength);
    const basis = commit.declarations !== undefined ? JSON.stringify(deltaBasisOf(commit.graph, commit.declarations)) : null;
    await conn
      .insertInto('data_source_states')
      .values({ ds, payload, pushed_at: commit.now, delta_basis: basis })
      .onConflict((oc) => oc.column('ds').doUpdateSet({ payload, pushed_at: commit.now, delta_basis: basis }))
      .execute();
    await conn.deleteFrom('data_source_changes').where('ds', '=', ds).execute();
    await insertPushRecord(conn, ds, record);
    await refreshProviderTypes(conn, caps, target.provider_id, ds);
    await tx.publish();
    await refreshStatistics(conn, caps.refreshStatistics);
    return { linkWarnings: linkWarnings.map(toPushWarning), linkMs, linkChanges: changes };
  });
}

/** Marks the data source pushed successfully now. */
export async function markPushed(conn: Kysely<Database>, ds: number, dataSourceId: string, now: string, warnings: number): Promise<void> {
  const updated = await conn
    .updateTable('data_sources')
    .set({ status: 'SUCCESS', last_push_at: now, last_push_warnings: warnings, incremental_allowed: 1, updated_at: now })
    .where('seq', '=', ds)
    .executeTakeFirst();
  if (Number(updated.numUpdatedRows) !== 1) throw gone(dataSourceId);
}

/**
 * The data source a push commits to, locked (see commitPush for the order of locks); fails if it
 * was deleted while the push was processed.
 */
export async function lockPushTarget(conn: Kysely<Database>, caps: DialectCapabilities, commit: { providerId: string; dataSourceId: string; template: string }): Promise<{ seq: number; provider_id: string }> {
  // First, before the data source's lock: an import of Okta activity takes it exclusively and then data sources' rows.
  if (commit.template === 'application') await lockOktaSso(conn, caps, 'shared');
  const find = () =>
    conn
      .selectFrom('data_sources')
      .select(['seq', 'provider_id'])
      .where('id', '=', commit.dataSourceId.toLowerCase())
      .where('provider_id', '=', commit.providerId.toLowerCase())
      .executeTakeFirst();
  let target = await find();
  if (target && caps.advisoryLocks) {
    await lockDataSource(conn, caps, target.seq);
    // The previous holder of the lock may have been its deletion.
    target = await find();
  }
  // The data source was deleted while its push was being processed: nothing to commit to.
  if (!target) throw gone(commit.dataSourceId);
  return target;
}

/**
 * An incremental push was applied to the state pushed at `basePushedAt`; under the data source's
 * lock, that must still be its state, or another replica's push came in between and the change
 * has to be applied again to what it left.
 */
export async function checkBase(conn: Kysely<Database>, ds: number, basePushedAt: string): Promise<void> {
  const row = await conn.selectFrom('data_source_states').select('pushed_at').where('ds', '=', ds).executeTakeFirst();
  if (row?.pushed_at !== basePushedAt) throw new StoreError('conflict', 'the data source was pushed while this incremental push was applied to its previous state');
}

export function toPushWarning(warning: PayloadWarning): PushWarning {
  return warning.path ? { message: warning.message, path: warning.path, code: warning.code } : { message: warning.message, code: warning.code };
}

export function gone(dataSourceId: string): StoreError {
  return new StoreError('internal', `data source ${dataSourceId} no longer exists`);
}

/** Best effort: stale statistics only cost speed, so a failure here must not fail the push. */
async function refreshStatistics(conn: Kysely<Database>, statements: readonly string[]): Promise<void> {
  for (const statement of statements) {
    try {
      await sql.raw(statement).execute(conn);
    } catch {
      // Planner statistics stay as they were; the next push tries again.
    }
  }
}

/**
 * Records a push that changed nothing. A FAILED push (the server's fault) marks the data source
 * FAILED; a REJECTED one (the payload's fault) leaves its status alone. A record for a data
 * source that no longer exists has nowhere to go and is dropped.
 */
export async function recordFailedPush(context: PushWriterContext, record: NewPushRecord, now: string): Promise<void> {
  await inWriteTransaction(context.db, context.caps, async (conn) => {
    const target = await conn
      .selectFrom('data_sources')
      .select('seq')
      .where('id', '=', record.data_source_id.toLowerCase())
      .executeTakeFirst();
    if (!target) return;
    await insertPushRecord(conn, target.seq, record);
    if (record.outcome === 'FAILED') {
      await conn.updateTable('data_sources').set({ status: 'FAILED', updated_at: now }).where('seq', '=', target.seq).execute();
    }
  });
}

import { randomUUID } from 'node:crypto';
import type { DerivedGraph } from '@accessgraph/core';
import type { KyselyStore } from '../kysely-store.js';
import { demoGraph, duplicateKeyGraph, otherGraph } from './demo-graph.js';

const T0 = '2026-01-01T00:00:00.000Z';

/** Commits `graph` as a successful push to a data source, with a minimal state and record. */
export async function commitGraph(store: KyselyStore, providerId: string, dataSourceId: string, graph: DerivedGraph): Promise<void> {
  await store.commitPush({
    providerId,
    template: 'application',
    dataSourceId,
    graph,
    state: new Uint8Array([1]),
    record: { id: randomUUID(), data_source_id: dataSourceId, started_at: T0, duration_ms: 1, key_id: null, size_bytes: 1, compression: 'none', incremental: false, outcome: 'SUCCESS', counts: {}, warnings: [], errors: [] },
    now: T0,
  });
}

/**
 * The push history both engines' table-layout tests start from: data sources a and b pushed, a
 * pushed again with a change, then a push to a that fails (two nodes with one key).
 */
export async function replacedAndFailedPushes(newDataSource: (name: string) => Promise<string>, commit: (dataSourceId: string, graph: DerivedGraph) => Promise<void>): Promise<{ a: string; b: string }> {
  const a = await newDataSource('a');
  const b = await newDataSource('b');
  await commit(a, demoGraph());
  await commit(b, otherGraph('Wiki', 'confluence'));
  await commit(a, demoGraph((f, ids) => f.tag(ids.alice, 't', 'v')));
  let failed = false;
  await commit(a, duplicateKeyGraph()).catch(() => (failed = true));
  if (!failed) throw new Error('the push of a graph with a duplicate key did not fail');
  return { a, b };
}

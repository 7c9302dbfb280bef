import { randomUUID } from 'node:crypto';
import type { DerivedGraph } from '@accessgraph/core';
import type { KyselyStore } from '../kysely-store.js';

const T0 = '2026-01-01T00:00:00.000Z';

/** Commits `graph` as a successful push to a data source, with a minimal state and record. */
export function commitGraph(store: KyselyStore, providerId: string, dataSourceId: string, graph: DerivedGraph): Promise<void> {
  return store.commitPush({
    providerId,
    dataSourceId,
    graph,
    state: new Uint8Array([1]),
    record: { id: randomUUID(), data_source_id: dataSourceId, started_at: T0, duration_ms: 1, key_id: null, size_bytes: 1, compression: 'none', incremental: false, outcome: 'SUCCESS', counts: {}, warnings: [], errors: [] },
    now: T0,
  });
}

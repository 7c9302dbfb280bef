import { randomUUID } from 'node:crypto';
import type { CustomTemplate } from '@accessgraph/contract';
import { IssueCollector, PAYLOAD_TEMPLATES, payloadDeclarations, readNodeSearch, type TagRemoval } from '@accessgraph/core';
import type { KyselyStore } from '../kysely-store.js';
import type { PushCommitted } from '../store.js';

const T0 = '2026-01-01T00:00:00.000Z';

/**
 * Pushes an OAA payload of the template to a new provider and data source, straight through the
 * store (read and derived as the push service does, minus validation); returns the data source id.
 */
export async function pushPayload(store: KyselyStore, template: CustomTemplate, payload: unknown): Promise<string> {
  return (await pushPayloadCommitted(store, template, payload)).dataSourceId;
}

/** `pushPayload`, with the provider and what the commit answered. */
export async function pushPayloadCommitted(store: KyselyStore, template: CustomTemplate, payload: unknown): Promise<PushTarget & { committed: PushCommitted }> {
  const provider = await store.createProvider({ id: randomUUID(), name: `${template} ${randomUUID()}`, customTemplate: template, provisioning: false, options: {}, state: 'ENABLED', now: T0 });
  const ds = await store.createDataSource({ id: randomUUID(), providerId: provider.id, name: 'prod', now: T0 });
  const target = { providerId: provider.id, dataSourceId: ds.id };
  return { ...target, committed: await commitPayload(store, target, template, payload) };
}

/** A pushed data source and its provider. */
export interface PushTarget {
  providerId: string;
  dataSourceId: string;
}

/** Pushes an OAA payload to a data source that exists (a re-push replaces its graph; tags stay but for `tagRemovals`). */
export function commitPayload(store: KyselyStore, target: PushTarget, template: CustomTemplate, payload: unknown, tagRemovals?: readonly TagRemoval[]): Promise<PushCommitted> {
  const graph = PAYLOAD_TEMPLATES[template].read(payload, new IssueCollector())();
  const declarations = payloadDeclarations(template, payload);
  return store.commitPush({
    ...target,
    template,
    graph,
    // What the push service keeps of a payload, so that changes of leaves can be made by difference.
    declarations,
    ...(tagRemovals !== undefined ? { tagRemovals } : {}),
    state: new Uint8Array([1]),
    record: { id: randomUUID(), data_source_id: target.dataSourceId, started_at: T0, duration_ms: 1, key_id: null, size_bytes: 1, compression: 'none', incremental: false, outcome: 'SUCCESS', counts: graph.counts, warnings: [], errors: [] },
    now: T0,
  });
}

/** The id of the first node a search finds (throws on a bad search). */
export async function firstNodeId(store: KyselyStore, params: Parameters<typeof readNodeSearch>[0]): Promise<string> {
  const checked = readNodeSearch(params);
  if (!checked.ok) throw new Error(checked.issues[0]!.message);
  return (await store.searchNodes({ search: checked.value, pageSize: 1 })).items[0]!.id;
}

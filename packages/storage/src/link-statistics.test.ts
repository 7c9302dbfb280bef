import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CustomTemplate } from '@accessgraph/contract';
import { IssueCollector, PAYLOAD_TEMPLATES } from '@accessgraph/core';
import { validIdpPayload } from '../../core/src/idp/test-support/idp-payloads.js';
import { shopPayload } from '../../core/src/linking/test-support/shop-payload.js';
import { testBackends, type TestDatabase } from './test-support/test-backends.js';

const T0 = '2026-01-01T00:00:00.000Z';
const backend = testBackends().find((b) => b.name === 'postgres')!;

/**
 * PostgreSQL only (`DialectCapabilities.analyzeLinks`; SQLite's PRAGMA optimize covers its
 * tables): a push that rewrites a good part of the identity links refreshes their statistics,
 * so the planner does not read a data source's every link for one IdP user's few.
 */
describe.skipIf(backend.skipReason !== undefined)(`Identity link statistics on postgres${backend.skipReason ? ` (skipped: ${backend.skipReason})` : ''}`, () => {
  let db: TestDatabase;

  beforeEach(async () => {
    db = await backend.create();
  });
  afterEach(async () => {
    await db.dispose();
  });

  async function push(template: CustomTemplate, payload: unknown) {
    const { store } = db;
    const provider = await store.createProvider({ id: randomUUID(), name: `${template} ${randomUUID()}`, customTemplate: template, provisioning: false, options: {}, state: 'ENABLED', now: T0 });
    const ds = await store.createDataSource({ id: randomUUID(), providerId: provider.id, name: 'prod', now: T0 });
    const issues = new IssueCollector();
    const graph = PAYLOAD_TEMPLATES[template].read(payload, issues)();
    return store.commitPush({
      providerId: provider.id,
      dataSourceId: ds.id,
      template,
      graph,
      state: new Uint8Array([1]),
      record: { id: randomUUID(), data_source_id: ds.id, started_at: T0, duration_ms: 1, key_id: null, size_bytes: 1, compression: 'none', incremental: false, outcome: 'SUCCESS', counts: {}, warnings: [], errors: [] },
      now: T0,
    });
  }
  const counted = async () => Number((await db.query<{ reltuples: number }>(`select reltuples from pg_class where oid = 'identity_links'::regclass`))[0]!.reltuples);

  it('analyzes the links after the push that first writes them, and not after one that changes none', async () => {
    await push('application', shopPayload());
    // No identity provider yet: nothing links, nothing to analyze (never analyzed: -1).
    expect(await counted()).toBe(-1);
    const linked = await push('identity_provider', validIdpPayload());
    expect(linked.linkChanges.inserted).toBeGreaterThan(0);
    const links = (await db.query<{ n: number }>('select count(*) as n from identity_links'))[0]!.n;
    expect(await counted()).toBe(Number(links));
  });
});

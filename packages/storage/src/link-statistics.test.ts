import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CustomTemplate } from '@accessgraph/contract';
import { validIdpPayload } from '../../core/src/idp/test-support/idp-payloads.js';
import { shopPayload } from '../../core/src/linking/test-support/shop-payload.js';
import { pushPayloadCommitted } from './test-support/push-payload.js';
import { testBackends, type TestDatabase } from './test-support/test-backends.js';

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

  const push = async (template: CustomTemplate, payload: unknown) => (await pushPayloadCommitted(db.store, template, payload)).committed;
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

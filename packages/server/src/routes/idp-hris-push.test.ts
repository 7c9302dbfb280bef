import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DataSource, Provider, PushRecord } from '@accessgraph/contract';
import { dataSourceUrl, providerUrl } from '../test-support/fixtures.js';
import { expectError, expectValue, expectValues } from '../test-support/http-expect.js';
import { gzipBase64, payloadFixture, push, pushTarget } from '../test-support/push.js';
import { createTestApp, type TestApp } from '../test-support/test-app.js';

/** Pushes of the Custom Identity Provider and HRIS templates over HTTP (spec §6, §7). */

let t: TestApp;
beforeEach(async () => {
  t = await createTestApp();
});
afterEach(async () => {
  await t.close();
});

async function lastPush(providerId: string, dataSourceId: string): Promise<PushRecord> {
  return expectValues<PushRecord>(await t.call({ url: `${dataSourceUrl(providerId, dataSourceId)}/pushes` })).values[0]!;
}

describe('identity provider pushes', () => {
  it("accepts the seeds' IdP, records its counts, and declares its idp_type on the provider", async () => {
    const { provider, dataSource, url } = await pushTarget(t, 'identity_provider');
    const res = await push(t, url, payloadFixture('seed-idp-simple.json'));
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ warnings: [] });
    expect(await expectValue<DataSource>(await t.call({ url: dataSourceUrl(provider.id, dataSource.id) }))).toMatchObject({ status: 'SUCCESS', last_push_warnings: 0 });
    expect(await lastPush(provider.id, dataSource.id)).toMatchObject({ outcome: 'SUCCESS', counts: { domains: 1, users: 3, groups: 3, apps: 0, mappings: 2 } });
    expect(await expectValue<Provider>(await t.call({ url: providerUrl(provider.id) }))).toMatchObject({ idp_types: ['custom_idp'] });
  });

  it('accepts it gzipped too', async () => {
    const { url } = await pushTarget(t, 'identity_provider');
    const res = await t.call({ method: 'POST', url, payload: { json_data: gzipBase64(JSON.stringify(payloadFixture('seed-idp-simple.json'))), compression_type: 'GZIP' } });
    expect(res.statusCode).toBe(200);
  });

  it('refuses a payload with meaning errors, lists them all, and keeps the previous state', async () => {
    const { provider, dataSource, url } = await pushTarget(t, 'identity_provider');
    expect((await push(t, url, payloadFixture('seed-idp-simple.json'))).statusCode).toBe(200);
    const broken = payloadFixture('seed-idp-simple.json') as { domains: unknown[]; users: Array<{ groups: unknown[] }> };
    broken.domains.push({ name: 'second.example' });
    broken.users[0]!.groups.push({ identity: 'nobody' });
    const res = await push(t, url, broken);
    const body = expectError(res, { status: 400, code: 'InvalidArgument', reason: 'INVALID_PAYLOAD' });
    expect(body.details[0]).toMatchObject({
      field_violations: [
        { field: 'domains[1]', description: expect.stringContaining('exactly one domain') },
        { field: 'users[0].groups[2]', description: expect.stringContaining('"nobody"') },
      ],
    });
    expect(await expectValue<DataSource>(await t.call({ url: dataSourceUrl(provider.id, dataSource.id) }))).toMatchObject({ status: 'SUCCESS' });
    expect(await lastPush(provider.id, dataSource.id)).toMatchObject({ outcome: 'REJECTED' });
  });

  it('refuses a shape error with its path', async () => {
    const { url } = await pushTarget(t, 'identity_provider');
    const payload = payloadFixture('seed-idp-simple.json') as { users: Array<Record<string, unknown>> };
    payload.users[1]!.is_guest = 'no';
    expectError(await push(t, url, payload), { status: 400, code: 'InvalidArgument', reason: 'INVALID_PAYLOAD', field: 'users[1].is_guest' });
  });
});

describe('HRIS pushes', () => {
  it('accepts the BambooHR example with a warning per missing expected field, and per employee no IdP user matches', async () => {
    const { provider, dataSource, url } = await pushTarget(t, 'hris');
    const res = await push(t, url, payloadFixture('seed-hris-bamboo.json'));
    expect(res.statusCode).toBe(200);
    const { warnings } = res.json<{ warnings: Array<{ message: string; path?: string; code: string }> }>();
    expect(warnings.map((w) => w.code)).toEqual([...Array<string>(8).fill('missing_field'), 'unmatched_employee', 'unmatched_employee']);
    expect(warnings[0]).toMatchObject({ path: 'employees[0].first_name', message: expect.stringContaining('employee "1" has no first_name') });
    expect(warnings[8]!.message).toBe('employee "1" matches no identity provider user by idp_id, email or id');
    expect(await lastPush(provider.id, dataSource.id)).toMatchObject({ outcome: 'SUCCESS', counts: { employees: 2, groups: 1 } });
    expect(await expectValue<Provider>(await t.call({ url: providerUrl(provider.id) }))).toMatchObject({ hris_types: ['BambooHR'] });
  });

  it('refuses the Title-Case example only for its group without an id', async () => {
    const { url } = await pushTarget(t, 'hris');
    const body = expectError(await push(t, url, payloadFixture('seed-hris-titlecase.json')), { status: 400, code: 'InvalidArgument', reason: 'INVALID_PAYLOAD' });
    expect(body.details[0]).toMatchObject({ field_violations: [{ field: 'groups[0].id', description: expect.stringContaining('needs an id') }] });
  });

  it('accepts the Title-Case example once its group has an id', async () => {
    const { url } = await pushTarget(t, 'hris');
    const payload = payloadFixture('seed-hris-titlecase.json') as { Groups: Array<Record<string, unknown>> };
    payload.Groups[0]!.ID = 'team-1';
    const res = await push(t, url, payload);
    expect(res.statusCode).toBe(200);
    expect(res.json<{ warnings: unknown[] }>().warnings.length).toBeGreaterThan(0);
  });
});

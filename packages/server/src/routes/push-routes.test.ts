import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DataSource, PushRecord } from '@accessgraph/contract';
import { dataSourceUrl } from '../test-support/fixtures.js';
import { expectError, expectValue, expectValues } from '../test-support/http-expect.js';
import { allEffective, gzipBase64, payloadFixture, push, pushTarget, triples } from '../test-support/push.js';
import { createTestApp, type TestApp } from '../test-support/test-app.js';

let t: TestApp;
beforeEach(async () => {
  t = await createTestApp({ maxInflatedBytes: 1024 * 1024 });
});
afterEach(async () => {
  await t.close();
});

async function dataSourceOf(providerId: string, id: string): Promise<DataSource> {
  return expectValue<DataSource>(await t.call({ url: dataSourceUrl(providerId, id) }));
}

describe('POST .../datasources/{id}:push', () => {
  it('accepts the seed sample, answers only warnings, and makes its effective permissions readable', async () => {
    const { provider, dataSource, url } = await pushTarget(t);
    const res = await push(t, url, payloadFixture('seed-app-simple.json'));
    expect(res.statusCode).toBe(200);
    const body = res.json<{ warnings: Array<{ message: string }> }>();
    expect(Object.keys(body)).toEqual(['warnings']);
    // bob@ and jane@ match no identity provider data source.
    expect(body.warnings.map((w) => w.message)).toEqual([
      expect.stringMatching(/^Cannot find identity by names: "bob@example.com"/),
      expect.stringMatching(/^Cannot find identity by names: "jane@example.com"/),
    ]);
    const after = await dataSourceOf(provider.id, dataSource.id);
    expect(after).toMatchObject({ status: 'SUCCESS', last_push_warnings: 2, incremental_allowed: true });
    expect(after.last_push_at).not.toBeNull();
    // Rows come in node-key order: per application, groups before users; the application before its resources.
    expect(triples(await allEffective(t, provider.id, dataSource.id))).toEqual([
      ['admins', 'Sample App', ['admin']],
      ['0000000001', 'Sample App', ['operator']],
      ['0000000001', '0001', ['manager']],
      ['0000000002', 'Sample App', ['admin']],
    ]);
  });

  it('explains each permission: through which group, role, and inherited from which parent', async () => {
    const { provider, dataSource, url } = await pushTarget(t);
    expect((await push(t, url, payloadFixture('app-ledger.json'))).statusCode).toBe(200);
    const ann = await allEffective(t, provider.id, dataSource.id, '&principal=ANN');
    expect(triples(ann)).toEqual([
      ['ann', 'Ledger', ['every', 'Owner']],
      ['ann', 'book1', ['Edit_Book', 'Owner', 'Read']],
      ['ann', 'book2', ['Edit_Book', 'Owner']],
      ['ann', 'book2.page1', ['Owner']],
    ]);
    const book1 = ann.find((r) => r.target.key === 'book1')!;
    expect(book1.principal).toMatchObject({ type: 'local_user', node_type: 'OAA.ledger.User', name: 'ann', application: 'Ledger' });
    expect(book1.target).toMatchObject({ type: 'resource', node_type: 'OAA.ledger.book.Resource', application: 'Ledger' });
    const read = book1.paths.find((p) => p.permission === 'Read')!;
    expect(read.through).toMatchObject({ type: 'local_group', key: 'auditors' });
    expect(read.role).toMatchObject({ type: 'local_role', key: 'reader' });
    expect(read.inherited_from).toBeNull();
    const owner = book1.paths.find((p) => p.permission === 'Owner')!;
    expect(owner).toMatchObject({ through: null, role: { key: 'keeper' }, inherited_from: { type: 'application', key: 'Ledger' } });
    expect(book1.canonical_types).toEqual(['DataRead', 'DataWrite', 'MetadataRead', 'MetadataWrite', 'NonData']);
    const page = ann.find((r) => r.target.key === 'book2.page1')!;
    expect(page.target.node_type).toBe('OAA.ledger.page.SubResource');

    const onBook1 = await allEffective(t, provider.id, dataSource.id, '&target=BOOK1');
    expect(onBook1.map((r) => r.principal.key)).toEqual(['auditors', 'team', 'ann', 'lee', 'max', 'ops@corp.example']);
  });

  it('accepts GZIP (base64 wrapped at 76 columns) and the integer compression code', async () => {
    const { provider, dataSource, url } = await pushTarget(t);
    const json = JSON.stringify(payloadFixture('seed-app-roles.json'));
    const res = await t.call({ method: 'POST', url, payload: { id: provider.id, data_source_id: dataSource.id, json_data: gzipBase64(json), compression_type: 'GZIP' } });
    expect(res.statusCode).toBe(200);
    expect(triples(await allEffective(t, provider.id, dataSource.id))).toEqual([
      ['0000000001', 'Sample App', ['close_tickets', 'view_tickets']],
      ['0000000002', 'Sample App', ['close_tickets', 'manage_users', 'view_tickets']],
    ]);
    const again = await t.call({ method: 'POST', url, payload: { json_data: gzipBase64(json, false), compression_type: 1, priority_push: true } });
    expect(again.statusCode).toBe(200);
  });

  it('answers warnings: [] when there is nothing to warn about', async () => {
    const { url } = await pushTarget(t);
    const res = await push(t, url, { applications: [{ name: 'Quiet', application_type: 'quiet' }] });
    expect(res.json()).toEqual({ warnings: [] });
  });

  it('replaces the previous state on a second full push', async () => {
    const { provider, dataSource, url } = await pushTarget(t);
    await push(t, url, payloadFixture('app-ledger.json'));
    await push(t, url, payloadFixture('seed-app-roles.json'));
    const keys = new Set((await allEffective(t, provider.id, dataSource.id)).map((r) => r.principal.key));
    expect([...keys]).toEqual(['0000000001', '0000000002']);
  });
});

describe('rejected pushes change nothing', () => {
  const bad: Array<[string, Record<string, unknown>, { reason: string; field: string; description: RegExp }]> = [
    ['invalid base64', { json_data: 'not base64!!', compression_type: 'GZIP' }, { reason: 'INVALID_JSON_DATA', field: 'json_data', description: /base64/ }],
    ['invalid gzip', { json_data: Buffer.from('plain text').toString('base64'), compression_type: 'GZIP' }, { reason: 'INVALID_JSON_DATA', field: 'json_data', description: /gzip/ }],
    ['invalid JSON', { json_data: '{"applications": [', compression_type: 'none' }, { reason: 'INVALID_JSON_DATA', field: 'json_data', description: /not valid JSON/ }],
    ['json_data as an object', { json_data: { applications: [] } }, { reason: 'INVALID_JSON_DATA', field: 'json_data', description: /must be a string/ }],
    ['a JSON array', { json_data: '[]' }, { reason: 'INVALID_JSON_DATA', field: 'json_data', description: /JSON object/ }],
    ['an unknown compression', { json_data: '{}', compression_type: 'zip' }, { reason: 'INVALID_JSON_DATA', field: 'compression_type', description: /not supported/ }],
    ['a gzip bomb', { json_data: gzipBase64(' '.repeat(3 * 1024 * 1024)), compression_type: 'GZIP' }, { reason: 'INVALID_JSON_DATA', field: 'json_data', description: /inflates to more than/ }],
    [
      'an unknown key in the payload',
      { json_data: JSON.stringify({ applications: [{ name: 'A', application_type: 'a', bad_property: 1 }] }) },
      { reason: 'INVALID_PAYLOAD', field: 'applications[0].bad_property', description: /unknown field/ },
    ],
    [
      'an unknown role',
      {
        json_data: JSON.stringify({
          applications: [{ name: 'SampleApp', application_type: 'a', local_users: [{ name: 'my_user' }] }],
          identity_to_permissions: [{ identity: 'my_user', identity_type: 'local_user', role_assignments: [{ application: 'SampleApp', role: 'Administrator', apply_to_application: true }] }],
        }),
      },
      {
        reason: 'INVALID_PAYLOAD',
        field: 'identity_to_permissions[0].role_assignments[0].role',
        description: /Can't connect identity to role as role not found for application \(application: SampleApp, role: Administrator, identity: my_user\)/,
      },
    ],
  ];

  it.each(bad)('refuses %s with a clear 400, keeps the previous state and status, and records it', async (_, body, expected) => {
    const { provider, dataSource, url } = await pushTarget(t);
    await push(t, url, payloadFixture('seed-app-simple.json'));
    const before = { ds: await dataSourceOf(provider.id, dataSource.id), rows: await allEffective(t, provider.id, dataSource.id) };
    const res = await t.call({ method: 'POST', url, payload: body });
    expectError(res, { status: 400, code: 'InvalidArgument', ...expected });
    expect(await dataSourceOf(provider.id, dataSource.id)).toEqual(before.ds);
    expect(await allEffective(t, provider.id, dataSource.id)).toEqual(before.rows);
    const history = expectValues<PushRecord>(await t.call({ url: `${dataSourceUrl(provider.id, dataSource.id)}/pushes` }));
    expect(history.values.map((p) => p.outcome)).toEqual(['REJECTED', 'SUCCESS']);
    expect(history.values[0]!.errors.some((e) => e.field === expected.field)).toBe(true);
  });

  it('refuses a first push with errors and leaves the data source PENDING', async () => {
    const { provider, dataSource, url } = await pushTarget(t);
    expectError(await push(t, url, { applications: [] }), { status: 400, code: 'InvalidArgument', reason: 'INVALID_PAYLOAD', field: 'applications' });
    expect(await dataSourceOf(provider.id, dataSource.id)).toMatchObject({ status: 'PENDING', last_push_at: null, incremental_allowed: false });
  });

  it('refuses ids in the body that differ from the path', async () => {
    const { dataSource, url } = await pushTarget(t);
    const other = await pushTarget(t);
    expectError(await push(t, url, {}, { id: other.provider.id }), { status: 400, code: 'InvalidArgument', reason: 'ID_MISMATCH', field: 'id' });
    expectError(await push(t, url, {}, { data_source_id: other.dataSource.id }), { status: 400, code: 'InvalidArgument', reason: 'ID_MISMATCH', field: 'data_source_id' });
    expect(dataSource.status).toBe('PENDING');
  });

  it('refuses unknown envelope fields, unknown data sources, and readers', async () => {
    const { provider, url } = await pushTarget(t);
    expectError(await push(t, url, {}, { extra: 1 }), { status: 400, code: 'InvalidArgument', reason: 'INVALID_ARGUMENTS', field: 'extra' });
    expectError(await push(t, `${dataSourceUrl(provider.id, '00000000-0000-4000-8000-000000000000')}:push`, {}), { status: 404, code: 'NotFound', reason: 'NOT_FOUND' });
    expectError(await push(t, url, {}, {}, t.keys.reader), { status: 403, code: 'PermissionDenied', reason: 'PERMISSION_DENIED' });
  });

  it('refuses a payload of another template than its provider\'s, naming both and what gave it away', async () => {
    const cases = [
      { template: 'application', fixture: 'seed-idp-simple.json', found: ['Custom Identity Provider', '"idp_type"', '"domains"', '"users"'] },
      { template: 'application', fixture: 'seed-hris-titlecase.json', found: ['HRIS payload', '"system"', '"employees"'] },
      { template: 'identity_provider', fixture: 'seed-app-simple.json', found: ['Custom Application payload', '"applications"'] },
      { template: 'hris', fixture: 'seed-idp-simple.json', found: ['Custom Identity Provider payload'] },
    ] as const;
    for (const { template, fixture, found } of cases) {
      const { url, provider, dataSource } = await pushTarget(t, template);
      const res = await push(t, url, payloadFixture(fixture));
      const { message } = expectError(res, { status: 400, code: 'InvalidArgument', reason: 'TEMPLATE_MISMATCH' });
      for (const text of [...found, `custom_template "${template}"`]) expect(message).toContain(text);
      const stored = await t.call({ url: dataSourceUrl(provider.id, dataSource.id), key: t.keys.reader });
      expect((stored.json() as { value: { status: string } }).value.status).not.toBe('SUCCESS');
    }
  });
});

describe('push history', () => {
  it('lists every push newest first with its caller, size, counts and warnings', async () => {
    const { provider, dataSource, url } = await pushTarget(t);
    await push(t, url, payloadFixture('app-ledger.json'), {}, t.keys.writer);
    const res = await t.call({ url: `${dataSourceUrl(provider.id, dataSource.id)}/pushes`, key: t.keys.reader });
    const [record] = expectValues<PushRecord>(res).values;
    expect(record).toMatchObject({
      outcome: 'SUCCESS',
      compression: 'none',
      incremental: false,
      counts: { applications: 1, local_users: 5, local_groups: 3, local_roles: 4, access_creds: 1, resources: 3, permissions: 6 },
    });
    expect(record!.key_id).toMatch(/^[0-9a-f]{16}$/);
    expect(record!.size_bytes).toBeGreaterThan(1000);
    expect(record!.warnings.map((w) => w.message)).toEqual([
      expect.stringMatching(/^Role is missing permission/),
      expect.stringMatching(/^Cannot find identity by names: "ann@corp.example"/),
      expect.stringMatching(/^Cannot find identity by names: "ops@corp.example"/),
    ]);
  });
});

describe('push body limit', () => {
  it('takes push bodies up to twice the general limit, for JSON-escaped payloads, and answers 413 beyond', async () => {
    const { openSqliteStore } = await import('@accessgraph/storage');
    const { buildApp } = await import('../app.js');
    const { ApiKeyService } = await import('../services/api-key-service.js');
    const store = await openSqliteStore(':memory:');
    const app = await buildApp({ store, bodyLimit: 4096 });
    const key = (await new ApiKeyService(store).create({ name: 'w', role: 'writer' })).key;
    const auth = { authorization: `Bearer ${key}` };
    const provider = (await app.inject({ method: 'POST', url: '/api/v1/providers/custom', headers: auth, payload: { name: 'P', custom_template: 'application' } })).json().value;
    const ds = (await app.inject({ method: 'POST', url: `/api/v1/providers/custom/${provider.id}/datasources`, headers: auth, payload: { name: 'D' } })).json().value;
    const url = `/api/v1/providers/custom/${provider.id}/datasources/${ds.id}:push`;
    const payload = (size: number) => ({ json_data: JSON.stringify({ applications: [{ name: 'A', application_type: 'a', description: 'x'.repeat(10) }], pad: 'y'.repeat(size) }) });
    // 6 KiB: over the general 4 KiB limit, under the push limit: it reaches validation (unknown key "pad").
    const within = await app.inject({ method: 'POST', url, headers: auth, payload: payload(6000) });
    expectError(within, { status: 400, code: 'InvalidArgument', reason: 'INVALID_PAYLOAD', field: 'pad' });
    const over = await app.inject({ method: 'POST', url, headers: auth, payload: payload(9000) });
    const body = expectError(over, { status: 413, code: 'ResourceExhausted', reason: 'BODY_TOO_LARGE' });
    expect(body.message).toContain('8 KiB');
    await app.close();
    await store.close();
  });
});

describe('a push the server fails to store', () => {
  it('answers 500 without details, records FAILED, sets the status FAILED, and keeps the previous graph', async () => {
    const { openSqliteStore } = await import('@accessgraph/storage');
    const { buildApp } = await import('../app.js');
    const { ApiKeyService } = await import('../services/api-key-service.js');
    const { storeWith } = await import('../test-support/failing-store.js');
    const store = await openSqliteStore(':memory:');
    let failing = false;
    const flaky = storeWith(store, {
      commitPush: (commit: unknown) => {
        if (failing) return Promise.reject(new Error('disk on fire'));
        return store.commitPush(commit as never);
      },
    });
    const app = await buildApp({ store: flaky });
    const key = (await new ApiKeyService(store).create({ name: 'w', role: 'writer' })).key;
    const call = (o: Record<string, unknown>) => app.inject({ ...o, headers: { authorization: `Bearer ${key}` } } as never);
    const provider = (await call({ method: 'POST', url: '/api/v1/providers/custom', payload: { name: 'P', custom_template: 'application' } })).json().value;
    const ds = (await call({ method: 'POST', url: `/api/v1/providers/custom/${provider.id}/datasources`, payload: { name: 'D' } })).json().value;
    const base = `/api/v1/providers/custom/${provider.id}/datasources/${ds.id}`;
    const json_data = JSON.stringify(payloadFixture('seed-app-roles.json'));
    expect((await call({ method: 'POST', url: `${base}:push`, payload: { json_data } })).statusCode).toBe(200);
    const rows = (await call({ url: `${base}/effective_permissions` })).json().values;

    failing = true;
    const res = await call({ method: 'POST', url: `${base}:push`, payload: { json_data: JSON.stringify(payloadFixture('app-ledger.json')) } });
    const body = expectError(res, { status: 500, code: 'Internal', reason: 'INTERNAL' });
    expect(JSON.stringify(body)).not.toContain('disk on fire');
    expect((await call({ url: base })).json().value.status).toBe('FAILED');
    expect((await call({ url: `${base}/effective_permissions` })).json().values).toEqual(rows);
    const history = (await call({ url: `${base}/pushes` })).json().values as PushRecord[];
    expect(history.map((p) => p.outcome)).toEqual(['FAILED', 'SUCCESS']);
    await app.close();
    await store.close();
  });
});

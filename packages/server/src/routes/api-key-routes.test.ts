import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ApiKey, ApiKeyCreated } from '@accessgraph/contract';
import { API_KEYS, PROVIDERS } from '../test-support/fixtures.js';
import { expectEmpty, expectError, expectValue, expectValues } from '../test-support/http-expect.js';
import { createTestApp, type TestApp } from '../test-support/test-app.js';

let t: TestApp;
beforeEach(async () => {
  t = await createTestApp();
});
afterEach(() => t.close());

const create = (payload: Record<string, unknown>, key?: string) =>
  t.call({ method: 'POST', url: API_KEYS, payload, ...(key ? { key } : {}) });
const list = () => t.call({ method: 'GET', url: API_KEYS });

describe('POST /api/v1/api_keys', () => {
  it('answers 200 {value: key} with the secret, once; the secret authenticates with its role', async () => {
    const created = expectValue<ApiKeyCreated>(await create({ name: 'ci', role: 'writer' }));
    expect(created).toMatchObject({ name: 'ci', role: 'writer', last_used_at: null, revoked_at: null });
    expect(created.key.startsWith(created.prefix)).toBe(true);
    expect(created.key.length).toBeGreaterThan(created.prefix.length + 20);
    const write = await t.call({ method: 'POST', url: PROVIDERS, key: created.key, payload: { name: 'GitHub', custom_template: 'application' } });
    expect(write.statusCode).toBe(200);
    expectError(await t.call({ method: 'GET', url: API_KEYS, key: created.key }), {
      status: 403,
      code: 'PermissionDenied',
      reason: 'PERMISSION_DENIED',
    });
  });

  it('gives every key a distinct id and secret', async () => {
    const a = expectValue<ApiKeyCreated>(await create({ name: 'a', role: 'reader' }));
    const b = expectValue<ApiKeyCreated>(await create({ name: 'a', role: 'reader' }));
    expect(a.id).not.toBe(b.id);
    expect(a.key).not.toBe(b.key);
  });

  it.each([
    ['an unknown role', { name: 'ci', role: 'owner' }, 'role'],
    ['a missing role', { name: 'ci' }, 'role'],
    ['an empty name', { name: '', role: 'reader' }, 'name'],
    ['an unknown field', { name: 'ci', role: 'reader', bad_property: true }, 'bad_property'],
  ])('refuses %s with 400 naming the field, and creates nothing', async (_, payload, field) => {
    expectError(await create(payload), { status: 400, code: 'InvalidArgument', reason: 'INVALID_ARGUMENTS', field });
    expect(expectValues(await list()).values).toHaveLength(3);
  });
});

describe('GET /api/v1/api_keys', () => {
  it('lists every key with its prefix and never a secret or hash', async () => {
    const created = expectValue<ApiKeyCreated>(await create({ name: 'ci', role: 'reader' }));
    const res = await list();
    const page = expectValues<ApiKey>(res);
    expect(page.has_more).toBe(false);
    expect(page.values.map((k) => k.name).sort()).toEqual(['admin', 'ci', 'reader', 'writer']);
    for (const key of page.values) {
      expect(Object.keys(key).sort()).toEqual(['created_at', 'id', 'last_used_at', 'name', 'prefix', 'revoked_at', 'role']);
      expect(key.prefix).toMatch(/^agk_/);
    }
    for (const secret of [created.key, t.keys.admin, t.keys.writer, t.keys.reader]) {
      expect(res.body).not.toContain(secret);
      expect(res.body).not.toContain(secret.slice(created.prefix.length + 1));
    }
    expect(res.body).not.toMatch(/hash/i);
  });

  it('records when a key was last used', async () => {
    const created = expectValue<ApiKeyCreated>(await create({ name: 'ci', role: 'reader' }));
    await t.call({ method: 'GET', url: PROVIDERS, key: created.key });
    const listed = expectValues<ApiKey>(await list()).values.find((k) => k.id === created.id);
    expect(listed?.last_used_at).toEqual(expect.any(String));
  });
});

describe('DELETE /api/v1/api_keys/{key_id}', () => {
  it('revokes the key: it then answers 401, and the list shows revoked_at', async () => {
    const created = expectValue<ApiKeyCreated>(await create({ name: 'ci', role: 'admin' }));
    const res = await t.call({ method: 'DELETE', url: `${API_KEYS}/${created.id}` });
    expect(res.statusCode).toBe(200);
    expect(res.body).not.toContain(created.key);
    const refused = await t.call({ method: 'GET', url: PROVIDERS, key: created.key });
    const body = expectError(refused, { status: 401, code: 'Unauthenticated', reason: 'UNAUTHENTICATED' });
    expect(body.message).toMatch(/revoked/i);
    const listed = expectValues<ApiKey>(await list()).values.find((k) => k.id === created.id);
    expect(listed?.revoked_at).toEqual(expect.any(String));
    expect(expectValues<ApiKey>(await list()).values.filter((k) => k.revoked_at !== null)).toHaveLength(1);
  });

  // BUG: the revoke answers {"value": <revoked key>} where every other delete answers {} (spec
  // 1.4: "DELETE should answer {}"; the issue asks for {} on every delete).
  it('answers {} like every other delete', async () => {
    const created = expectValue<ApiKeyCreated>(await create({ name: 'ci', role: 'reader' }));
    expectEmpty(await t.call({ method: 'DELETE', url: `${API_KEYS}/${created.id}` }));
  });

  it('answers 404 for an unknown key id, and revokes nothing', async () => {
    expectError(await t.call({ method: 'DELETE', url: `${API_KEYS}/0123456789abcdef` }), { status: 404, code: 'NotFound', reason: 'NOT_FOUND' });
    expectError(await t.call({ method: 'DELETE', url: `${API_KEYS}/nope` }), { status: 404, code: 'NotFound', reason: 'NOT_FOUND' });
    expect(expectValues<ApiKey>(await list()).values.every((k) => k.revoked_at === null)).toBe(true);
  });

  it('lets an admin revoke its own key, which then stops working', async () => {
    const own = expectValues<ApiKey>(await list()).values.find((k) => k.name === 'admin')!;
    expect((await t.call({ method: 'DELETE', url: `${API_KEYS}/${own.id}` })).statusCode).toBe(200);
    expectError(await list(), { status: 401, code: 'Unauthenticated', reason: 'UNAUTHENTICATED' });
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiKeyCreated, Provider } from '@accessgraph/contract';
import {
  API_KEYS,
  PROVIDERS,
  createDataSource,
  createProvider,
  dataSourceUrl,
  dataSourcesUrl,
  iconUrl,
  providerUrl,
  snapshot,
} from '../test-support/fixtures.js';
import { expectError, expectValue } from '../test-support/http-expect.js';
import { svgBase64 } from '../test-support/icons.js';
import { createTestApp, type TestApp } from '../test-support/test-app.js';

// One app for the whole file: refused requests change nothing (checked at the end), so the
// fixture stays valid from test to test.
let t: TestApp;
let provider: Provider;
let dataSourceId: string;
let revokedKey: string;
let adminKeyId: string;
let before: unknown;

beforeAll(async () => {
  t = await createTestApp();
  provider = await createProvider(t, 'GitHub');
  dataSourceId = (await createDataSource(t, provider.id, 'Acme')).id;
  const revoked = expectValue<ApiKeyCreated>(await t.call({ method: 'POST', url: API_KEYS, payload: { name: 'old', role: 'admin' } }));
  expect((await t.call({ method: 'DELETE', url: `${API_KEYS}/${revoked.id}` })).statusCode).toBe(200);
  revokedKey = revoked.key;
  adminKeyId = t.keys.admin.split('_')[1]!;
  before = await snapshot(t);
});
afterAll(() => t.close());

type Role = 'reader' | 'writer' | 'admin';
interface Endpoint {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  url: () => string;
  payload?: () => Record<string, unknown>;
  needs: Role;
}

const ENDPOINTS: Record<string, Endpoint> = {
  'GET templates': { method: 'GET', url: () => `${PROVIDERS}/templates`, needs: 'reader' },
  'GET providers': { method: 'GET', url: () => PROVIDERS, needs: 'reader' },
  'POST providers': { method: 'POST', url: () => PROVIDERS, payload: () => ({ name: 'New', custom_template: 'application' }), needs: 'writer' },
  'GET provider': { method: 'GET', url: () => providerUrl(provider.id), needs: 'reader' },
  'PATCH provider': { method: 'PATCH', url: () => providerUrl(provider.id), payload: () => ({ provisioning: true }), needs: 'writer' },
  'DELETE provider': { method: 'DELETE', url: () => providerUrl(provider.id), needs: 'writer' },
  'POST icon': { method: 'POST', url: () => iconUrl(provider.id), payload: () => ({ icon_base64: svgBase64() }), needs: 'writer' },
  'GET icon': { method: 'GET', url: () => iconUrl(provider.id), needs: 'reader' },
  'DELETE icon': { method: 'DELETE', url: () => iconUrl(provider.id), needs: 'writer' },
  'GET icon by type': { method: 'GET', url: () => `${PROVIDERS}:icon?custom_schema_type=x`, needs: 'reader' },
  'GET data sources': { method: 'GET', url: () => dataSourcesUrl(provider.id), needs: 'reader' },
  'POST data sources': { method: 'POST', url: () => dataSourcesUrl(provider.id), payload: () => ({ name: 'New' }), needs: 'writer' },
  'GET data source': { method: 'GET', url: () => dataSourceUrl(provider.id, dataSourceId), needs: 'reader' },
  'DELETE data source': { method: 'DELETE', url: () => dataSourceUrl(provider.id, dataSourceId), needs: 'writer' },
  'POST api keys': { method: 'POST', url: () => API_KEYS, payload: () => ({ name: 'x', role: 'admin' }), needs: 'admin' },
  'GET api keys': { method: 'GET', url: () => API_KEYS, needs: 'admin' },
  'DELETE api key': { method: 'DELETE', url: () => `${API_KEYS}/${adminKeyId}`, needs: 'admin' },
};

const send = (e: Endpoint, options: { key?: string | null; headers?: Record<string, string> }) =>
  t.call({ method: e.method, url: e.url(), ...(e.payload ? { payload: e.payload() } : {}), ...options });

const unauthenticated = { status: 401, code: 'Unauthenticated', reason: 'UNAUTHENTICATED' } as const;
const permissionDenied = { status: 403, code: 'PermissionDenied', reason: 'PERMISSION_DENIED' } as const;
const endpoints = Object.entries(ENDPOINTS);
const below = (role: Role): Role[] => (role === 'admin' ? ['reader', 'writer'] : role === 'writer' ? ['reader'] : []);

describe.each(endpoints)('%s', (_, endpoint) => {
  it('answers 401 without a key, naming the header', async () => {
    const body = expectError(await send(endpoint, { key: null }), unauthenticated);
    expect(body.message).toMatch(/Authorization/);
  });

  it('answers 401 for a malformed key and for an unknown key of the right shape', async () => {
    expectError(await send(endpoint, { key: 'not-a-key' }), unauthenticated);
    const unknown = `agk_0123456789abcdef_${'A'.repeat(43)}`;
    expectError(await send(endpoint, { key: unknown }), unauthenticated);
  });

  it('answers 401 for a revoked key', async () => {
    const body = expectError(await send(endpoint, { key: revokedKey }), unauthenticated);
    expect(body.message).toMatch(/revoked/i);
  });

});

describe.each(endpoints.filter(([, e]) => e.needs !== 'reader'))('%s with a lesser role', (_, endpoint) => {
  it.each(below(endpoint.needs))(`answers 403 to a %s key`, async (role) => {
    const body = expectError(await send(endpoint, { key: t.keys[role] }), permissionDenied);
    expect(body.message).toContain(endpoint.needs);
  });
});

describe('the Authorization header', () => {
  const templates = ENDPOINTS['GET templates']!;

  it.each([
    ['an upper-case header name and lower-case scheme', { AUTHORIZATION: `bearer ${'<key>'}` }],
    ['a capitalised header name', { Authorization: `Bearer ${'<key>'}` }],
    ['an upper-case scheme', { authorization: `BEARER ${'<key>'}` }],
    ['several spaces and a tab after the scheme', { authorization: `Bearer  \t${'<key>'}` }],
  ])('is accepted with %s', async (_, headers) => {
    const withKey = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, v.replace('<key>', t.keys.reader)]));
    expect((await send(templates, { key: null, headers: withKey })).statusCode).toBe(200);
  });

  it.each([
    ['another scheme', () => `Basic ${t.keys.reader}`],
    ['a bare key without scheme', () => t.keys.reader],
    ['a scheme without key', () => 'Bearer'],
    ['two tokens', () => `Bearer ${t.keys.reader} extra`],
    ['a key with one character changed', () => `Bearer ${t.keys.reader.slice(0, -1)}${t.keys.reader.endsWith('A') ? 'B' : 'A'}`],
    ['an empty value', () => ''],
  ])('is refused with 401 when it has %s', async (_, value) => {
    expectError(await send(templates, { key: null, headers: { authorization: value() } }), unauthenticated);
  });

  it('lets a higher role do what a lower one may', async () => {
    expect((await t.call({ method: 'GET', url: providerUrl(provider.id), key: t.keys.writer })).statusCode).toBe(200);
    expect((await t.call({ method: 'GET', url: providerUrl(provider.id), key: t.keys.admin })).statusCode).toBe(200);
    expect((await t.call({ method: 'GET', url: API_KEYS, key: t.keys.admin })).statusCode).toBe(200);
  });

  it('is checked before the body is read: a keyless malformed body answers 401, not 400', async () => {
    const res = await t.call({ method: 'POST', url: PROVIDERS, key: null, payload: '{not json' });
    expectError(res, unauthenticated);
  });
});

describe('refused requests', () => {
  it('changed nothing: providers, data sources, icons and keys are as before', async () => {
    expect(await snapshot(t)).toEqual(before);
  });
});

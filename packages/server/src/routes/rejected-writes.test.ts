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
import { expectEmpty, expectValue } from '../test-support/http-expect.js';
import { pngBase64, svgBase64 } from '../test-support/icons.js';
import { createTestApp, type TestApp } from '../test-support/test-app.js';

// "Nothing changed by a rejected request": each request below is refused, and the whole visible
// state (providers, data sources, icons, keys) is compared before and after it.
let t: TestApp;
let github: Provider;
let okta: Provider;
let acmeId: string;
let oktaMainId: string;
let revokedKey: string;

beforeAll(async () => {
  t = await createTestApp();
  github = await createProvider(t, 'GitHub', 'application', { external_lifecycle_management_type: 'SCIM' });
  okta = await createProvider(t, 'Okta', 'identity_provider');
  acmeId = (await createDataSource(t, github.id, 'Acme')).id;
  await createDataSource(t, github.id, 'Beta');
  oktaMainId = (await createDataSource(t, okta.id, 'Okta Main')).id;
  expectEmpty(await t.call({ method: 'POST', url: iconUrl(github.id), payload: { icon_base64: svgBase64() } }));
  const revoked = expectValue<ApiKeyCreated>(await t.call({ method: 'POST', url: API_KEYS, payload: { name: 'old', role: 'admin' } }));
  await t.call({ method: 'DELETE', url: `${API_KEYS}/${revoked.id}` });
  revokedKey = revoked.key;
});
afterAll(() => t.close());

interface Rejected {
  method: 'POST' | 'PATCH' | 'DELETE';
  url: () => string;
  payload?: () => unknown;
  key?: () => string | null;
  status: number;
}

const provider = (body: Record<string, unknown>): Rejected => ({
  method: 'POST',
  url: () => PROVIDERS,
  payload: () => ({ name: 'New', custom_template: 'application', ...body }),
  status: 400,
});
const patch = (payload: unknown, status = 400): Rejected => ({ method: 'PATCH', url: () => providerUrl(github.id), payload: () => payload, status });
const dataSource = (payload: () => unknown, status = 400): Rejected => ({ method: 'POST', url: () => dataSourcesUrl(github.id), payload, status });
const icon = (icon_base64: string, extra: () => Record<string, unknown> = () => ({})): Rejected => ({
  method: 'POST',
  url: () => iconUrl(github.id),
  payload: () => ({ icon_base64, ...extra() }),
  status: 400,
});

const REJECTED: Record<string, Rejected> = {
  'create provider: duplicate name in another case': provider({ name: 'gitHUB' }),
  'create provider: bad characters': provider({ name: 'a/b' }),
  'create provider: empty name': provider({ name: '' }),
  'create provider: 257-byte name': provider({ name: 'n'.repeat(257) }),
  'create provider: unknown field': provider({ bad_property: 1 }),
  'create provider: provisioning as a string': provider({ provisioning: 'true' }),
  'create provider: unknown template': provider({ custom_template: 'principal' }),
  'create provider: lifecycle type on an IdP': provider({ custom_template: 'identity_provider', external_lifecycle_management_type: 'SCIM' }),
  'create provider: body not JSON': { method: 'POST', url: () => PROVIDERS, payload: () => 'name=New', status: 400 },
  'create provider: JSON array': { method: 'POST', url: () => PROVIDERS, payload: () => '[]', status: 400 },
  'create provider: reader key': { ...provider({}), key: () => t.keys.reader, status: 403 },
  'create provider: no key': { ...provider({}), key: () => null, status: 401 },
  'create provider: revoked key': { ...provider({}), key: () => revokedKey, status: 401 },
  'patch provider: unknown field': patch({ provisioning: true, bad_property: 1 }),
  'patch provider: empty object': patch({}),
  'patch provider: provisioning as a string': patch({ provisioning: 'true' }),
  'patch provider: name of another provider': patch({ name: 'OKTA' }),
  'patch provider: bad name with a good provisioning': patch({ provisioning: true, name: 'a/b' }),
  'patch provider: reader key': { ...patch({ provisioning: true }), key: () => t.keys.reader, status: 403 },
  'patch provider: unknown id': { method: 'PATCH', url: () => providerUrl('nope'), payload: () => ({ provisioning: true }), status: 404 },
  'delete provider: unknown id': { method: 'DELETE', url: () => providerUrl('00000000-0000-4000-8000-000000000000'), status: 404 },
  'delete provider: reader key': { method: 'DELETE', url: () => providerUrl(github.id), key: () => t.keys.reader, status: 403 },
  'create data source: id mismatch': dataSource(() => ({ id: okta.id, name: 'New' })),
  'create data source: duplicate name': dataSource(() => ({ name: 'ACME' })),
  'create data source: bad name': dataSource(() => ({ name: 'a/b' })),
  'create data source: unknown field': dataSource(() => ({ name: 'New', bad_property: 1 })),
  'create data source: unknown provider': { method: 'POST', url: () => dataSourcesUrl('nope'), payload: () => ({ name: 'New' }), status: 404 },
  'create data source: reader key': { ...dataSource(() => ({ name: 'New' })), key: () => t.keys.reader, status: 403 },
  'delete data source: under another provider': { method: 'DELETE', url: () => dataSourceUrl(okta.id, acmeId), status: 404 },
  'delete data source: unknown id': { method: 'DELETE', url: () => dataSourceUrl(github.id, 'nope'), status: 404 },
  'delete data source: reader key': { method: 'DELETE', url: () => dataSourceUrl(okta.id, oktaMainId), key: () => t.keys.reader, status: 403 },
  'replace icon: oversize': icon(pngBase64(64 * 1024 + 1)),
  'replace icon: not an image': icon(Buffer.from('plain text').toString('base64')),
  'replace icon: invalid base64': icon('%%%not base64%%%'),
  'replace icon: SVG with a script': icon(svgBase64('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>')),
  'replace icon: id mismatch': icon(pngBase64(), () => ({ id: okta.id })),
  'replace icon: reader key': { ...icon(pngBase64()), key: () => t.keys.reader, status: 403 },
  'delete icon: reader key': { method: 'DELETE', url: () => iconUrl(github.id), key: () => t.keys.reader, status: 403 },
  'create key: writer key': { method: 'POST', url: () => API_KEYS, payload: () => ({ name: 'x', role: 'admin' }), key: () => t.keys.writer, status: 403 },
  'create key: unknown role': { method: 'POST', url: () => API_KEYS, payload: () => ({ name: 'x', role: 'root' }), status: 400 },
  'revoke key: writer key': { method: 'DELETE', url: () => `${API_KEYS}/${t.keys.admin.split('_')[1]!}`, key: () => t.keys.writer, status: 403 },
};

describe.each(Object.entries(REJECTED))('%s', (_, request) => {
  it(`is refused and changes nothing`, async () => {
    const before = await snapshot(t);
    const payload = request.payload?.();
    const res = await t.call({
      method: request.method,
      url: request.url(),
      ...(payload === undefined ? {} : { payload: payload as string | object }),
      ...(request.key ? { key: request.key() } : {}),
    });
    expect({ status: res.statusCode, code: res.json<{ code?: string }>().code }).toMatchObject({ status: request.status, code: expect.any(String) });
    expect(await snapshot(t)).toEqual(before);
  });
});

describe('the snapshot itself', () => {
  it('does see an accepted change (control for the tests above)', async () => {
    const before = await snapshot(t);
    expectValue(await t.call({ method: 'PATCH', url: providerUrl(okta.id), payload: { provisioning: true } }));
    expect(await snapshot(t)).not.toEqual(before);
  });
});

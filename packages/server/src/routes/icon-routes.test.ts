import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Provider } from '@accessgraph/contract';
import { PROVIDERS, createProvider, iconUrl, providerUrl } from '../test-support/fixtures.js';
import { expectEmpty, expectError, expectValue } from '../test-support/http-expect.js';
import { SVG, pngBase64, svgBase64, wrap76 } from '../test-support/icons.js';
import { createTestApp, type TestApp } from '../test-support/test-app.js';

let t: TestApp;
let github: Provider;
beforeEach(async () => {
  t = await createTestApp();
  github = await createProvider(t, 'GitHub');
});
afterEach(() => t.close());

const UNKNOWN_ID = '00000000-0000-4000-8000-000000000000';
const notFound = { status: 404, code: 'NotFound', reason: 'NOT_FOUND' } as const;
const invalidIcon = { status: 400, code: 'InvalidArgument', reason: 'INVALID_ICON', field: 'icon_base64' } as const;

const upload = (id: string, payload: Record<string, unknown>, key?: string) =>
  t.call({ method: 'POST', url: iconUrl(id), payload, ...(key ? { key } : {}) });
const getIcon = (id: string) => t.call({ method: 'GET', url: iconUrl(id), key: t.keys.reader });

describe('POST /api/v1/providers/custom/{id}:icon', () => {
  it('stores a PNG and answers {}; GET answers {mime_type, icon_base64} without a value wrapper', async () => {
    expectEmpty(await upload(github.id, { icon_base64: pngBase64() }, t.keys.writer));
    const res = await getIcon(github.id);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ mime_type: 'image/png', icon_base64: pngBase64() });
  });

  it('stores an SVG, replacing the previous icon', async () => {
    expectEmpty(await upload(github.id, { icon_base64: pngBase64() }));
    expectEmpty(await upload(github.id, { icon_base64: svgBase64() }));
    expect((await getIcon(github.id)).json()).toEqual({ mime_type: 'image/svg+xml', icon_base64: svgBase64() });
  });

  it('accepts base64 wrapped at 76 columns (Python encodebytes) and returns it unwrapped', async () => {
    const base64 = pngBase64(300);
    expectEmpty(await upload(github.id, { icon_base64: wrap76(base64) }));
    expect((await getIcon(github.id)).json()).toEqual({ mime_type: 'image/png', icon_base64: base64 });
  });

  it('accepts a body id equal to the path, and refuses a different one with 400 ID_MISMATCH', async () => {
    expectEmpty(await upload(github.id, { id: github.id, icon_base64: pngBase64() }));
    const other = await createProvider(t, 'Okta', 'identity_provider');
    expectError(await upload(github.id, { id: other.id, icon_base64: svgBase64() }), {
      status: 400,
      code: 'InvalidArgument',
      reason: 'ID_MISMATCH',
      field: 'id',
    });
    expect((await getIcon(github.id)).json()).toMatchObject({ mime_type: 'image/png' });
  });

  it('accepts a decoded size of exactly 64 KiB and refuses one byte more', async () => {
    expectEmpty(await upload(github.id, { icon_base64: pngBase64(64 * 1024) }));
    expectError(await upload(github.id, { icon_base64: pngBase64(64 * 1024 + 1) }), { ...invalidIcon, description: '65536' });
  });

  it.each([
    ['text that is not an image', Buffer.from('hello world, not a picture').toString('base64'), /PNG|SVG/],
    ['invalid base64', 'not base64 at all!!', /base64/],
    ['an SVG with a script', svgBase64('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'), /script/],
    ['an SVG with an event handler', svgBase64('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"></svg>'), /script|event/],
    ['a JPEG', Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10, 0x4a, 0x46, 0x49, 0x46]).toString('base64'), /PNG|SVG/],
  ])('refuses %s with 400 INVALID_ICON on icon_base64', async (_, icon, description) => {
    expectError(await upload(github.id, { icon_base64: icon }), { ...invalidIcon, description });
  });

  it.each([
    ['an empty icon', { icon_base64: '' }, 'icon_base64'],
    ['a missing icon', {}, 'icon_base64'],
    ['an icon that is not a string', { icon_base64: 12 }, 'icon_base64'],
    ['an unknown field', { icon_base64: svgBase64(), bad_property: 1 }, 'bad_property'],
  ])('refuses %s with 400 naming the field', async (_, payload, field) => {
    expectError(await upload(github.id, payload), { status: 400, code: 'InvalidArgument', reason: 'INVALID_ARGUMENTS', field });
  });

  it('answers 404 for an unknown or malformed provider id', async () => {
    for (const id of [UNKNOWN_ID, 'nope']) expectError(await upload(id, { icon_base64: pngBase64() }), notFound);
  });

  it('is reached with the colon spelled %3A, for upload, read and delete alike', async () => {
    expectEmpty(await t.call({ method: 'POST', url: `${PROVIDERS}/${github.id}%3Aicon`, payload: { icon_base64: svgBase64() } }));
    const res = await t.call({ method: 'GET', url: `${PROVIDERS}/${github.id}%3Aicon` });
    expect(res.json()).toEqual({ mime_type: 'image/svg+xml', icon_base64: svgBase64() });
    expectEmpty(await t.call({ method: 'DELETE', url: `${PROVIDERS}/${github.id}%3aicon` }));
    expectError(await getIcon(github.id), notFound);
    // The icon went, not the provider.
    expect(expectValue<Provider>(await t.call({ method: 'GET', url: providerUrl(github.id) })).id).toBe(github.id);
  });
});

describe('GET /api/v1/providers/custom/{id}:icon', () => {
  it('answers 404 when the provider has no icon, and for an unknown provider', async () => {
    const body = expectError(await getIcon(github.id), notFound);
    expect(body.message).toContain('icon');
    expectError(await getIcon(UNKNOWN_ID), notFound);
    expectError(await getIcon('nope'), notFound);
  });
});

describe('DELETE /api/v1/providers/custom/{id}:icon', () => {
  it('answers {} and removes only the icon; deleting again is still {}', async () => {
    expectEmpty(await upload(github.id, { icon_base64: pngBase64() }));
    expectEmpty(await t.call({ method: 'DELETE', url: iconUrl(github.id), key: t.keys.writer }));
    expectError(await getIcon(github.id), notFound);
    expect(expectValue<Provider>(await t.call({ method: 'GET', url: providerUrl(github.id) })).name).toBe('GitHub');
    expectEmpty(await t.call({ method: 'DELETE', url: iconUrl(github.id) }));
  });

  it('answers 404 for an unknown provider', async () => {
    expectError(await t.call({ method: 'DELETE', url: iconUrl(UNKNOWN_ID) }), notFound);
  });
});

describe('GET /api/v1/providers/custom:icon', () => {
  const byType = (query: string) => t.call({ method: 'GET', url: `${PROVIDERS}:icon${query}`, key: t.keys.reader });

  beforeEach(async () => {
    await t.store.setProviderTypes(github.id, {
      application_types: ['GitHubApp'],
      resource_types: ['Repository'],
      idp_types: [],
      hris_types: [],
    });
    expectEmpty(await upload(github.id, { icon_base64: svgBase64() }));
  });

  it.each([
    ['custom_schema_type', '?custom_schema_type=GitHubApp'],
    ['custom_schema_type in another case', '?custom_schema_type=githubapp'],
    ['the deprecated app_or_idp_type', '?app_or_idp_type=GitHubApp'],
    ['node_type', '?node_type=Repository'],
  ])('finds the icon by %s, with the provider id', async (_, query) => {
    const res = await byType(query);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ mime_type: 'image/svg+xml', icon_base64: svgBase64(SVG), provider_id: github.id });
  });

  it('answers 400 naming custom_schema_type when no type is given', async () => {
    expectError(await byType(''), { status: 400, code: 'InvalidArgument', reason: 'INVALID_ARGUMENTS', field: 'custom_schema_type' });
  });

  it('answers 404 for a type no provider declared, and for a declared type whose provider has no icon', async () => {
    expectError(await byType('?custom_schema_type=Jira'), notFound);
    const okta = await createProvider(t, 'Okta', 'identity_provider');
    await t.store.setProviderTypes(okta.id, { application_types: [], resource_types: [], idp_types: ['okta'], hris_types: [] });
    expectError(await byType('?custom_schema_type=okta'), notFound);
  });

  // BUG: `custom%3Aicon` is not routed (404 "no route for GET /api/v1/providers/custom%3Aicon"),
  // although `{id}%3Aicon` is, and routes/paths.ts says both spellings of the colon are accepted.
  it('is reached with the colon spelled %3A', async () => {
    const res = await t.call({ method: 'GET', url: `${PROVIDERS}%3Aicon?custom_schema_type=GitHubApp` });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ provider_id: github.id });
  });

  it('no longer finds the icon once it is deleted', async () => {
    expectEmpty(await t.call({ method: 'DELETE', url: iconUrl(github.id) }));
    expectError(await byType('?custom_schema_type=GitHubApp'), notFound);
  });
});

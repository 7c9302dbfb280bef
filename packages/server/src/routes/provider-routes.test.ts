import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Provider } from '@accessgraph/contract';
import {
  PROVIDERS,
  createDataSource,
  createProvider,
  dataSourceUrl,
  iconUrl,
  providerUrl,
} from '../test-support/fixtures.js';
import { expectEmpty, expectError, expectValue, expectValues } from '../test-support/http-expect.js';
import { pngBase64 } from '../test-support/icons.js';
import { createTestApp, type TestApp } from '../test-support/test-app.js';

let t: TestApp;
beforeEach(async () => {
  t = await createTestApp();
});
afterEach(() => t.close());

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('POST /api/v1/providers/custom', () => {
  it('answers 200 {value: provider} in the shape of the seed response', async () => {
    const res = await t.call({
      method: 'POST',
      url: PROVIDERS,
      key: t.keys.writer,
      payload: { name: 'GitHub', custom_template: 'application' },
    });
    const provider = expectValue<Provider>(res);
    expect(provider).toMatchObject({
      name: 'GitHub',
      custom_template: 'application',
      state: 'ENABLED',
      application_types: [],
      resource_types: [],
      idp_types: [],
      schema_definition_json: 'e30=',
      provisioning: false,
    });
    expect(provider.id).toMatch(UUID);
  });

  it('stores and echoes the documented options (SCIM lifecycle, hris provisioning)', async () => {
    const app = await createProvider(t, 'Scim App', 'application', { external_lifecycle_management_type: 'SCIM' });
    expect(app.external_lifecycle_management_type).toBe('SCIM');
    const hris = await createProvider(t, 'BambooHR', 'hris', { provisioning: true });
    expect(hris.provisioning).toBe(true);
    const fetched = expectValue<Provider>(await t.call({ method: 'GET', url: providerUrl(hris.id) }));
    expect(fetched.provisioning).toBe(true);
  });

  it('accepts a name made of every allowed character, and one of exactly 256 bytes', async () => {
    const every = `Az09 @#$%&*:()!,_'"=.-`;
    expect((await createProvider(t, every)).name).toBe(every);
    expect((await createProvider(t, 'n'.repeat(256))).name).toHaveLength(256);
  });

  it('refuses a name taken in another case: 400 on field name, as Veza words it', async () => {
    await createProvider(t, 'GitHub');
    const res = await t.call({ method: 'POST', url: PROVIDERS, payload: { name: 'GITHUB', custom_template: 'identity_provider' } });
    expectError(res, {
      status: 400,
      code: 'InvalidArgument',
      reason: 'DUPLICATE_NAME',
      field: 'name',
      description: 'Provider with the same name already exists',
    });
  });

  it('lets only one of two simultaneous creates with the same name (any case) succeed', async () => {
    const results = await Promise.all(
      ['Same', 'SAME', 'same'].map((name) => t.call({ method: 'POST', url: PROVIDERS, payload: { name, custom_template: 'application' } })),
    );
    expect(results.map((r) => r.statusCode).sort()).toEqual([200, 400, 400]);
    expect(expectValues(await t.call({ method: 'GET', url: PROVIDERS })).values).toHaveLength(1);
  });

  it.each([
    ['a character outside the allowed set', 'bad/name'],
    ['a non-ASCII letter', 'Café'],
    ['an empty name', ''],
    ['a name over 256 bytes', 'n'.repeat(257)],
  ])('refuses %s with 400 on field name', async (_, name) => {
    const res = await t.call({ method: 'POST', url: PROVIDERS, payload: { name, custom_template: 'application' } });
    expectError(res, { status: 400, code: 'InvalidArgument', reason: 'INVALID_ARGUMENTS', field: 'name' });
  });

  it.each([
    ['an unknown field', { name: 'X', custom_template: 'application', bad_property: 1 }, 'bad_property', 'bad_property'],
    ['provisioning as the string "true" (no coercion)', { name: 'X', custom_template: 'hris', provisioning: 'true' }, 'provisioning', 'boolean'],
    ['a name that is a number', { name: 42, custom_template: 'application' }, 'name', 'string'],
    ['a template outside application/identity_provider/hris', { name: 'X', custom_template: 'principal' }, 'custom_template', 'identity_provider'],
    ['a missing template', { name: 'X' }, 'custom_template', 'custom_template'],
    ['a missing name', { custom_template: 'application' }, 'name', 'name'],
    ['an unknown lifecycle type', { name: 'X', custom_template: 'application', external_lifecycle_management_type: 'FTP' }, 'external_lifecycle_management_type', 'SCIM'],
  ])('refuses %s with 400 naming the field', async (_, payload, field, description) => {
    const res = await t.call({ method: 'POST', url: PROVIDERS, payload });
    expectError(res, { status: 400, code: 'InvalidArgument', reason: 'INVALID_ARGUMENTS', field, description });
  });

  it.each(['identity_provider', 'hris'])('refuses external_lifecycle_management_type on a %s provider', async (template) => {
    const res = await t.call({
      method: 'POST',
      url: PROVIDERS,
      payload: { name: 'X', custom_template: template, external_lifecycle_management_type: 'SCIM' },
    });
    expectError(res, {
      status: 400,
      code: 'InvalidArgument',
      reason: 'INVALID_ARGUMENTS',
      field: 'external_lifecycle_management_type',
      description: 'application',
    });
  });
});

describe('GET /api/v1/providers/custom/{id}', () => {
  it('answers {value: provider}, also for the id in upper case', async () => {
    const created = await createProvider(t, 'GitHub');
    expect(expectValue(await t.call({ method: 'GET', url: providerUrl(created.id), key: t.keys.reader }))).toEqual(created);
    expect(expectValue(await t.call({ method: 'GET', url: providerUrl(created.id.toUpperCase()) }))).toEqual(created);
  });

  it.each([
    ['an unknown uuid', '00000000-0000-4000-8000-000000000000'],
    ['a malformed id', 'not-a-uuid'],
    ['a number', '12345'],
    ['an id with a colon', 'abc:def'],
    ['an id with quotes', `x'"y`],
  ])('answers 404 NotFound for %s (never 400: oaaclient maps only 404 to None)', async (_, id) => {
    const res = await t.call({ method: 'GET', url: providerUrl(encodeURIComponent(id)) });
    const body = expectError(res, { status: 404, code: 'NotFound', reason: 'NOT_FOUND' });
    expect(body.details).toContainEqual(expect.objectContaining({ resource_type: 'provider', resource: id }));
  });
});

describe('GET /api/v1/providers/custom', () => {
  it('lists providers by name in the list envelope; an empty store lists []', async () => {
    expect(expectValues(await t.call({ method: 'GET', url: PROVIDERS })).values).toEqual([]);
    const b = await createProvider(t, 'beta', 'hris');
    const a = await createProvider(t, 'Alpha');
    const page = expectValues<Provider>(await t.call({ method: 'GET', url: PROVIDERS, key: t.keys.reader }));
    expect(page).toEqual({ values: [a, b], next_page_token: '', has_more: false });
  });
});

describe('PATCH /api/v1/providers/custom/{id}', () => {
  it.each([true, false])('sets provisioning to %s and answers {value: provider}', async (provisioning) => {
    const created = await createProvider(t, 'Workday', 'hris', { provisioning: !provisioning });
    const res = await t.call({ method: 'PATCH', url: providerUrl(created.id), key: t.keys.writer, payload: { provisioning } });
    const patched = expectValue<Provider>(res);
    expect(patched).toMatchObject({ id: created.id, name: 'Workday', provisioning });
    expect(expectValue<Provider>(await t.call({ method: 'GET', url: providerUrl(created.id) })).provisioning).toBe(provisioning);
  });

  it('stores notification preferences and returns them', async () => {
    const created = await createProvider(t, 'GitHub');
    const notification_preferences = { enabled: true, additional_recipients: ['ops@example.com'] };
    const patched = expectValue<Provider>(await t.call({ method: 'PATCH', url: providerUrl(created.id), payload: { notification_preferences } }));
    expect(patched.notification_preferences).toEqual(notification_preferences);
    expect(patched.provisioning).toBe(false);
  });

  it('renames, and refuses a name another provider has in any case', async () => {
    const created = await createProvider(t, 'Old');
    await createProvider(t, 'Taken');
    expect(expectValue<Provider>(await t.call({ method: 'PATCH', url: providerUrl(created.id), payload: { name: 'New' } })).name).toBe('New');
    const res = await t.call({ method: 'PATCH', url: providerUrl(created.id), payload: { name: 'TAKEN' } });
    expectError(res, { status: 400, code: 'InvalidArgument', reason: 'DUPLICATE_NAME', field: 'name', description: 'Provider with the same name already exists' });
  });

  it.each([
    ['an unknown field', { bad_property: true }, 'bad_property'],
    ['a field that cannot change', { custom_template: 'hris' }, 'custom_template'],
    ['provisioning as a string', { provisioning: 'true' }, 'provisioning'],
    ['a name with characters outside the allowed set', { name: 'a/b' }, 'name'],
    ['a name over 256 bytes', { name: 'n'.repeat(257) }, 'name'],
  ])('refuses %s with 400 naming the field', async (_, payload, field) => {
    const created = await createProvider(t, 'GitHub');
    const res = await t.call({ method: 'PATCH', url: providerUrl(created.id), payload });
    expectError(res, { status: 400, code: 'InvalidArgument', reason: 'INVALID_ARGUMENTS', field });
  });

  it('refuses an empty object and a missing body with 400', async () => {
    const created = await createProvider(t, 'GitHub');
    const empty = await t.call({ method: 'PATCH', url: providerUrl(created.id), payload: {} });
    expectError(empty, { status: 400, code: 'InvalidArgument', reason: 'INVALID_ARGUMENTS' });
    const missing = await t.call({ method: 'PATCH', url: providerUrl(created.id) });
    expectError(missing, { status: 400, code: 'InvalidArgument', reason: 'MALFORMED_BODY' });
  });

  it('answers 404 for an unknown or malformed id', async () => {
    for (const id of ['00000000-0000-4000-8000-000000000000', 'nope']) {
      const res = await t.call({ method: 'PATCH', url: providerUrl(id), payload: { provisioning: true } });
      expectError(res, { status: 404, code: 'NotFound', reason: 'NOT_FOUND' });
    }
  });
});

describe('DELETE /api/v1/providers/custom/{id}', () => {
  it('answers {} and removes the provider, its data sources and its icon; other providers are untouched', async () => {
    const gone = await createProvider(t, 'GitHub');
    const kept = await createProvider(t, 'Okta', 'identity_provider');
    const goneSources = [await createDataSource(t, gone.id, 'Acme'), await createDataSource(t, gone.id, 'Beta')];
    const keptSource = await createDataSource(t, kept.id, 'Acme');
    for (const p of [gone, kept]) expectEmpty(await t.call({ method: 'POST', url: iconUrl(p.id), payload: { icon_base64: pngBase64() } }));

    expectEmpty(await t.call({ method: 'DELETE', url: providerUrl(gone.id), key: t.keys.writer }));

    expectError(await t.call({ method: 'GET', url: providerUrl(gone.id) }), { status: 404, code: 'NotFound', reason: 'NOT_FOUND' });
    for (const ds of goneSources) {
      expectError(await t.call({ method: 'GET', url: dataSourceUrl(gone.id, ds.id) }), { status: 404, code: 'NotFound', reason: 'NOT_FOUND' });
      expect(await t.store.getDataSource(gone.id, ds.id)).toBeUndefined();
    }
    expect(await t.store.getProviderIcon(gone.id)).toBeUndefined();
    expect(expectValues<Provider>(await t.call({ method: 'GET', url: PROVIDERS })).values).toEqual([kept]);
    expect(expectValue(await t.call({ method: 'GET', url: dataSourceUrl(kept.id, keptSource.id) }))).toEqual(keptSource);
    expect((await t.call({ method: 'GET', url: iconUrl(kept.id) })).json()).toEqual({ mime_type: 'image/png', icon_base64: pngBase64() });
  });

  it('answers 404 for an unknown id, and for a provider deleted already', async () => {
    const created = await createProvider(t, 'GitHub');
    expectEmpty(await t.call({ method: 'DELETE', url: providerUrl(created.id) }));
    for (const id of [created.id, 'nope']) {
      expectError(await t.call({ method: 'DELETE', url: providerUrl(id) }), { status: 404, code: 'NotFound', reason: 'NOT_FOUND' });
    }
  });
});

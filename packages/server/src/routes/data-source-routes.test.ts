import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DataSource, Provider } from '@accessgraph/contract';
import { createDataSource, createProvider, dataSourceUrl, dataSourcesUrl } from '../test-support/fixtures.js';
import { expectEmpty, expectError, expectValue, expectValues } from '../test-support/http-expect.js';
import { createTestApp, type TestApp } from '../test-support/test-app.js';

let t: TestApp;
let github: Provider;
let okta: Provider;
beforeEach(async () => {
  t = await createTestApp();
  github = await createProvider(t, 'GitHub');
  okta = await createProvider(t, 'Okta', 'identity_provider');
});
afterEach(() => t.close());

const UNKNOWN_ID = '00000000-0000-4000-8000-000000000000';
const notFound = { status: 404, code: 'NotFound', reason: 'NOT_FOUND' } as const;

describe('POST /api/v1/providers/custom/{id}/datasources', () => {
  it('answers 200 {value: data source} with the provider id in path and body, as oaaclient sends', async () => {
    const res = await t.call({
      method: 'POST',
      url: dataSourcesUrl(github.id),
      key: t.keys.writer,
      payload: { id: github.id, name: 'GitHub - Acme' },
    });
    const ds = expectValue<DataSource>(res);
    expect(ds).toMatchObject({ name: 'GitHub - Acme', provider_id: github.id, status: 'PENDING', custom_template: 'application' });
    expect(ds.id).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('accepts a body without id (the path names the provider)', async () => {
    const ds = expectValue<DataSource>(await t.call({ method: 'POST', url: dataSourcesUrl(github.id), payload: { name: 'Acme' } }));
    expect(ds.provider_id).toBe(github.id);
  });

  it('refuses a body id that differs from the path: 400 ID_MISMATCH on field id', async () => {
    const res = await t.call({ method: 'POST', url: dataSourcesUrl(github.id), payload: { id: okta.id, name: 'Acme' } });
    expectError(res, { status: 400, code: 'InvalidArgument', reason: 'ID_MISMATCH', field: 'id' });
  });

  it('is readable at once by name, as oaaclient looks it up right after creating it', async () => {
    const ds = await createDataSource(t, github.id, 'GitHub - Acme');
    const url = `${dataSourcesUrl(github.id)}?filter=${encodeURIComponent('name eq "GitHub - Acme"')}`;
    expect(expectValues(await t.call({ method: 'GET', url })).values).toEqual([ds]);
  });

  it('refuses a name the provider already has in another case, but allows it under another provider', async () => {
    await createDataSource(t, github.id, 'Acme');
    const res = await t.call({ method: 'POST', url: dataSourcesUrl(github.id), payload: { name: 'ACME' } });
    expectError(res, { status: 400, code: 'InvalidArgument', reason: 'DUPLICATE_NAME', field: 'name', description: 'same name' });
    const other = await createDataSource(t, okta.id, 'ACME');
    expect(other.provider_id).toBe(okta.id);
  });

  it.each([
    ['a character outside the allowed set', { name: 'a/b' }, 'name'],
    ['an empty name', { name: '' }, 'name'],
    ['a name over 256 bytes', { name: 'n'.repeat(257) }, 'name'],
    ['a missing name', {}, 'name'],
    ['an unknown field', { name: 'Acme', bad_property: 'x' }, 'bad_property'],
    ['an id that is not a string', { id: 7, name: 'Acme' }, 'id'],
    ['a template other than the provider\'s', { name: 'Acme', custom_template: 'hris' }, 'custom_template'],
  ])('refuses %s with 400 naming the field', async (_, payload, field) => {
    const res = await t.call({ method: 'POST', url: dataSourcesUrl(github.id), payload });
    expectError(res, { status: 400, code: 'InvalidArgument', reason: 'INVALID_ARGUMENTS', field });
  });

  it('answers 404 for an unknown or malformed provider id', async () => {
    for (const id of [UNKNOWN_ID, 'nope']) {
      expectError(await t.call({ method: 'POST', url: dataSourcesUrl(id), payload: { name: 'Acme' } }), notFound);
    }
  });
});

describe('GET /api/v1/providers/custom/{id}/datasources', () => {
  it('lists [] for a new provider, then only that provider\'s sources, by name', async () => {
    expect(expectValues(await t.call({ method: 'GET', url: dataSourcesUrl(github.id), key: t.keys.reader }))).toEqual({
      values: [],
      next_page_token: '',
      has_more: false,
    });
    const b = await createDataSource(t, github.id, 'beta');
    const a = await createDataSource(t, github.id, 'Alpha');
    await createDataSource(t, okta.id, 'Okta Main');
    const page = expectValues<DataSource>(await t.call({ method: 'GET', url: `${dataSourcesUrl(github.id)}?page_size=250` }));
    expect(page).toEqual({ values: [a, b], next_page_token: '', has_more: false });
  });

  it('answers 404 for an unknown or malformed provider id', async () => {
    for (const id of [UNKNOWN_ID, 'nope']) {
      expectError(await t.call({ method: 'GET', url: dataSourcesUrl(id) }), notFound);
    }
  });
});

describe('GET /api/v1/providers/custom/{id}/datasources/{data_source_id}', () => {
  it('answers {value: data source} with its status', async () => {
    const ds = await createDataSource(t, github.id, 'Acme');
    const got = expectValue<DataSource>(await t.call({ method: 'GET', url: dataSourceUrl(github.id, ds.id), key: t.keys.reader }));
    expect(got).toEqual(ds);
    expect(got.status).toBe('PENDING');
  });

  it('answers 404 for an unknown or malformed id, and under another provider', async () => {
    const ds = await createDataSource(t, github.id, 'Acme');
    const cases = [
      dataSourceUrl(github.id, UNKNOWN_ID),
      dataSourceUrl(github.id, 'nope'),
      dataSourceUrl(okta.id, ds.id),
      dataSourceUrl(UNKNOWN_ID, ds.id),
      dataSourceUrl('nope', ds.id),
    ];
    for (const url of cases) expectError(await t.call({ method: 'GET', url }), notFound);
  });
});

describe('DELETE /api/v1/providers/custom/{id}/datasources/{data_source_id}', () => {
  it('answers {}; the source is then 404 and gone from the list, its siblings stay', async () => {
    const gone = await createDataSource(t, github.id, 'Acme');
    const kept = await createDataSource(t, github.id, 'Beta');
    expectEmpty(await t.call({ method: 'DELETE', url: dataSourceUrl(github.id, gone.id), key: t.keys.writer }));
    expectError(await t.call({ method: 'GET', url: dataSourceUrl(github.id, gone.id) }), notFound);
    expect(expectValues(await t.call({ method: 'GET', url: dataSourcesUrl(github.id) })).values).toEqual([kept]);
  });

  it('answers 404 under another provider and leaves the source in place', async () => {
    const ds = await createDataSource(t, github.id, 'Acme');
    expectError(await t.call({ method: 'DELETE', url: dataSourceUrl(okta.id, ds.id) }), notFound);
    expect(expectValue(await t.call({ method: 'GET', url: dataSourceUrl(github.id, ds.id) }))).toEqual(ds);
  });

  it('answers 404 for an unknown id, a malformed id, and a second delete', async () => {
    const ds = await createDataSource(t, github.id, 'Acme');
    expectEmpty(await t.call({ method: 'DELETE', url: dataSourceUrl(github.id, ds.id) }));
    for (const id of [ds.id, UNKNOWN_ID, 'nope']) {
      expectError(await t.call({ method: 'DELETE', url: dataSourceUrl(github.id, id) }), notFound);
    }
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DataSource, Provider } from '@accessgraph/contract';
import {
  PROVIDERS,
  createDataSource,
  createProvider,
  dataSourcesUrl,
  namesOf,
  pythonUrlencode,
} from '../test-support/fixtures.js';
import { expectError, expectValues } from '../test-support/http-expect.js';
import { createTestApp, type TestApp } from '../test-support/test-app.js';

// Read-only tests on one fixture: filters and order_by of both OAA lists, as oaaclient and curl encode them.
let t: TestApp;
let github: Provider;
const sources: Record<string, DataSource> = {};

const PROVIDER_NAMES = {
  'GitHub': 'application',
  'GitHub Enterprise': 'application',
  'Okta': 'identity_provider',
  'BambooHR': 'hris',
  'My App (x)': 'application',
  'Acme "Prod" #1 (100%): x': 'application',
  'Acme 1000 Prod': 'application',
  'C  Tools': 'application',
  'a_b': 'application',
  'axb': 'application',
} as const;

beforeAll(async () => {
  t = await createTestApp();
  for (const [name, template] of Object.entries(PROVIDER_NAMES)) {
    const provider = await createProvider(t, name, template);
    if (name === 'GitHub') github = provider;
  }
  for (const name of ['prod', 'staging', 'dev', 'Prod EU']) sources[name] = await createDataSource(t, github.id, name);
  const now = new Date().toISOString();
  await t.store.setDataSourceStatus(sources.prod!.id, 'SUCCESS', now);
  await t.store.setDataSourceStatus(sources['Prod EU']!.id, 'SUCCESS', now);
  await t.store.setDataSourceStatus(sources.staging!.id, 'FAILED', now);
});
afterAll(() => t.close());

const providers = (query: string) => t.call({ method: 'GET', url: `${PROVIDERS}?${query}`, key: t.keys.reader });
const dataSources = (query: string) => t.call({ method: 'GET', url: `${dataSourcesUrl(github.id)}?${query}`, key: t.keys.reader });
const filter = (expression: string) => pythonUrlencode({ filter: expression });

describe('filter on providers', () => {
  it('reads a query encoded as Python urlencode does (+ for space, %22, %28)', async () => {
    const query = filter('name eq "My App (x)"');
    expect(query).toBe('filter=name+eq+%22My+App+%28x%29%22');
    expect(namesOf(await providers(query))).toEqual(['My App (x)']);
  });

  it('reads spaces spelled %20 too', async () => {
    expect(namesOf(await providers('filter=name%20eq%20%22My%20App%20(x)%22'))).toEqual(['My App (x)']);
  });

  it('takes %2B as a literal plus, not a space', async () => {
    expect(namesOf(await providers('filter=name+eq+%22C%2B%2B+Tools%22'))).toEqual([]);
    expect(namesOf(await providers('filter=name+eq+%22C++Tools%22'))).toEqual(['C  Tools']);
  });

  it('finds a name with quotes, #, %, : and ( by eq', async () => {
    expect(namesOf(await providers(filter('name eq "Acme "Prod" #1 (100%): x"')))).toEqual(['Acme "Prod" #1 (100%): x']);
  });

  it('matches eq exactly but in any case: "github" finds GitHub and not GitHub Enterprise', async () => {
    const page = expectValues<Provider>(await providers(filter('name eq "github"')));
    expect(page.values).toEqual([github]);
    expect(namesOf(await providers(filter('name eq "GITHUB ENTERPRISE"')))).toEqual(['GitHub Enterprise']);
  });

  it('answers an unmatched filter with an empty list, not 404', async () => {
    expect(expectValues(await providers(filter('name eq "Nope"')))).toEqual({ values: [], next_page_token: '', has_more: false });
  });

  it.each([
    ['co (contains, any case)', 'name co "hub"', ['GitHub', 'GitHub Enterprise']],
    ['co with a literal %', 'name co "100%"', ['Acme "Prod" #1 (100%): x']],
    ['co with a literal _', 'name co "a_b"', ['a_b']],
    ['sw (starts with)', 'name sw "acme"', ['Acme "Prod" #1 (100%): x', 'Acme 1000 Prod']],
    ['ne', 'custom_template ne "application"', ['BambooHR', 'Okta']],
    ['a bare value', 'custom_template eq hris', ['BambooHR']],
    ['state, in any case', 'state eq enabled and name sw "git"', ['GitHub', 'GitHub Enterprise']],
    ['and', 'name sw "git" and name ne "GitHub"', ['GitHub Enterprise']],
    ['or', 'name eq "Okta" or custom_template eq "hris"', ['BambooHR', 'Okta']],
    ['keywords in capitals', 'name EQ "Okta" OR name EQ "axb"', ['axb', 'Okta']],
    ['parentheses', '(name eq "Okta" or name eq "axb") and custom_template eq "application"', ['axb']],
  ])('supports %s', async (_, expression, expected) => {
    expect(namesOf(await providers(filter(expression)))).toEqual(expected);
  });
});

describe('order_by on providers', () => {
  it('sorts by name desc, and by several fields', async () => {
    const all = namesOf(await providers(''));
    expect(namesOf(await providers(pythonUrlencode({ order_by: 'name desc' })))).toEqual([...all].reverse());
    const byTemplate = namesOf(await providers(pythonUrlencode({ order_by: 'custom_template desc, name', filter: 'name sw "b" or name sw "o" or name sw "git"' })));
    expect(byTemplate).toEqual(['Okta', 'BambooHR', 'GitHub', 'GitHub Enterprise']);
  });
});

describe('filter and order_by on data sources', () => {
  it('filters by name exactly and in any case', async () => {
    const found = expectValues<DataSource>(await dataSources(filter('name eq "PROD"'))).values;
    expect(found.map((d) => d.id)).toEqual([sources.prod!.id]);
  });

  it('filters by status', async () => {
    expect(namesOf(await dataSources(filter('status eq "SUCCESS"')))).toEqual(['prod', 'Prod EU']);
    expect(namesOf(await dataSources(filter('status ne SUCCESS')))).toEqual(['dev', 'staging']);
    expect(namesOf(await dataSources(filter('status eq failed or status eq pending')))).toEqual(['dev', 'staging']);
  });

  it('orders by status then name', async () => {
    expect(namesOf(await dataSources(pythonUrlencode({ order_by: 'status desc, name' })))).toEqual(['prod', 'Prod EU', 'dev', 'staging']);
    expect(namesOf(await dataSources(pythonUrlencode({ order_by: 'status, name desc' })))).toEqual(['staging', 'dev', 'Prod EU', 'prod']);
  });
});

describe('bad filter and order_by', () => {
  const invalidFilter = { status: 400, code: 'InvalidArgument', reason: 'INVALID_FILTER' } as const;

  it.each([
    ['a filter without a value', 'name eq', /value/],
    ['an unknown operator', 'name equals "x"', /operator "equals"/],
    ['an unknown field', 'colour eq "red"', /colour/],
    ['an unterminated quote', 'name eq "GitHub', /quote|unterminated/],
    ['a dangling and', 'name eq "x" and', /./],
    ['an unclosed parenthesis', '(name eq "x"', /\)/],
  ])('refuses %s on providers with 400 INVALID_FILTER naming filter', async (_, expression, description) => {
    expectError(await providers(filter(expression)), { ...invalidFilter, field: 'filter', description });
  });

  it('refuses a provider-only field on data sources', async () => {
    expectError(await dataSources(filter('custom_template eq "application"')), { ...invalidFilter, field: 'filter', description: /custom_template/ });
  });

  it.each([
    ['an unknown field', 'colour', /colour/],
    ['a bad direction', 'name sideways', /sideways/],
    ['an empty term', 'name,', /empty/],
    ['a repeated field', 'name, name desc', /twice/],
  ])('refuses order_by with %s with 400 INVALID_FILTER naming order_by', async (_, orderBy, description) => {
    expectError(await providers(pythonUrlencode({ order_by: orderBy })), { ...invalidFilter, field: 'order_by', description });
    expectError(await dataSources(pythonUrlencode({ order_by: orderBy })), { ...invalidFilter, field: 'order_by', description });
  });

  it('refuses an unknown query parameter with 400 naming it', async () => {
    expectError(await providers('colour=red'), { status: 400, code: 'InvalidArgument', reason: 'INVALID_ARGUMENTS', field: 'querystring.colour' });
  });
});

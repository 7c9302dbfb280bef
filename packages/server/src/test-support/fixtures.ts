import { randomUUID } from 'node:crypto';
import type { LightMyRequestResponse } from 'fastify';
import type { CustomTemplate, DataSource, Provider } from '@accessgraph/contract';
import { expectValue, expectValues, type ValuesPage } from './http-expect.js';
import type { TestApp } from './test-app.js';

export const PROVIDERS = '/api/v1/providers/custom';
export const providerUrl = (id: string) => `${PROVIDERS}/${id}`;
export const iconUrl = (id: string) => `${PROVIDERS}/${id}:icon`;
export const dataSourcesUrl = (providerId: string) => `${PROVIDERS}/${providerId}/datasources`;
export const dataSourceUrl = (providerId: string, id: string) => `${dataSourcesUrl(providerId)}/${id}`;
export const API_KEYS = '/api/v1/api_keys';

/** Creates a provider through the API (admin key) and returns it. */
export async function createProvider(
  t: TestApp,
  name: string,
  customTemplate: CustomTemplate = 'application',
  extra: Record<string, unknown> = {},
): Promise<Provider> {
  const res = await t.call({ method: 'POST', url: PROVIDERS, payload: { name, custom_template: customTemplate, ...extra } });
  return expectValue<Provider>(res);
}

/** Creates a data source through the API (admin key), sending the provider id in the body as oaaclient does. */
export async function createDataSource(t: TestApp, providerId: string, name: string): Promise<DataSource> {
  const res = await t.call({ method: 'POST', url: dataSourcesUrl(providerId), payload: { id: providerId, name } });
  return expectValue<DataSource>(res);
}

/** Creates many providers straight in the store (fast set-up for paging). */
export async function seedProviders(t: TestApp, names: string[], customTemplate: CustomTemplate): Promise<Provider[]> {
  const created: Provider[] = [];
  for (const name of names) {
    created.push(
      await t.store.createProvider({
        id: randomUUID(),
        name,
        customTemplate,
        provisioning: false,
        options: {},
        state: 'ENABLED',
        now: new Date().toISOString(),
      }),
    );
  }
  return created;
}

/** Creates many data sources straight in the store (fast set-up for paging). */
export async function seedDataSources(t: TestApp, providerId: string, names: string[]): Promise<DataSource[]> {
  const created: DataSource[] = [];
  for (const name of names) {
    created.push(await t.store.createDataSource({ id: randomUUID(), providerId, name, now: new Date().toISOString() }));
  }
  return created;
}

/** `n` zero-padded names such as `ds-0007`, so the name order is the numeric order. */
export function numberedNames(prefix: string, n: number): string[] {
  return Array.from({ length: n }, (_, i) => `${prefix}-${String(i).padStart(4, '0')}`);
}

/**
 * Encodes query parameters as Python's `urllib.parse.urlencode` does (what oaaclient sends):
 * `quote_plus` keeps only letters, digits and `_.-~`, and turns spaces into `+`.
 */
export function pythonUrlencode(params: Record<string, string | number>): string {
  return Object.entries(params)
    .map(([k, v]) => `${quotePlus(k)}=${quotePlus(String(v))}`)
    .join('&');
}

function quotePlus(text: string): string {
  return encodeURIComponent(text)
    .replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
    .replace(/%20/g, '+');
}

/**
 * Follows `next_page_token` from the first page to the last, keeping the other parameters, as
 * oaaclient does. Returns every page; stops with an error after `maxPages` to catch loops.
 */
export async function followPages<T>(
  t: TestApp,
  path: string,
  params: Record<string, string | number>,
  maxPages = 100,
): Promise<ValuesPage<T>[]> {
  const pages: ValuesPage<T>[] = [];
  let token = '';
  do {
    const query = pythonUrlencode(token ? { ...params, page_token: token } : params);
    const page = expectValues<T>(await t.call({ method: 'GET', url: `${path}?${query}`, key: t.keys.reader }));
    pages.push(page);
    token = page.has_more ? page.next_page_token : '';
    if (pages.length > maxPages) throw new Error(`more than ${maxPages} pages: the token does not make progress`);
  } while (token);
  return pages;
}

/** The names of a list answer, in order. */
export function namesOf(res: LightMyRequestResponse): string[] {
  return expectValues<{ name: string }>(res).values.map((v) => v.name);
}

/**
 * Everything the API can show: providers with their data sources and icons, and the API keys
 * (without their last-use times, which every authenticated request may refresh). Compared
 * before and after a rejected request to prove it changed nothing.
 */
export async function snapshot(t: TestApp): Promise<unknown> {
  const read = (url: string) => t.call({ method: 'GET', url, key: t.keys.admin });
  const providers = expectValues<Provider>(await read(`${PROVIDERS}?page_size=1000&order_by=id`)).values;
  const state = [];
  for (const provider of providers) {
    const dataSources = expectValues<DataSource>(await read(`${dataSourcesUrl(provider.id)}?page_size=1000&order_by=id`)).values;
    const icon = await read(iconUrl(provider.id));
    state.push({ provider, dataSources, icon: icon.statusCode === 200 ? icon.json<unknown>() : icon.statusCode });
  }
  const keys = expectValues<Record<string, unknown>>(await read(API_KEYS)).values.map(({ last_used_at: _, ...k }) => k);
  return { providers: state, keys };
}

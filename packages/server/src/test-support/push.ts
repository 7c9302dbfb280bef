import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import type { LightMyRequestResponse } from 'fastify';
import type { DataSource, EffectivePermission, Provider } from '@accessgraph/contract';
import { createDataSource, createProvider, dataSourceUrl } from './fixtures.js';
import { expectValues } from './http-expect.js';
import type { TestApp } from './test-app.js';

/** A payload fixture from test/fixtures, parsed. */
export function payloadFixture(name: string): Record<string, unknown> {
  return JSON.parse(readFileSync(new URL(`../../../../test/fixtures/${name}`, import.meta.url), 'utf8')) as Record<string, unknown>;
}

export const pushUrl = (providerId: string, dataSourceId: string) => `${dataSourceUrl(providerId, dataSourceId)}:push`;

/** base64 of gzip, wrapped at 76 columns as GNU `gzip | base64` writes it. */
export function gzipBase64(json: string, wrap = true): string {
  const b64 = gzipSync(Buffer.from(json, 'utf8')).toString('base64');
  return wrap ? b64.replace(/(.{76})/g, '$1\n') : b64;
}

/** A provider with one data source, ready to push to. */
export async function pushTarget(t: TestApp, template: 'application' | 'identity_provider' | 'hris' = 'application') {
  const provider: Provider = await createProvider(t, `Provider ${Math.random().toString(36).slice(2, 8)}`, template);
  const dataSource: DataSource = await createDataSource(t, provider.id, 'Prod');
  return { provider, dataSource, url: pushUrl(provider.id, dataSource.id) };
}

/** Pushes a payload object, uncompressed, as the seeds' body.json does. */
export function push(t: TestApp, url: string, payload: unknown, extra: Record<string, unknown> = {}, key?: string): Promise<LightMyRequestResponse> {
  return t.call({ method: 'POST', url, payload: { json_data: JSON.stringify(payload), compression_type: 'none', ...extra }, ...(key ? { key } : {}) });
}

/** Every effective-permission row of a data source, following next_page_token. */
export async function allEffective(t: TestApp, providerId: string, dataSourceId: string, query = ''): Promise<EffectivePermission[]> {
  const rows: EffectivePermission[] = [];
  let token = '';
  for (let page = 0; page < 1000; page++) {
    const res = await t.call({
      url: `${dataSourceUrl(providerId, dataSourceId)}/effective_permissions?page_size=7${query}${token ? `&page_token=${encodeURIComponent(token)}` : ''}`,
    });
    const body = expectValues<EffectivePermission>(res);
    rows.push(...body.values);
    if (!body.has_more) return rows;
    token = body.next_page_token;
  }
  throw new Error('paging did not end');
}

/** Effective permissions as compact [principal, target, permissions] triples. */
export function triples(rows: EffectivePermission[]): Array<[string, string, string[]]> {
  return rows.map((r) => [r.principal.key, r.target.key, r.permissions]);
}

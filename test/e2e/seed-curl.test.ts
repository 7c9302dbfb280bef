// End-to-end: the curl examples of the OAA documentation (seed 000), run verbatim with the real
// curl binary against `accessgraph serve --tls self-signed --port 0`. Only the URL, the key and the
// placeholder ids are substituted (see test/e2e/fixtures/seed-curl-examples.sh).
// These tests run the compiled CLI and do not build it: `npm test` runs `npm run build` first.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startWithKey, useCleanup } from './support/cli.js';
import { runExample, seedExamples, type CurlContext } from './support/seed-curl.js';

useCleanup();

const examples = seedExamples();
function example(name: string): string {
  const text = examples.get(name);
  if (!text) throw new Error(`no example "${name}" in the fixture`);
  return text;
}

interface Provider {
  id: string;
  name: string;
  custom_template: string;
  state: string;
  schema_definition_json: string;
  external_lifecycle_management_type?: string;
  provisioning?: boolean;
}

/** A self-signed HTTPS server on a fresh data directory, and what the examples need to reach it. */
async function httpsServer(): Promise<CurlContext> {
  const { server, dataDir, key } = await startWithKey(['--tls', 'self-signed']);
  expect(server.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
  return { vezaUrl: `127.0.0.1:${server.port}`, apiKey: key, caFile: join(dataDir, 'tls', 'self-signed-cert.pem') };
}

async function createProvider(context: CurlContext, name: string): Promise<Provider> {
  const created = await runExample(example(name), context);
  expect(created.status, created.text).toBe(200);
  return created.json<{ value: Provider }>().value;
}

describe('the seed curl examples against a self-signed HTTPS server', () => {
  it('lists providers, creates the five documented providers, and filters by name', async () => {
    const context = await httpsServer();

    const empty = await runExample(example('list-providers'), context);
    expect(empty.status).toBe(200);
    expect(empty.json()).toEqual({ values: [], next_page_token: '', has_more: false });

    const expected: Array<[string, Partial<Provider>]> = [
      ['create-github', { name: 'GitHub', custom_template: 'application' }],
      ['create-internal-portal', { name: 'Internal Portal', custom_template: 'application', external_lifecycle_management_type: 'SCIM' }],
      [
        'create-legacy-access-system',
        { name: 'Legacy Access System', custom_template: 'application', external_lifecycle_management_type: 'SEND_REST_PAYLOAD' },
      ],
      ['create-corporate-ldap', { name: 'Corporate LDAP', custom_template: 'identity_provider' }],
      ['create-workday', { name: 'Workday', custom_template: 'hris', provisioning: true }],
    ];
    const ids: string[] = [];
    for (const [name, fields] of expected) {
      const provider = await createProvider(context, name);
      expect(provider).toMatchObject({ ...fields, state: 'ENABLED', schema_definition_json: 'e30=' });
      expect(provider.id).toMatch(/^[0-9a-f-]{36}$/);
      ids.push(provider.id);
    }

    const all = await runExample(example('list-providers-accept'), context);
    expect(all.status).toBe(200);
    const listed = all.json<{ values: Provider[]; has_more: boolean }>();
    expect(listed.values.map((p) => p.id).sort()).toEqual([...ids].sort());
    expect(listed.has_more).toBe(false);

    const filtered = await runExample(example('list-providers-filtered'), context);
    expect(filtered.status, filtered.text).toBe(200);
    const github = filtered.json<{ values: Provider[] }>().values;
    expect(github).toHaveLength(1);
    expect(github[0]).toMatchObject({ id: ids[0], name: 'GitHub', state: 'ENABLED' });
  });

  it('creates a data source with -d and no Content-Type, gets the provider, then deletes both', async () => {
    const context = await httpsServer();
    const provider = await createProvider(context, 'create-github');
    context.providerId = provider.id;

    const created = await runExample(example('create-datasource'), context);
    expect(created.status, created.text).toBe(200);
    const dataSource = created.json<{ value: { id: string; name: string } }>().value;
    expect(dataSource.name).toBe('DemoApp - Documentation Datasource');
    context.dataSourceId = dataSource.id;

    const got = await runExample(example('get-provider'), context);
    expect(got.status).toBe(200);
    expect(got.json()).toEqual({ value: provider });

    const gotSource = await runExample(example('get-datasource'), context);
    expect(gotSource.status).toBe(200);
    expect(gotSource.json()).toMatchObject({ value: { id: dataSource.id, name: dataSource.name } });

    const deletedSource = await runExample(example('delete-datasource'), context);
    expect(deletedSource.status).toBe(200);
    expect(deletedSource.json()).toEqual({});
    expect((await runExample(example('get-datasource'), context)).status).toBe(404);

    const deleted = await runExample(example('delete-provider'), context);
    expect(deleted.status).toBe(200);
    expect(deleted.json()).toEqual({});
    expect((await runExample(example('get-provider'), context)).status).toBe(404);
  });

  it('uploads the documented SVG icon and reads it back as image/svg+xml', async () => {
    const context = await httpsServer();
    context.providerId = (await createProvider(context, 'create-github')).id;

    const posted = await runExample(example('post-icon'), context);
    expect(posted.status, posted.text).toBe(200);
    expect(posted.json()).toEqual({});

    const sent = /"icon_base64": "([^"]+)"/.exec(example('post-icon'))![1]!;
    expect(Buffer.from(sent, 'base64').toString('utf8')).toMatch(/^<svg /);
    const icon = await runExample(example('get-icon'), context);
    expect(icon.status).toBe(200);
    expect(icon.json()).toEqual({ mime_type: 'image/svg+xml', icon_base64: sent });
  });
});

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { VERSION } from '../version.js';
import { buildApp } from '../app.js';
import { storeWith } from '../test-support/failing-store.js';
import { expectError, expectValues } from '../test-support/http-expect.js';
import { createTestApp, type TestApp } from '../test-support/test-app.js';

let t: TestApp;
beforeEach(async () => {
  t = await createTestApp();
});
afterEach(() => t.close());

describe('GET /api/v1/providers/custom/templates', () => {
  it('lists the three OAA templates in the list envelope, for a reader key', async () => {
    const page = expectValues<{ id: string; name: string }>(
      await t.call({ method: 'GET', url: '/api/v1/providers/custom/templates', key: t.keys.reader }),
    );
    expect(page.values.map((v) => v.id)).toEqual(['application', 'identity_provider', 'hris']);
    expect(page.values.every((v) => typeof v.name === 'string' && v.name.length > 0)).toBe(true);
    expect(page.has_more).toBe(false);
    expect(page.next_page_token).toBe('');
  });

  it('needs a key (oaaclient treats the 401 of its connection test as a bad key)', async () => {
    expectError(await t.call({ method: 'GET', url: '/api/v1/providers/custom/templates', key: null }), {
      status: 401,
      code: 'Unauthenticated',
      reason: 'UNAUTHENTICATED',
    });
  });

  it('is matched before the provider id route', async () => {
    const res = await t.call({ method: 'GET', url: '/api/v1/providers/custom/templates' });
    expect(res.json<Record<string, unknown>>().value).toBeUndefined();
  });
});

describe('GET /healthz', () => {
  it('answers without a key, with the version and the storage engine', async () => {
    const res = await t.call({ method: 'GET', url: '/healthz', key: null });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ok', version: VERSION, storage: 'sqlite' });
  });

  it('answers 503 with status "unavailable" when the database does not answer', async () => {
    const app = await buildApp({
      store: storeWith(t.store, {
        ping: () => Promise.reject(new Error('database is down')),
      }),
    });
    try {
      const res = await app.inject({ method: 'GET', url: '/healthz' });
      expect(res.statusCode).toBe(503);
      expect(res.json()).toEqual({ status: 'unavailable', version: VERSION, storage: 'sqlite' });
    } finally {
      await app.close();
    }
  });
});

interface OpenApiDocument {
  openapi: string;
  paths: Record<string, Record<string, { security?: Record<string, string[]>[]; responses?: Record<string, unknown> }>>;
  components: { securitySchemes: Record<string, { type: string; scheme?: string }> };
}

describe('GET /api/openapi.json', () => {
  async function document(): Promise<OpenApiDocument> {
    const res = await t.call({ method: 'GET', url: '/api/openapi.json', key: null });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    return res.json<OpenApiDocument>();
  }

  it('is served without a key and documents every route with its OAA path spelling', async () => {
    const doc = await document();
    expect(doc.openapi).toMatch(/^3\./);
    const routes = Object.entries(doc.paths).flatMap(([path, methods]) => Object.keys(methods).map((m) => `${m.toUpperCase()} ${path}`));
    expect(routes).toEqual(
      expect.arrayContaining([
        'GET /api/v1/providers/custom/templates',
        'GET /api/v1/providers/custom',
        'POST /api/v1/providers/custom',
        'GET /api/v1/providers/custom/{id}',
        'PATCH /api/v1/providers/custom/{id}',
        'DELETE /api/v1/providers/custom/{id}',
        'POST /api/v1/providers/custom/{id}:icon',
        'GET /api/v1/providers/custom/{id}:icon',
        'DELETE /api/v1/providers/custom/{id}:icon',
        'GET /api/v1/providers/custom:icon',
        'GET /api/v1/providers/custom/{id}/datasources',
        'POST /api/v1/providers/custom/{id}/datasources',
        'GET /api/v1/providers/custom/{id}/datasources/{data_source_id}',
        'DELETE /api/v1/providers/custom/{id}/datasources/{data_source_id}',
        'GET /api/v1/providers/custom/{id}/datasources/{data_source_id}/effective_permissions',
        'GET /api/v1/providers/custom/{id}/datasources/{data_source_id}/identity_links',
        'POST /api/v1/api_keys',
        'GET /api/v1/api_keys',
        'DELETE /api/v1/api_keys/{key_id}',
        'GET /healthz',
        'GET /api/v1/graph/nodes',
        'GET /api/v1/graph/nodes/{node_id}',
        'GET /api/v1/graph/nodes/{node_id}/neighbours',
        'GET /api/v1/graph/nodes/{node_id}/access',
        'GET /api/v1/graph/nodes/{node_id}/accessors',
        'GET /api/v1/graph/nodes/{node_id}/paths',
        'GET /api/v1/graph/nodes/{node_id}/access_review',
        'GET /api/v1/providers/custom/{id}/datasources/{data_source_id}/access_review',
        'POST /api/v1/assessments/queries',
        'GET /api/v1/assessments/queries',
        'GET /api/v1/assessments/queries/{query_id}',
        'DELETE /api/v1/assessments/queries/{query_id}',
        'GET /api/v1/assessments/queries/{query_id}:nodes',
        'GET /api/v1/assessments/queries/{query_id}:result',
        'POST /api/v1/assessments/query_spec:nodes',
        'POST /api/v1/assessments/query_spec:result',
        'POST /api/preview/assessments/reports',
        'GET /api/preview/assessments/reports',
        'GET /api/preview/assessments/reports/{report_id}',
        'PUT /api/preview/assessments/reports/{report_id}',
        'DELETE /api/preview/assessments/reports/{report_id}',
        'PUT /api/preview/assessments/reports/{report_id}/queries/{query_id}',
      ]),
    );
  });

  it('describes every operation: a summary, its parameters, and its 200 answer', async () => {
    const doc = (await document()) as unknown as { paths: Record<string, Record<string, { summary?: string; parameters?: Array<{ name: string; schema?: unknown }>; responses?: Record<string, unknown> }>> };
    for (const [path, methods] of Object.entries(doc.paths)) {
      for (const [method, operation] of Object.entries(methods)) {
        const where = `${method.toUpperCase()} ${path}`;
        expect(operation.summary, where).toMatch(/\w/);
        expect(Object.keys(operation.responses ?? {}), where).toContain('200');
        // Every {param} of the path is a described parameter.
        for (const [, name] of path.matchAll(/\{(\w+)\}/g)) expect(operation.parameters?.map((p) => p.name), where).toContain(name);
        for (const parameter of operation.parameters ?? []) expect(parameter.schema, `${where} ${parameter.name}`).toBeDefined();
      }
    }
  });

  it('declares a bearer security scheme and requires it on the key-protected routes only', async () => {
    const doc = await document();
    const schemes = Object.entries(doc.components.securitySchemes);
    const bearer = schemes.find(([, s]) => s.type === 'http' && s.scheme?.toLowerCase() === 'bearer');
    expect(bearer).toBeDefined();
    const name = bearer![0];
    expect(doc.paths['/api/v1/providers/custom/{id}:icon']?.post?.security).toEqual([{ [name]: [] }]);
    expect(doc.paths['/api/v1/api_keys']?.get?.security).toEqual([{ [name]: [] }]);
    expect(doc.paths['/healthz']?.get?.security).toBeUndefined();
  });

  it('documents the error answers of protected routes', async () => {
    const doc = await document();
    const responses = doc.paths['/api/v1/providers/custom']?.post?.responses ?? {};
    expect(Object.keys(responses)).toEqual(expect.arrayContaining(['200', '400', '401', '403']));
  });
});

describe('GET /docs', () => {
  it('serves the HTML API browser without a key', async () => {
    const res = await t.call({ method: 'GET', url: '/docs', key: null });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.body).toMatch(/<html/i);
  });
});

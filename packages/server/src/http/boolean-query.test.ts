import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import Fastify from 'fastify';
import { Type } from '@sinclair/typebox';
import { expectError } from '../test-support/http-expect.js';
import { payloadFixture, push, pushTarget } from '../test-support/push.js';
import { createTestApp, type TestApp } from '../test-support/test-app.js';
import { installBooleanQuerySpellings } from './boolean-query.js';
import { schemaValidatorCompiler } from './schema-validators.js';

describe('boolean query parameters', () => {
  it('take true and false as clients spell them, and leave string parameters as sent', async () => {
    const app = Fastify();
    app.setValidatorCompiler(schemaValidatorCompiler());
    installBooleanQuerySpellings(app);
    const querystring = Type.Object({ flag: Type.Optional(Type.Boolean()), name: Type.Optional(Type.String()) }, { additionalProperties: false });
    app.get('/echo', { schema: { querystring } }, (request) => request.query);
    try {
      const echo = async (query: string) => (await app.inject({ url: `/echo?${query}` })).json() as unknown;
      for (const spelled of ['true', 'True', 'TRUE', '1']) expect(await echo(`flag=${spelled}&name=${spelled}`)).toEqual({ flag: true, name: spelled });
      for (const spelled of ['false', 'False', 'FALSE', '0']) expect(await echo(`flag=${spelled}`)).toEqual({ flag: false });
      expect((await app.inject({ url: '/echo?flag=yes' })).statusCode).toBe(400);
    } finally {
      await app.close();
    }
  });
});

describe('total, terminated_only and inactive_only as Python sends them', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp();
    const ledger = await pushTarget(t);
    expect((await push(t, ledger.url, payloadFixture('app-ledger.json'))).statusCode).toBe(200);
  });
  afterEach(() => t.close());

  it('counts with total=True or 1, not with total=False, and refuses total=yes naming it', async () => {
    const search = (total: string) => t.call({ url: `/api/v1/graph/nodes?type=local_user&page_size=1&total=${total}`, key: t.keys.reader });
    const counted = (await search('True')).json() as { total_count?: number };
    expect(counted.total_count).toBeGreaterThan(1);
    expect((await search('1')).json()).toMatchObject({ total_count: counted.total_count });
    expect('total_count' in ((await search('False')).json() as object)).toBe(false);
    expectError(await search('yes'), { status: 400, code: 'InvalidArgument', reason: 'INVALID_ARGUMENTS', field: 'querystring.total' });
  });

  it('filters an access review with inactive_only=TRUE as with true', async () => {
    const apps = ((await t.call({ url: '/api/v1/graph/nodes?type=application', key: t.keys.reader })).json() as { values: Array<{ id: string }> }).values;
    const review = async (flag: string) => (await t.call({ url: `/api/v1/graph/nodes/${apps[0]!.id}/access_review?inactive_only=${flag}`, key: t.keys.reader })).json() as { values: unknown[] };
    const all = (await t.call({ url: `/api/v1/graph/nodes/${apps[0]!.id}/access_review`, key: t.keys.reader })).json() as { values: unknown[] };
    const inactive = await review('true');
    expect(inactive.values.length).toBeGreaterThan(0);
    expect(inactive.values.length).toBeLessThan(all.values.length);
    expect(await review('TRUE')).toEqual(inactive);
    expect(await review('0')).toEqual(all);
  });
});

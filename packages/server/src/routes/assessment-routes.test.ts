import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ApiKey, AssessmentReport, SavedQuery } from '@accessgraph/contract';
import { ApiError } from '../http/api-error.js';
import { AssessmentService } from '../services/assessment-service.js';
import { API_KEYS } from '../test-support/fixtures.js';
import { expectEmpty, expectError, expectValue, expectValues } from '../test-support/http-expect.js';
import { createTestApp, type TestApp } from '../test-support/test-app.js';

/**
 * Saved queries and reports over HTTP, called the way oaaclient calls them (client.py: create_query,
 * get_queries, get_query_by_id, delete_query, create_report, get_reports, get_report_by_id,
 * update_report, add_query_report, delete_report; utils.build_report), with its live tests' bodies.
 */

const QUERIES = '/api/v1/assessments/queries';
const REPORTS = '/api/preview/assessments/reports';

let t: TestApp;
beforeEach(async () => {
  t = await createTestApp();
});
afterEach(() => t.close());

/** The body of oaaclient's test_create_query (tests/test_client.py), with the name given. */
function oaaclientQuery(name: string): Record<string, unknown> {
  return {
    name,
    description: 'Pytest Generated',
    category: 'IDP_ANALYSIS',
    level: 'BASIC',
    result_type: 'NUMBER',
    query_type: 'SOURCE_TO_DESTINATION',
    source_node_types: {
      nodes: [{ node_type: 'OktaUser', tags: [], conditions: [], node_id: '', excluded_tags: [], count_conditions: [] }],
      nodes_operator: 'AND',
    },
  };
}

const createQuery = (payload: unknown, key = t.keys.writer) => t.call({ method: 'POST', url: QUERIES, payload: payload as Record<string, unknown>, key });
const createReport = (payload: unknown, key = t.keys.writer) => t.call({ method: 'POST', url: REPORTS, payload: payload as Record<string, unknown>, key });

async function savedQuery(name: string, extra: Record<string, unknown> = {}): Promise<SavedQuery> {
  return expectValue<SavedQuery>(await createQuery({ ...oaaclientQuery(name), ...extra }));
}

async function report(name: string, queryIds: string[] = []): Promise<AssessmentReport> {
  return expectValue<AssessmentReport>(await createReport({ name, description: name, queries: queryIds.map((query) => ({ query })) }));
}

/** Every page of a list, as oaaclient's api_get walks it: page_token = next_page_token while has_more. */
async function walk<T>(url: string): Promise<{ values: T[]; pages: number }> {
  const values: T[] = [];
  let token = '';
  let pages = 0;
  for (;;) {
    const page = expectValues<T>(await t.call({ url: `${url}${token ? `&page_token=${encodeURIComponent(token)}` : ''}`, key: t.keys.reader }));
    values.push(...page.values);
    pages++;
    if (!page.has_more) {
      expect(page.next_page_token).toBe('');
      return { values, pages };
    }
    token = page.next_page_token;
  }
}

/**
 * Ids in list order: by creation time, then id. Objects made within one millisecond share a
 * creation time, and their random ids decide, so the order is worked out from the answers.
 */
function inListOrder(rows: { id: string; created_at: string }[]): string[] {
  return [...rows].sort((a, b) => (a.created_at === b.created_at ? (a.id < b.id ? -1 : 1) : a.created_at < b.created_at ? -1 : 1)).map((r) => r.id);
}

async function keyId(name: string): Promise<string> {
  const keys = expectValues<ApiKey>(await t.call({ url: API_KEYS })).values;
  return keys.find((k) => k.name === name)!.id;
}

describe('saved queries', () => {
  it('creates a query from oaaclient\'s body: every field echoed, the server\'s fields added', async () => {
    const before = Date.now();
    const body = oaaclientQuery('Pytest test query 1');
    const created = await savedQuery('Pytest test query 1');
    expect(created.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(created).toEqual({
      ...body,
      id: created.id,
      labels: [],
      visibility: 'PRIVATE',
      created_by: await keyId('writer'),
      owners: [],
      integration_types: [],
      source_type: 'OktaUser',
      destination_types: [],
      created_at: created.created_at,
      updated_at: created.created_at,
    });
    expect(Date.parse(created.created_at)).toBeGreaterThanOrEqual(before - 1000);
    expect(expectValue(await t.call({ url: `${QUERIES}/${created.id}`, key: t.keys.reader }))).toEqual(created);
  });

  it('defaults query_type, derives source and destination types, and ignores the server\'s fields when a body carries them', async () => {
    const foreign = randomUUID();
    const created = await savedQuery('copied', {
      query_type: undefined,
      id: foreign,
      created_at: '2001-01-01T00:00:00Z',
      created_by: 'someone',
      source_type: 'Nope',
      destination_types: ['Nope'],
      visibility: 'PUBLIC',
      labels: ['pci'],
      source_node_types: { nodes: [{ node_type: 'OAA.pytest.User' }, { node_type: 'OAA.pytest.Group' }] },
      destination_node_types: { nodes: [{ node_type: 'OAA.pytest.thing.Resource' }, { node_type: 'OAA.pytest.Application' }] },
      raw_permissions: { values: ['admin'], operator: 'OR' },
      relates_to_exp: null,
    });
    expect(created.id).not.toBe(foreign);
    expect(created).toMatchObject({
      query_type: 'SOURCE_TO_DESTINATION',
      visibility: 'PUBLIC',
      labels: ['pci'],
      created_by: await keyId('writer'),
      source_type: 'OAA.pytest.User',
      destination_types: ['OAA.pytest.thing.Resource', 'OAA.pytest.Application'],
      raw_permissions: { values: ['admin'], operator: 'OR' },
      relates_to_exp: null,
    });
    expect(created.created_at).not.toBe('2001-01-01T00:00:00Z');
  });

  it('keeps the stored spec for running a saved query by id: the body without the server\'s fields', async () => {
    const created = await savedQuery('runnable', { id: 'ignored', no_relation: true });
    const spec = await new AssessmentService(t.store).querySpec(created.id.toUpperCase());
    expect(spec).toEqual({ ...oaaclientQuery('runnable'), no_relation: true, visibility: 'PRIVATE' });
    const missing = randomUUID();
    await expect(new AssessmentService(t.store).querySpec(missing)).rejects.toMatchObject({ status: 404, code: 'NotFound' });
    await expect(new AssessmentService(t.store).querySpec(missing)).rejects.toBeInstanceOf(ApiError);
  });

  it('lists every query exactly once across pages, in creation order, with the parameters oaaclient sends', async () => {
    const names = Array.from({ length: 7 }, (_, i) => `q${i}`);
    const created: SavedQuery[] = [];
    for (const name of names) created.push(await savedQuery(name));
    const { values, pages } = await walk<SavedQuery>(`${QUERIES}?include_inactive_queries=True&page_size=3`);
    // 7 queries by 3: pages of 3, 3 and 1.
    expect(pages).toBe(3);
    expect(values.map((q) => q.id)).toEqual(inListOrder(created));
    for (const q of values) expect(typeof q.name === 'string' && typeof q.query_type === 'string').toBe(true);
    // oaaclient's page size, 250: one page.
    const all = expectValues<SavedQuery>(await t.call({ url: `${QUERIES}?include_inactive_queries=False&page_size=250`, key: t.keys.reader }));
    expect(all).toMatchObject({ has_more: false, next_page_token: '' });
    expect(all.values.map((q) => q.id)).toEqual(inListOrder(created));
  });

  it('deletes a query: {} then 404 on read and on a second delete (oaaclient\'s test_create_query)', async () => {
    const created = await savedQuery('doomed');
    expectEmpty(await t.call({ method: 'DELETE', url: `${QUERIES}/${created.id}?force=False`, key: t.keys.writer }));
    expectError(await t.call({ url: `${QUERIES}/${created.id}` }), { status: 404, code: 'NotFound', reason: 'NOT_FOUND' });
    expectError(await t.call({ method: 'DELETE', url: `${QUERIES}/${created.id}`, key: t.keys.writer }), { status: 404, code: 'NotFound', reason: 'NOT_FOUND' });
    expect(expectValues(await t.call({ url: QUERIES })).values).toEqual([]);
  });

  it('keeps a query that a report uses unless force=True, which removes it from the report too', async () => {
    const used = await savedQuery('used');
    const other = await savedQuery('other');
    const r = await report('R', [used.id, other.id]);
    for (const force of ['', '?force=False', '?force=false']) {
      const body = expectError(await t.call({ method: 'DELETE', url: `${QUERIES}/${used.id}${force}`, key: t.keys.writer }), {
        status: 400,
        code: 'FailedPrecondition',
        reason: 'QUERY_IN_USE',
        field: 'force',
        description: `"R" (${r.id})`,
      });
      expect(body.message).toContain(used.id);
    }
    expect(expectValue<AssessmentReport>(await t.call({ url: `${REPORTS}/${r.id}` })).queries.map((q) => q.query)).toEqual([used.id, other.id]);
    expectEmpty(await t.call({ method: 'DELETE', url: `${QUERIES}/${used.id}?force=True`, key: t.keys.writer }));
    expectError(await t.call({ url: `${QUERIES}/${used.id}` }), { status: 404, code: 'NotFound', reason: 'NOT_FOUND' });
    expect(expectValue<AssessmentReport>(await t.call({ url: `${REPORTS}/${r.id}` })).queries).toEqual([{ query: other.id, name: 'other' }]);
  });

  it('needs the writer role to create or delete, the reader role to read', async () => {
    const created = await savedQuery('mine');
    expectError(await createQuery(oaaclientQuery('x'), t.keys.reader), { status: 403, code: 'PermissionDenied', reason: 'PERMISSION_DENIED' });
    expectError(await t.call({ method: 'DELETE', url: `${QUERIES}/${created.id}`, key: t.keys.reader }), { status: 403, code: 'PermissionDenied', reason: 'PERMISSION_DENIED' });
    expectError(await t.call({ url: QUERIES, key: null }), { status: 401, code: 'Unauthenticated', reason: 'UNAUTHENTICATED' });
    expect(expectValues(await t.call({ url: QUERIES, key: t.keys.reader })).values).toHaveLength(1);
  });

  it.each([
    ['a missing name', { description: 'no name' }, 'name', 'required field "name" is missing'],
    ['a name that is not a string', { name: 5 }, 'name', 'must be string'],
    ['a blank name', { name: '   ' }, 'name', 'must not be blank'],
    ['an empty name', { name: '' }, 'name', 'fewer than 1'],
    ['a name of 257 characters', { name: 'n'.repeat(257) }, 'name', 'more than 256'],
    ['a description that is not a string', { name: 'q', description: 5 }, 'description', 'must be string'],
    ['labels that are not a list', { name: 'q', labels: 'pci' }, 'labels', 'must be array'],
    ['a label that is not a string', { name: 'q', labels: ['pci', 3] }, 'labels[1]', 'must be string'],
    ['a query_type that is a boolean', { name: 'q', query_type: true }, 'query_type', 'must be string,integer'],
    ['source_node_types that is a list', { name: 'q', source_node_types: [] }, 'source_node_types', 'must be object'],
    ['a node_type that is a number', { name: 'q', source_node_types: { nodes: [{ node_type: 7 }] } }, 'source_node_types.nodes[0].node_type', 'must be string'],
    ['a condition spec that is not an object', { name: 'q', source_node_types: { nodes: [{ condition_expression: { specs: ['x'] } }] } }, 'source_node_types.nodes[0].condition_expression.specs[0]', 'must be object'],
    ['raw permission values that are not strings', { name: 'q', raw_permissions: { values: [1] } }, 'raw_permissions.values[0]', 'must be string'],
    ['no_relation as text', { name: 'q', no_relation: 'true' }, 'no_relation', 'must be boolean'],
  ])('refuses %s with 400 naming the JSON path, and stores nothing', async (_, payload, field, description) => {
    expectError(await createQuery(payload), { status: 400, code: 'InvalidArgument', reason: 'INVALID_ARGUMENTS', field, description });
    expect(expectValues(await t.call({ url: QUERIES })).values).toEqual([]);
  });

  it.each([
    ['a list', [oaaclientQuery('q')]],
    ['a string', 'q'],
    ['null', null],
  ])('refuses a body that is %s with 400 MALFORMED_BODY', async (_, payload) => {
    const res = await t.call({ method: 'POST', url: QUERIES, payload: JSON.stringify(payload), headers: { 'content-type': 'application/json' }, key: t.keys.writer });
    expectError(res, { status: 400, code: 'InvalidArgument', reason: 'MALFORMED_BODY' });
  });

  it.each([
    ['force that is not a boolean', `${QUERIES}/${randomUUID()}?force=yes`, 'DELETE', 'querystring.force'],
    ['a negative page_size', `${QUERIES}?page_size=-1`, 'GET', 'querystring.page_size'],
    ['include_inactive_queries that is not a boolean', `${QUERIES}?include_inactive_queries=maybe`, 'GET', 'querystring.include_inactive_queries'],
    ['an unknown parameter', `${QUERIES}?filter=name+eq+x`, 'GET', 'querystring.filter'],
  ] as const)('refuses %s with 400 naming it', async (_, url, method, field) => {
    expectError(await t.call({ method, url, key: t.keys.writer }), { status: 400, code: 'InvalidArgument', reason: 'INVALID_ARGUMENTS', field });
  });

  it('refuses a page token of another list or a forged one', async () => {
    for (const name of ['a', 'b', 'c']) await report(name);
    const reportsPage = expectValues(await t.call({ url: `${REPORTS}?page_size=1` }));
    expect(reportsPage.has_more).toBe(true);
    for (const token of [reportsPage.next_page_token, 'garbage']) {
      expectError(await t.call({ url: `${QUERIES}?page_token=${encodeURIComponent(token)}` }), { status: 400, code: 'InvalidArgument', reason: 'INVALID_PAGE_TOKEN' });
    }
  });

  it('answers 404 for an unknown or malformed id', async () => {
    for (const id of [randomUUID(), 'not-an-id']) {
      expectError(await t.call({ url: `${QUERIES}/${id}` }), { status: 404, code: 'NotFound', reason: 'NOT_FOUND' });
      expectError(await t.call({ method: 'DELETE', url: `${QUERIES}/${id}?force=True` }), { status: 404, code: 'NotFound', reason: 'NOT_FOUND' });
    }
  });
});

describe('reports', () => {
  it('runs oaaclient\'s test_create_report: create, get, add a query twice, get, rename by PUT of the GET\'s object, delete', async () => {
    const created = expectValue<AssessmentReport>(await createReport({ name: 'Pytest Report 1', description: 'Created for Pytest', category: 'OAA', queries: [] }));
    expect(created).toMatchObject({ name: 'Pytest Report 1', description: 'Created for Pytest', category: 'OAA', version: 0, queries: [], created_by: await keyId('writer') });
    expect(expectValue<AssessmentReport>(await t.call({ url: `${REPORTS}/${created.id}`, key: t.keys.reader })).queries).toHaveLength(0);

    const query = await savedQuery('Pytest test query 2');
    const addUrl = `${REPORTS}/${created.id}/queries/${query.id}`;
    // oaaclient's add_query_report sends a PUT without a body.
    const added = expectValue<AssessmentReport>(await t.call({ method: 'PUT', url: addUrl, key: t.keys.writer }));
    expect(added.queries).toEqual([{ query: query.id, name: 'Pytest test query 2' }]);
    expect(expectValue<AssessmentReport>(await t.call({ method: 'PUT', url: addUrl, key: t.keys.writer })).queries).toHaveLength(1);

    const got = expectValue<AssessmentReport>(await t.call({ url: `${REPORTS}/${created.id}?include_inactive_queries=True`, key: t.keys.reader }));
    expect(got.queries).toHaveLength(1);
    const renamed = expectValue<AssessmentReport>(await t.call({ method: 'PUT', url: `${REPORTS}/${created.id}`, payload: { ...got, name: 'Updated Pytest 2' }, key: t.keys.writer }));
    expect(renamed).toEqual({ ...got, name: 'Updated Pytest 2', updated_at: renamed.updated_at });
    expect(Date.parse(renamed.updated_at)).toBeGreaterThanOrEqual(Date.parse(got.updated_at));

    expectEmpty(await t.call({ method: 'DELETE', url: `${REPORTS}/${created.id}`, key: t.keys.writer }));
    expectError(await t.call({ url: `${REPORTS}/${created.id}` }), { status: 404, code: 'NotFound', reason: 'NOT_FOUND' });
    // The report is gone, so its query is used by none: deleted without force.
    expectEmpty(await t.call({ method: 'DELETE', url: `${QUERIES}/${query.id}`, key: t.keys.writer }));
  });

  it('runs utils.build_report\'s calls: queries found by name in the list, a report of {query: id}, then found by name', async () => {
    const existing = await savedQuery('Pytest Users');
    const listed = (await walk<SavedQuery>(`${QUERIES}?include_inactive_queries=True&page_size=250`)).values;
    const byName = new Map(listed.filter((q) => q.query_type !== 'SYSTEM_CREATED').map((q) => [q.name, q.id]));
    const fresh = await savedQuery('Pytest guests');
    const ids = [byName.get('Pytest Users')!, fresh.id];
    const created = expectValue<AssessmentReport>(await createReport({ name: 'Pytest', description: 'Pytest', queries: ids.map((query) => ({ query })) }));
    expect(created.queries.map((q) => q.query)).toEqual([existing.id, fresh.id]);
    const reports = (await walk<AssessmentReport>(`${REPORTS}?include_inactive_reports=True&include_inactive_queries=True&page_size=250`)).values;
    expect(reports.map((r) => [r.name, r.id])).toEqual([['Pytest', created.id]]);
  });

  it('keeps a repeated query once, in the place it first appears, and ids in any case', async () => {
    const [a, b] = [await savedQuery('a'), await savedQuery('b')];
    const created = await report('R', [b.id, a.id.toUpperCase(), b.id]);
    expect(created.queries).toEqual([
      { query: b.id, name: 'b' },
      { query: a.id, name: 'a' },
    ]);
    expect(expectValue<AssessmentReport>(await t.call({ url: `${REPORTS}/${created.id.toUpperCase()}` }))).toEqual(created);
  });

  it('replaces fields and queries by PUT, echoes unknown fields, and keeps id, creator and creation time', async () => {
    const [a, b, c] = [await savedQuery('a'), await savedQuery('b'), await savedQuery('c')];
    const created = expectValue<AssessmentReport>(await createReport({ name: 'R', description: 'first', version: 3, owner_team: 'sec', queries: [{ query: a.id }, { query: b.id }] }));
    expect(created).toMatchObject({ version: 3, owner_team: 'sec' });
    const replaced = expectValue<AssessmentReport>(
      await t.call({
        method: 'PUT',
        url: `${REPORTS}/${created.id}`,
        key: t.keys.admin,
        payload: { id: created.id.toUpperCase(), name: 'R2', created_at: '2001-01-01T00:00:00Z', created_by: 'x', queries: [{ query: c.id, name: 'c' }, { query: a.id }] },
      }),
    );
    expect(replaced).toEqual({
      id: created.id,
      name: 'R2',
      description: '',
      category: '',
      version: 0,
      queries: [
        { query: c.id, name: 'c' },
        { query: a.id, name: 'a' },
      ],
      created_by: created.created_by,
      created_at: created.created_at,
      updated_at: replaced.updated_at,
    });
  });

  it('lists every report exactly once across pages, in creation order, each with its queries', async () => {
    const q = await savedQuery('q');
    const created: AssessmentReport[] = [];
    for (let i = 0; i < 5; i++) created.push(await report(`r${i}`, i === 3 ? [q.id] : []));
    const { values, pages } = await walk<AssessmentReport>(`${REPORTS}?include_inactive_reports=True&include_inactive_queries=True&page_size=2`);
    // 5 reports by 2: pages of 2, 2 and 1.
    expect(pages).toBe(3);
    expect(values.map((r) => r.id)).toEqual(inListOrder(created));
    expect(values.filter((r) => r.queries.length > 0).map((r) => [r.name, r.queries])).toEqual([['r3', [{ query: q.id, name: 'q' }]]]);
  });

  it('needs the writer role to change reports', async () => {
    const q = await savedQuery('q');
    const r = await report('R');
    const denied = { status: 403, code: 'PermissionDenied', reason: 'PERMISSION_DENIED' };
    expectError(await createReport({ name: 'x' }, t.keys.reader), denied);
    expectError(await t.call({ method: 'PUT', url: `${REPORTS}/${r.id}`, payload: { name: 'x' }, key: t.keys.reader }), denied);
    expectError(await t.call({ method: 'PUT', url: `${REPORTS}/${r.id}/queries/${q.id}`, key: t.keys.reader }), denied);
    expectError(await t.call({ method: 'DELETE', url: `${REPORTS}/${r.id}`, key: t.keys.reader }), denied);
    expect(expectValue<AssessmentReport>(await t.call({ url: `${REPORTS}/${r.id}`, key: t.keys.reader }))).toEqual(r);
  });

  it('refuses a report naming an unknown query with 400 naming queries[i].query, on create and on PUT, and writes nothing', async () => {
    const a = await savedQuery('a');
    const missing = randomUUID();
    expectError(await createReport({ name: 'R', queries: [{ query: a.id }, { query: missing }] }), {
      status: 400,
      code: 'InvalidArgument',
      reason: 'INVALID_ARGUMENTS',
      field: 'queries[1].query',
      description: `saved query "${missing}" does not exist`,
    });
    expect(expectValues(await t.call({ url: REPORTS })).values).toEqual([]);
    const r = await report('R', [a.id]);
    expectError(await t.call({ method: 'PUT', url: `${REPORTS}/${r.id}`, payload: { name: 'R2', queries: [{ query: 'nope' }] }, key: t.keys.writer }), {
      status: 400,
      code: 'InvalidArgument',
      reason: 'INVALID_ARGUMENTS',
      field: 'queries[0].query',
    });
    expect(expectValue<AssessmentReport>(await t.call({ url: `${REPORTS}/${r.id}` }))).toEqual(r);
  });

  it('refuses a PUT whose id is another report\'s with 400 ID_MISMATCH, and changes nothing', async () => {
    const [r1, r2] = [await report('R1'), await report('R2')];
    expectError(await t.call({ method: 'PUT', url: `${REPORTS}/${r1.id}`, payload: { ...r2, name: 'hijack' }, key: t.keys.writer }), {
      status: 400,
      code: 'InvalidArgument',
      reason: 'ID_MISMATCH',
      field: 'id',
    });
    expect(expectValue<AssessmentReport>(await t.call({ url: `${REPORTS}/${r1.id}` })).name).toBe('R1');
    expect(expectValue<AssessmentReport>(await t.call({ url: `${REPORTS}/${r2.id}` })).name).toBe('R2');
  });

  it('answers 404 for an unknown report or query id on every report route', async () => {
    const q = await savedQuery('q');
    const r = await report('R');
    const unknown = randomUUID();
    const notFound = { status: 404, code: 'NotFound', reason: 'NOT_FOUND' };
    expectError(await t.call({ url: `${REPORTS}/${unknown}` }), notFound);
    expectError(await t.call({ method: 'PUT', url: `${REPORTS}/${unknown}`, payload: { name: 'x' } }), notFound);
    expectError(await t.call({ method: 'PUT', url: `${REPORTS}/${unknown}/queries/${q.id}` }), notFound);
    const body = expectError(await t.call({ method: 'PUT', url: `${REPORTS}/${r.id}/queries/${unknown}` }), notFound);
    expect(body.message).toContain(`saved query "${unknown}"`);
    expectError(await t.call({ method: 'DELETE', url: `${REPORTS}/${unknown}` }), notFound);
    expect(expectValue<AssessmentReport>(await t.call({ url: `${REPORTS}/${r.id}` })).queries).toEqual([]);
  });

  it.each([
    ['a missing name', { queries: [] }, 'name', 'required field "name" is missing'],
    ['a blank name', { name: ' ' }, 'name', 'must not be blank'],
    ['a name that is not a string', { name: ['R'] }, 'name', 'must be string'],
    ['queries that is not a list', { name: 'R', queries: { query: 'x' } }, 'queries', 'must be array'],
    ['a query entry without query', { name: 'R', queries: [{ id: 'x' }] }, 'queries[0].query', 'required field "query" is missing'],
    ['a query id that is not a string', { name: 'R', queries: [{ query: 5 }] }, 'queries[0].query', 'must be string'],
    ['a query entry that is a bare id', { name: 'R', queries: ['x'] }, 'queries[0]', 'must be object'],
    ['a version that is not an integer', { name: 'R', version: '1' }, 'version', 'must be integer'],
    ['a description that is not a string', { name: 'R', description: {} }, 'description', 'must be string'],
  ])('refuses %s with 400 naming the JSON path, on create and on PUT', async (_, payload, field, description) => {
    const expected = { status: 400, code: 'InvalidArgument', reason: 'INVALID_ARGUMENTS', field, description };
    expectError(await createReport(payload), expected);
    const r = await report('R');
    expectError(await t.call({ method: 'PUT', url: `${REPORTS}/${r.id}`, payload: payload as Record<string, unknown>, key: t.keys.writer }), expected);
    expect(expectValues(await t.call({ url: REPORTS })).values).toEqual([r]);
  });

  it.each([
    ['include_inactive_reports that is not a boolean', `${REPORTS}?include_inactive_reports=2`, 'querystring.include_inactive_reports'],
    ['a negative page_size', `${REPORTS}?page_size=-5`, 'querystring.page_size'],
    ['an unknown parameter', `${REPORTS}?order_by=name`, 'querystring.order_by'],
  ])('refuses %s with 400 naming it', async (_, url, field) => {
    expectError(await t.call({ url }), { status: 400, code: 'InvalidArgument', reason: 'INVALID_ARGUMENTS', field });
  });

  it('refuses a PUT body that is not an object with 400 MALFORMED_BODY', async () => {
    const r = await report('R');
    const res = await t.call({ method: 'PUT', url: `${REPORTS}/${r.id}`, payload: '[]', headers: { 'content-type': 'application/json' } });
    expectError(res, { status: 400, code: 'InvalidArgument', reason: 'MALFORMED_BODY' });
  });
});

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { QuerySpecNode, QuerySpecNodesPage, QuerySpecResult } from '@accessgraph/contract';
import { validIdpPayload } from '../../../core/src/idp/test-support/idp-payloads.js';
import { shopPayload } from '../../../core/src/linking/test-support/shop-payload.js';
import { expectError } from '../test-support/http-expect.js';
import { payloadFixture, push, pushTarget } from '../test-support/push.js';
import { createTestApp, type TestApp } from '../test-support/test-app.js';

/**
 * Query specs over HTTP (spec §14.1–14.2), on three data sources:
 * - Shop (`shopPayload`): users ann-local, bob-local, zed; group clerks; all access on the
 *   application: ann-local and zed view (role viewer), bob-local view (direct), clerks edit.
 *   ann-local links to the IdP user ann (u1) by its identities entry, bob-local to bob (u2) by the
 *   IdP's mapping rule; zed links to nothing.
 * - Ledger (`test/fixtures/app-ledger.json`): users ann (seat_count 2; in staff and auditors),
 *   max (staff, auditors), kim (inactive, is_contractor), lee (team, which is in auditors), bot
 *   (holds credential c1); the application is tagged tier=gold. Worked out by hand from spec §13.3:
 *   ann holds keeper on the application: every and Owner on Ledger, Owner (apply_to_sub_resources)
 *   on book1, book2 and book2.page1, Edit_Book (resource_types book) on book1 and book2; auditors
 *   read book1, so ann, max and lee have Read there; max has Read on book2 and page1; kim holds
 *   clerk (Edit, Mystery, and Read through the nested reader) on Ledger only; lee has Edit on
 *   Ledger and book1; c1 reads book2, and bot with it. Owner, Edit and Edit_Book carry
 *   DataWrite; Read only DataRead and MetadataRead. ann links to the IdP user ann by her
 *   identities entry.
 * - The identity provider (`validIdpPayload`, type corp_ldap): users ann (u1, in staff), bob (u2,
 *   in admins, which is in staff), cy. ann reaches Shop (view) and, through Ledger's ann, Ledger;
 *   bob reaches Shop through bob-local (view), clerks (linked to admins: edit) and the idp grant
 *   to staff (view).
 */

let t: TestApp;
const label = new Map<string, string>();
beforeEach(async () => {
  t = await createTestApp();
  label.clear();
  for (const [name, template, payload] of [
    ['shop', 'application', shopPayload()],
    ['ledger', 'application', payloadFixture('app-ledger.json')],
    ['idp', 'identity_provider', validIdpPayload()],
  ] as const) {
    const target = await pushTarget(t, template);
    expect((await push(t, target.url, payload)).statusCode).toBe(200);
    label.set(target.dataSource.id, name);
  }
});
afterEach(async () => {
  await t.close();
});

const NODES = '/api/v1/assessments/query_spec:nodes';
const RESULT = '/api/v1/assessments/query_spec:result';

/** A spec from source node entries and other fields. */
const spec = (nodes: unknown[], extra: Record<string, unknown> = {}) => ({ query_type: 'SOURCE_TO_DESTINATION', source_node_types: { nodes }, ...extra });
const to = (...nodeTypes: string[]) => ({ destination_node_types: { nodes: nodeTypes.map((node_type) => ({ node_type })) } });

/** Every result of a spec, following has_more as oaaclient's api_post does (same body, page_token in the query). */
async function allNodes(body: unknown, pageSize = 1000): Promise<QuerySpecNode[]> {
  const rows: QuerySpecNode[] = [];
  let token = '';
  for (let page = 0; page < 100; page++) {
    const res = await t.call({ method: 'POST', url: `${NODES}?page_size=${pageSize}${token ? `&page_token=${encodeURIComponent(token)}` : ''}`, payload: body as object, key: t.keys.reader });
    expect(res.statusCode, res.body).toBe(200);
    const answer = res.json() as QuerySpecNodesPage;
    expect(answer.values.length).toBeLessThanOrEqual(pageSize);
    rows.push(...answer.values);
    if (!answer.has_more) {
      expect(answer.next_page_token).toBe('');
      return rows;
    }
    token = answer.next_page_token;
  }
  throw new Error('paging did not end');
}

/** Results as `source:key destination_node_count [permissions]`, sorted (data source ids are random, so their order is too). */
async function answers(body: unknown): Promise<string[]> {
  return (await allNodes(body)).map(describe_).sort();
}
const describe_ = (n: QuerySpecNode) => `${label.get(n.node.data_source_id)}:${n.node.key} ${n.destination_node_count} [${n.permissions.join(',')}]`;
const keys = (nodes: QuerySpecNode[]) => nodes.map((n) => `${label.get(n.node.data_source_id)}:${n.node.key}`).sort();

describe('query_spec:nodes', () => {
  it('finds source nodes by node type and custom or built-in property conditions, with Veza result fields', async () => {
    const contractors = await allNodes(spec([{ node_type: 'OAA.ledger.User', condition_expression: { specs: [{ fn: 'EQ', property: 'customprop_is_contractor', value: true, not: false }] } }]));
    expect(keys(contractors)).toEqual(['ledger:kim']);
    expect(contractors[0]).toMatchObject({
      type: 'OAA.ledger.User',
      properties: { name: 'kim', is_active: false, customprop_is_contractor: true },
      destination_node_count: 0,
      permissions: [],
      node: { type: 'local_user', key: 'kim', application: 'Ledger' },
    });
    // The node id is the graph API's: the node reads back under it.
    expect((await t.call({ url: `/api/v1/graph/nodes/${contractors[0]!.id}` })).statusCode).toBe(200);
    // seat_count without its prefix; inactive OR (a nested expression) name starting with B.
    expect(keys(await allNodes(spec([{ node_type: 'oaa.LEDGER.user', condition_expression: { specs: [{ fn: 'GTE', property: 'seat_count', value: 2 }] } }])))).toEqual(['ledger:ann']);
    const either = { specs: [{ property: 'is_active', value: false }], child_expressions: [{ specs: [{ fn: 'STARTS_WITH', property: 'name', value: 'B' }] }], operator: 'OR' };
    expect(keys(await allNodes(spec([{ node_type: 'OAA.ledger.User', condition_expression: either }])))).toEqual(['ledger:bot', 'ledger:kim']);
    expect(keys(await allNodes(spec([{ node_type: 'OAA.ledger.User', condition_expression: { ...either, not: true } }])))).toEqual(['ledger:ann', 'ledger:lee', 'ledger:max']);
  });

  it('keeps sources that reach a destination, counting destinations, with raw and effective permission filters', async () => {
    const books = spec([{ node_type: 'OAA.ledger.User' }], to('OAA.ledger.book.Resource'));
    // book1 and book2 are the book resources (page1 is an OAA.ledger.page.SubResource); kim reaches only the application.
    expect(await answers(books)).toEqual(['ledger:ann 2 [Edit_Book,Owner,Read]', 'ledger:bot 1 [Read]', 'ledger:lee 1 [Edit,Read]', 'ledger:max 2 [Read]']);
    expect(await answers({ ...books, raw_permissions: { values: ['OWNER'], operator: 'OR' } })).toEqual(['ledger:ann 2 [Edit_Book,Owner,Read]']);
    // AND holds per destination: only lee has Edit and Read on one book (ann's Edit_Book is not Edit).
    expect(await answers({ ...books, raw_permissions: { values: ['read', 'edit'], operator: 'AND' } })).toEqual(['ledger:lee 1 [Edit,Read]']);
    // DataWrite: ann by Owner and Edit_Book on both books, lee by Edit on book1; Read carries none.
    expect(await answers({ ...books, effective_permissions: { values: ['DATA_WRITE'], operator: 'OR' } })).toEqual(['ledger:ann 2 [Edit_Book,Owner,Read]', 'ledger:lee 1 [Edit,Read]']);
    // Both filters on one destination: ann has Read with DataWrite only on book1.
    expect(await answers({ ...books, raw_permissions: { values: ['read'] }, effective_permissions: { values: ['DATA_WRITE'] } })).toEqual(['ledger:ann 1 [Edit_Book,Owner,Read]', 'ledger:lee 1 [Edit,Read]']);
    const [ann] = await allNodes({ ...books, raw_permissions: { values: ['owner'] } });
    expect(ann!.effective_permissions).toEqual(['DATA_READ', 'DATA_WRITE', 'METADATA_READ', 'METADATA_WRITE', 'NON_DATA']);
  });

  it('with no_relation keeps the sources without such a relation; identity links relate accounts to IdP users', async () => {
    expect(keys(await allNodes(spec([{ node_type: 'OAA.ledger.User' }], { ...to('OAA.ledger.book.Resource'), no_relation: true })))).toEqual(['ledger:kim']);
    // Shop accounts with an IdP identity: ann-local (identities entry) and bob-local (mapping rule); zed has none.
    expect(await answers(spec([{ node_type: 'OAA.shop.User' }], to('OAA.corp_ldap.IDPUser')))).toEqual(['shop:ann-local 1 []', 'shop:bob-local 1 []']);
    expect(keys(await allNodes(spec([{ node_type: 'OAA.shop.User' }], { ...to('OAA.corp_ldap.IDPUser'), no_relation: true })))).toEqual(['shop:zed']);
  });

  it('expands grouping types, across data sources, and follows IdP users to the applications linked accounts reach', async () => {
    // Users with DataWrite on an application: Ledger's ann (every, Owner), kim (Edit), lee (Edit);
    // the IdP's ann through Ledger's ann (her Shop view carries no DataWrite), bob through clerks (edit).
    expect(await answers(spec([{ node_type: 'User' }], { ...to('Application'), effective_permissions: { values: ['DATA_WRITE'] } }))).toEqual([
      'idp:u1 1 [every,Owner]',
      'idp:u2 1 [edit,view]',
      'ledger:ann 1 [every,Owner]',
      'ledger:kim 1 [Edit,Mystery,Read]',
      'ledger:lee 1 [Edit]',
    ]);
    // Owner reaches book1, book2 and page1 (apply_to_sub_resources): three Resources each.
    expect(await answers(spec([{ node_type: 'User' }], { ...to('Resource'), raw_permissions: { values: ['owner'] } }))).toEqual([
      'idp:u1 3 [Edit_Book,Owner,Read]',
      'ledger:ann 3 [Edit_Book,Owner,Read]',
    ]);
    // nodes_operator AND: one destination of each type; only the IdP's ann reaches both applications.
    const both = { destination_node_types: { nodes: [{ node_type: 'OAA.ledger.Application' }, { node_type: 'OAA.shop.Application' }], nodes_operator: 'AND' } };
    expect(await answers(spec([{ node_type: 'IdPUser' }], both))).toEqual(['idp:u1 2 [every,Owner,view]']);
  });

  it('answers resources by the principals that reach them, and filters by tags and node id', async () => {
    // book1: ann, max (auditors) and lee (team, in auditors) read it; book2: max directly, bot through c1.
    expect(await answers(spec([{ node_type: 'OAA.ledger.book.Resource' }], { ...to('OAA.ledger.User'), raw_permissions: { values: ['read'] } }))).toEqual([
      'ledger:book1 3 [Edit,Edit_Book,Owner,Read]',
      'ledger:book2 2 [Read]',
    ]);
    expect(keys(await allNodes(spec([{ node_type: 'Application', tags: [{ key: 'tier', value: 'gold' }] }])))).toEqual(['ledger:Ledger']);
    expect(keys(await allNodes(spec([{ node_type: 'Application', excluded_tags: [{ key: 'tier' }] }])))).toEqual(['shop:Shop']);
    const [kim] = await allNodes(spec([{ node_type: 'OAA.ledger.User', condition_expression: { specs: [{ property: 'name', value: 'kim' }] } }]));
    expect(keys(await allNodes(spec([{ node_type: 'User', node_id: kim!.id }])))).toEqual(['ledger:kim']);
  });

  it('evaluates relates_to_exp: relations joined by OR and AND, with no_relation and not', async () => {
    // Owner on a book (ann, on both) or Edit on the application (kim through clerk, lee directly);
    // counts and permissions are those of the relations that hold.
    const either = {
      specs: [
        { node_types: { nodes: [{ node_type: 'OAA.ledger.book.Resource' }] }, raw_permissions: { values: ['owner'] }, direction: 'ANY_DIRECTION' },
        { node_types: { nodes: [{ node_type: 'OAA.ledger.Application' }] }, raw_permissions: { values: ['edit'] } },
      ],
      operator: 'OR',
    };
    expect(await answers(spec([{ node_type: 'OAA.ledger.User' }], { relates_to_exp: either }))).toEqual([
      'ledger:ann 2 [Edit_Book,Owner,Read]',
      'ledger:kim 1 [Edit,Mystery,Read]',
      'ledger:lee 1 [Edit]',
    ]);
    // Reads Shop AND has no IdP identity: zed (the others are linked to u1 and u2).
    const unlinkedReaders = { specs: [{ node_types: { nodes: [{ node_type: 'Application' }] }, effective_permissions: { values: ['DATA_READ'] } }, { node_types: { nodes: [{ node_type: 'IdPUser' }] }, no_relation: true }] };
    expect(await answers(spec([{ node_type: 'OAA.shop.User' }], { relates_to_exp: unlinkedReaders }))).toEqual(['shop:zed 1 [view]']);
    // NOT (reaches a book): kim.
    expect(await answers(spec([{ node_type: 'OAA.ledger.User' }], { relates_to_exp: { specs: [{ node_types: { nodes: [{ node_type: 'OAA.ledger.book.Resource' }] } }], not: true } }))).toEqual(['ledger:kim 0 []']);
  });

  it("relates a role to where its own grants reach, not to another application's role of the same name", async () => {
    // test/fixtures/app-two-viewers.json: Alpha's viewer is granted on Alpha (to tellers, ann, the
    // role deputy and the idp identity staff), Beta's viewer on Beta (to staff too); kim holds
    // deputy (list) on Alpha. Each viewer reaches its own application only.
    const two = await pushTarget(t);
    expect((await push(t, two.url, payloadFixture('app-two-viewers.json'))).statusCode).toBe(200);
    label.set(two.dataSource.id, 'two');
    expect(await answers(spec([{ node_type: 'OAA.two.Role' }], to('OAA.two.Application')))).toEqual(['two:deputy 1 [list]', 'two:viewer 1 [view]', 'two:viewer 1 [view]']);
  });

  it('pages through every result exactly once, plain and with relations', async () => {
    // 11 users: Shop's 3, Ledger's 5, the IdP's 3.
    const all = await allNodes(spec([{ node_type: 'User' }]));
    expect(all).toHaveLength(11);
    const paged = await allNodes(spec([{ node_type: 'User' }]), 2);
    expect(paged.map((n) => n.id)).toEqual(all.map((n) => n.id));
    expect(new Set(paged.map((n) => n.id)).size).toBe(11);
    const writers = spec([{ node_type: 'User' }], { ...to('Application'), effective_permissions: { values: ['DATA_WRITE'] } });
    const one = await allNodes(writers, 1);
    expect(one.map((n) => n.id)).toEqual((await allNodes(writers)).map((n) => n.id));
    expect(one).toHaveLength(5);
  });

  it('refuses a malformed spec naming its JSON path, a bad page token or order_by; readers may ask', async () => {
    const badFn = spec([{ node_type: 'User', condition_expression: { specs: [{ property: 'name', value: 'x' }, { property: 'name', fn: 'LIKE', value: 'x' }] } }]);
    expectError(await t.call({ method: 'POST', url: NODES, payload: badFn, key: t.keys.reader }), {
      status: 400,
      code: 'InvalidArgument',
      reason: 'INVALID_ARGUMENTS',
      field: 'source_node_types.nodes[0].condition_expression.specs[1].fn',
      description: /unknown function "LIKE"/,
    });
    const badIn = spec([{ node_type: 'User', condition_expression: { specs: [{ property: 'name', fn: 'IN', value: 'kim' }] } }]);
    expectError(await t.call({ method: 'POST', url: RESULT, payload: badIn }), { status: 400, code: 'InvalidArgument', reason: 'INVALID_ARGUMENTS', field: 'source_node_types.nodes[0].condition_expression.specs[0].value' });
    expectError(await t.call({ method: 'POST', url: NODES, payload: { destination_node_types: { nodes: [] } } }), { status: 400, code: 'InvalidArgument', reason: 'INVALID_ARGUMENTS', field: 'source_node_types' });
    expect((await t.call({ method: 'POST', url: NODES, payload: JSON.stringify(['User']), headers: { 'content-type': 'application/json' } })).statusCode).toBe(400);
    expectError(await t.call({ method: 'POST', url: `${NODES}?order_by=destination_node_count+DESC`, payload: spec([{ node_type: 'User' }]) }), { status: 400, code: 'InvalidArgument', reason: 'INVALID_ARGUMENTS', field: 'order_by' });
    const first = (await t.call({ method: 'POST', url: `${NODES}?page_size=1`, payload: spec([{ node_type: 'User' }]) })).json() as QuerySpecNodesPage;
    expect(first.has_more).toBe(true);
    // The token belongs to its spec: another spec, or no token of ours, is refused.
    expectError(await t.call({ method: 'POST', url: `${NODES}?page_token=${first.next_page_token}`, payload: spec([{ node_type: 'Group' }]) }), { status: 400, code: 'InvalidArgument', reason: 'INVALID_PAGE_TOKEN', field: 'page_token' });
    expectError(await t.call({ method: 'POST', url: `${NODES}?page_token=nope`, payload: spec([{ node_type: 'User' }]) }), { status: 400, code: 'InvalidArgument', reason: 'INVALID_PAGE_TOKEN', field: 'page_token' });
    expect((await t.call({ method: 'POST', url: NODES, payload: spec([{ node_type: 'User' }]), key: null })).statusCode).toBe(401);
    // The colon may be spelled %3A.
    expect((await t.call({ method: 'POST', url: '/api/v1/assessments/query_spec%3Anodes', payload: spec([{ node_type: 'User' }]) })).statusCode).toBe(200);
  });
});

describe('query_spec:result', () => {
  it('counts every result as a string, with the first page, whose token continues on :nodes', async () => {
    const users = spec([{ node_type: 'User' }]);
    const res = await t.call({ method: 'POST', url: `${RESULT}?page_size=4`, payload: users, key: t.keys.reader });
    expect(res.statusCode).toBe(200);
    const result = res.json() as QuerySpecResult;
    expect(result).toMatchObject({ result_type: 'NUMBER', number_value: '11', nodes_value: { has_more: true } });
    expect(result.nodes_value.values).toHaveLength(4);
    const rest = (await t.call({ method: 'POST', url: `${NODES}?page_size=100&page_token=${result.nodes_value.next_page_token}`, payload: users })).json() as QuerySpecNodesPage;
    expect(new Set([...result.nodes_value.values, ...rest.values].map((n) => n.id)).size).toBe(11);
    // With a relation: the five users with DataWrite on an application (see the grouping test); none without a relation to a book.
    const writers = { ...spec([{ node_type: 'User' }], { ...to('Application'), effective_permissions: { values: ['DATA_WRITE'] } }) };
    expect(((await t.call({ method: 'POST', url: RESULT, payload: writers })).json() as QuerySpecResult).number_value).toBe('5');
    const unrelated = spec([{ node_type: 'OAA.ledger.User' }], { ...to('OAA.ledger.book.Resource'), no_relation: true });
    expect(((await t.call({ method: 'POST', url: RESULT, payload: unrelated })).json() as QuerySpecResult)).toMatchObject({ number_value: '1', nodes_value: { has_more: false, next_page_token: '' } });
  });

  it('runs a saved query by its id as its spec runs: nodes page by page, and the count', async () => {
    const books = { name: 'Ledger users on books', ...spec([{ node_type: 'OAA.ledger.User' }], to('OAA.ledger.book.Resource')), raw_permissions: { values: ['read'], operator: 'OR' } };
    const created = await t.call({ method: 'POST', url: '/api/v1/assessments/queries', payload: books, key: t.keys.writer });
    expect(created.statusCode, created.body).toBe(200);
    const id = (created.json() as { value: { id: string } }).value.id;
    // Read on a book: ann, max and lee (auditors read book1), max on book2, bot through c1 (see the file's comment).
    const saved: QuerySpecNode[] = [];
    let token = '';
    do {
      const res = await t.call({ url: `/api/v1/assessments/queries/${id}:nodes?page_size=1${token ? `&page_token=${encodeURIComponent(token)}` : ''}`, key: t.keys.reader });
      expect(res.statusCode, res.body).toBe(200);
      const page = res.json() as QuerySpecNodesPage;
      saved.push(...page.values);
      token = page.next_page_token;
    } while (token);
    expect(saved.map(describe_).sort()).toEqual(['ledger:ann 1 [Edit_Book,Owner,Read]', 'ledger:bot 1 [Read]', 'ledger:lee 1 [Edit,Read]', 'ledger:max 2 [Read]']);
    expect(saved).toEqual(await allNodes(books));
    const result = await t.call({ url: `/api/v1/assessments/queries/${id}%3Aresult`, key: t.keys.reader });
    expect((result.json() as QuerySpecResult).number_value).toBe('4');
    expect((await t.call({ method: 'DELETE', url: `/api/v1/assessments/queries/${id}`, key: t.keys.writer })).statusCode).toBe(200);
    expect((await t.call({ url: `/api/v1/assessments/queries/${id}:nodes`, key: t.keys.reader })).statusCode).toBe(404);
    expect((await t.call({ url: '/api/v1/assessments/queries/nope:result', key: t.keys.reader })).statusCode).toBe(404);
  });
});

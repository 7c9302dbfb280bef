import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { NodeDetail, NodeSummary, QuerySpecNodesPage } from '@accessgraph/contract';
import { csvTarget, pushCsv } from '../test-support/csv-push.js';
import { expectError, expectValue, expectValues } from '../test-support/http-expect.js';
import { push, pushTarget } from '../test-support/push.js';
import { createTestApp, type TestApp } from '../test-support/test-app.js';

/**
 * Okta SSO last-login enrichment over HTTP, from the System Log export fixture
 * (test/fixtures/okta-system-log.json) and the users export (okta-users.json) to
 * `sso_last_login_at` on the Ledger application's local users.
 */

const CONFIGURATIONS = '/api/private/namespaces/integrations/configurations';
const MATCHING = `${CONFIGURATIONS}/okta_sso_user_matching_property`;
const SYSTEM_LOG = '/api/private/okta/system_log';
const USERS = '/api/private/okta/users';
const LEDGER_OKTA_ID = '0oa1ledgerAPP0000x7';
const JANE_AT = '2026-11-03T09:30:00.000Z';
const BOB_AT = '2026-11-02T10:15:00.000Z';
const CAROL_AT = '2026-10-30T07:00:00.000Z';

const fixture = (name: string) => JSON.parse(readFileSync(new URL(`../../../../test/fixtures/${name}`, import.meta.url), 'utf8')) as unknown[];

/** The seed's payload shape (`okta_app_id` at the application level), one local user per matching rule. */
const ledger = {
  applications: [
    {
      name: 'Ledger',
      application_type: 'ledger',
      okta_app_id: LEDGER_OKTA_ID,
      local_users: [
        { unique_id: 'jane', name: 'Jane Doe', identities: ['JANE.DOE@EXAMPLE.COM'], email: 'jane.doe@example.com' },
        { unique_id: 'bob', name: 'Bob', identities: ['robert.smith@example.com'] },
        { unique_id: 'shared', name: 'Shared', identities: ['carol@example.com', 'jane.doe@example.com'] },
        { unique_id: 'dave', name: 'Dave', identities: ['dave@example.com'] },
        { unique_id: 'erin', name: 'Erin', identities: ['erin@example.com'] },
        { unique_id: 'svc', name: 'Service account' },
        { unique_id: 'emp', name: 'By employee number', identities: ['e-1002'] },
      ],
      local_groups: [],
      local_roles: [],
      resources: [],
    },
  ],
  permissions: [],
  identity_to_permissions: [],
};

const BY_LOGIN = { jane: JANE_AT, bob: '-', shared: CAROL_AT, dave: '-', erin: '-', svc: '-', emp: '-' };
const NONE = { jane: '-', bob: '-', shared: '-', dave: '-', erin: '-', svc: '-', emp: '-' };

let t: TestApp;
let target: Awaited<ReturnType<typeof pushTarget>>;
beforeEach(async () => {
  t = await createTestApp();
  target = await pushTarget(t);
});
afterEach(async () => {
  await t.close();
});

async function pushLedger(payload: unknown = ledger): Promise<void> {
  const res = await push(t, target.url, payload);
  expect(res.statusCode, res.body).toBe(200);
}

const setMatching = (value: unknown, key = t.keys.admin) => t.call({ method: 'PUT', url: MATCHING, payload: { value }, key });
const importLog = (events: unknown = fixture('okta-system-log.json'), key = t.keys.admin) => t.call({ method: 'POST', url: SYSTEM_LOG, payload: events as object, key });

/** sso_last_login_at of each Ledger local user as the query builder shows it ('-' when unset). */
async function lastLogins(): Promise<Record<string, string>> {
  const res = await t.call({
    method: 'POST',
    url: '/api/v1/assessments/query_spec:nodes?page_size=100',
    payload: { query_type: 'SOURCE_TO_DESTINATION', source_node_types: { nodes: [{ node_type: 'OAA.ledger.User' }] } },
    key: t.keys.reader,
  });
  expect(res.statusCode, res.body).toBe(200);
  const page = res.json<QuerySpecNodesPage>();
  return Object.fromEntries(page.values.map((n) => [n.node.key, (n.properties.sso_last_login_at as string | undefined) ?? '-']));
}

describe('the matching property configuration', () => {
  it('lists okta_sso_user_matching_property unset, then as PUT set it', async () => {
    const before = expectValues(await t.call({ url: `${CONFIGURATIONS}?page_size=100`, key: t.keys.reader }));
    expect(before).toEqual({ values: [{ key: 'okta_sso_user_matching_property', value: null, updated_at: null }], next_page_token: '', has_more: false });
    const put = await setMatching('login');
    expect(put.statusCode, put.body).toBe(200);
    expect(put.json()).toMatchObject({ value: { key: 'okta_sso_user_matching_property', value: 'login' }, local_users: { considered: 0, enriched: 0, changed: 0 } });
    const after = expectValues<{ key: string; value: string; updated_at: string }>(await t.call({ url: CONFIGURATIONS, key: t.keys.reader }));
    expect(after.values).toEqual([{ key: 'okta_sso_user_matching_property', value: 'login', updated_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) }]);
  });

  it('refuses a value that is not a property name, naming value, and changes nothing', async () => {
    await setMatching('login');
    for (const bad of ['profile.email', '', 42]) expectError(await setMatching(bad), { status: 400, code: 'InvalidArgument', reason: 'INVALID_ARGUMENTS', field: 'value' });
    expect(expectValues(await t.call({ url: CONFIGURATIONS })).values).toMatchObject([{ value: 'login' }]);
  });

  it('is for admins, and knows only its own keys', async () => {
    expectError(await setMatching('email', t.keys.writer), { status: 403, code: 'PermissionDenied', reason: 'PERMISSION_DENIED' });
    expectError(await t.call({ method: 'PUT', url: `${CONFIGURATIONS}/some_other_setting`, payload: { value: 'x' } }), { status: 404, code: 'NotFound', reason: 'NOT_FOUND' });
  });
});

describe('sso_last_login_at from a System Log export', () => {
  it('import after push: counts every event, enriches matching local users, leaves the others unset', async () => {
    await setMatching('login');
    await pushLedger();
    expect(await lastLogins()).toEqual(NONE);
    const res = await importLog();
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({
      events_read: 8,
      events_used: 5,
      ignored: { other_event_type: 2, failed_outcome: 1 },
      logins_recorded: 4,
      local_users: { considered: 7, enriched: 2, changed: 2 },
    });
    // jane: case-insensitive; shared: carol's identity comes first, so her sign-in wins over jane's later one;
    // dave signed in to another app only, erin only failed, svc has no identities.
    expect(await lastLogins()).toEqual(BY_LOGIN);
  });

  it("an access review shows each account's last login and its Okta SSO last login, for a dormant-account review", async () => {
    await setMatching('login');
    const app = ledger.applications[0]!;
    await pushLedger({
      ...ledger,
      applications: [{ ...app, local_users: app.local_users.map((u) => (u.unique_id === 'dave' ? { ...u, last_login_at: '2025-01-15T08:00:00Z' } : u)) }],
      permissions: [{ name: 'post', permission_type: ['DataWrite'] }],
      identity_to_permissions: ['jane', 'dave'].map((identity) => ({ identity, identity_type: 'local_user', application_permissions: [{ application: 'Ledger', permission: 'post', apply_to_application: true }] })),
    });
    expect((await importLog()).statusCode).toBe(200);
    const review = `${target.url.replace(/:push$/, '')}/access_review`;
    const rows = expectValues<Record<string, unknown>>(await t.call({ url: review, key: t.keys.reader })).values;
    expect(rows.map((r) => [r.principal, r.last_login_at, r.sso_last_login_at])).toEqual([
      ['dave', '2025-01-15T08:00:00Z', null],
      ['jane', null, JANE_AT],
    ]);
    const csv = (await t.call({ url: `${review}?format=csv`, key: t.keys.reader })).body.split('\r\n');
    expect(csv[0]).toContain('active,last_login_at,sso_last_login_at,application');
    expect(csv[2]).toContain(`,${JANE_AT},Ledger,`);
  });

  it('push after import: the pushed graph carries the values, node detail and search filters see them', async () => {
    await setMatching('login');
    expect((await importLog()).statusCode).toBe(200);
    await pushLedger();
    expect(await lastLogins()).toEqual(BY_LOGIN);

    const found = expectValues<NodeSummary>(
      await t.call({ url: `/api/v1/graph/nodes?type=local_user&filter=${encodeURIComponent('sso_last_login_at lt "2026-11-01T00:00:00Z"')}`, key: t.keys.reader }),
    );
    expect(found.values.map((n) => n.key)).toEqual(['shared']);
    const detail = expectValue<NodeDetail>(await t.call({ url: `/api/v1/graph/nodes/${found.values[0]!.id}`, key: t.keys.reader }));
    expect(detail.properties).toMatchObject({ sso_last_login_at: CAROL_AT });
    // okta_app_id is the application node's property as pushed.
    const [app] = expectValues<NodeSummary>(await t.call({ url: '/api/v1/graph/nodes?type=application', key: t.keys.reader })).values;
    expect(expectValue<NodeDetail>(await t.call({ url: `/api/v1/graph/nodes/${app!.id}` })).properties).toMatchObject({ okta_app_id: LEDGER_OKTA_ID });

    // A re-push keeps them.
    await pushLedger();
    expect(await lastLogins()).toEqual(BY_LOGIN);
  });

  it('follows a change of the matching property: email and custom attributes once Okta users are imported', async () => {
    await pushLedger();
    expect((await importLog()).statusCode).toBe(200);
    expect(await lastLogins()).toEqual(NONE);
    expect((await setMatching('login')).json()).toMatchObject({ local_users: { considered: 7, enriched: 2, changed: 2 } });
    expect(await lastLogins()).toEqual(BY_LOGIN);

    // The System Log has no emails: without a users export nothing matches by email.
    await setMatching('email');
    expect(await lastLogins()).toEqual(NONE);
    const users = await t.call({ method: 'POST', url: USERS, payload: fixture('okta-users.json') as object });
    expect(users.statusCode, users.body).toBe(200);
    expect(users.json()).toEqual({ users_read: 3, users_recorded: 3, local_users: { considered: 7, enriched: 3, changed: 3 } });
    // bob matches by his email; carol's email is not carol@example.com, so shared falls through to jane.
    expect(await lastLogins()).toEqual({ ...NONE, jane: JANE_AT, bob: BOB_AT, shared: JANE_AT });

    // A custom attribute, by Veza's customprop_ name: bob's employee number, ignoring case.
    await setMatching('customprop_employeeNumber');
    expect(await lastLogins()).toEqual({ ...NONE, emp: BOB_AT });
  });

  it('enriches a CSV push whose mapping names the Okta app id, as the seed\'s CSV form does', async () => {
    await setMatching('login');
    expect((await importLog()).statusCode).toBe(200);
    const csv = await csvTarget(t, 'application', {
      template_type: 'application',
      application: { application_name: 'Ledger CSV', application_type: 'ledgercsv', okta_app_id: LEDGER_OKTA_ID, identity: ['email'] },
      column_mappings: [
        { column_name: 'User Id', destination_type: 'user', destination_property: 'id' },
        { column_name: 'Name', destination_type: 'user', destination_property: 'name' },
        { column_name: 'Email', destination_type: 'user', destination_property: 'email' },
      ],
    });
    const res = await pushCsv(t, csv.url, 'User Id,Name,Email\nu1,Jane,Jane.Doe@Example.com\nu2,Dave,dave@example.com\n');
    expect(res.statusCode, res.body).toBe(200);
    const users = expectValues<NodeSummary>(await t.call({ url: `/api/v1/graph/nodes?type=local_user&data_source_id=${csv.dataSource.id}` })).values;
    const values: Record<string, unknown> = {};
    for (const user of users) values[user.key] = expectValue<NodeDetail>(await t.call({ url: `/api/v1/graph/nodes/${user.id}` })).properties.sso_last_login_at;
    expect(values).toEqual({ u1: JANE_AT, u2: undefined });
  });

  it('refuses a malformed export whole, naming the event and field, and records nothing', async () => {
    await setMatching('login');
    await pushLedger();
    const events = fixture('okta-system-log.json') as Array<Record<string, unknown>>;
    events[3] = { ...events[3], published: 'last tuesday' };
    events[4] = { ...events[4], target: [] };
    const res = await importLog(events);
    const body = expectError(res, { status: 400, code: 'InvalidArgument', reason: 'INVALID_ARGUMENTS', field: '[3].published' });
    expect(body.message).toContain('[4].target');
    expectError(await importLog({ events: [] }), { status: 400, code: 'InvalidArgument', reason: 'MALFORMED_BODY' });
    expect(await lastLogins()).toEqual(NONE);
  });

  it('imports are for admins', async () => {
    expectError(await importLog(undefined, t.keys.writer), { status: 403, code: 'PermissionDenied', reason: 'PERMISSION_DENIED' });
    expectError(await t.call({ method: 'POST', url: USERS, payload: [], key: t.keys.reader }), { status: 403, code: 'PermissionDenied', reason: 'PERMISSION_DENIED' });
  });
});

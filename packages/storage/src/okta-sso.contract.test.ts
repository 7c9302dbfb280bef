import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { IssueCollector, PAYLOAD_TEMPLATES, readNodeSearch, readOktaUsers, readSystemLog, type SystemLogRead } from '@accessgraph/core';
import type { KyselyStore } from './kysely-store.js';
import { testBackends, type TestDatabase } from './test-support/test-backends.js';

const T0 = '2026-11-30T00:00:00.000Z';
const LEDGER = '0oa1ledgerAPP0000x7';
const JANE_AT = '2026-11-03T09:30:00.000Z';
const BOB_AT = '2026-11-02T10:15:00.000Z';
const CAROL_AT = '2026-10-30T07:00:00.000Z';

const fixture = (name: string) => JSON.parse(readFileSync(new URL(`../../../test/fixtures/${name}`, import.meta.url), 'utf8')) as unknown[];

function systemLog(events: unknown[] = fixture('okta-system-log.json')): SystemLogRead {
  const read = readSystemLog(events);
  if (!read.ok) throw new Error(read.issues[0]!.message);
  return read.value;
}

/** The Ledger application: each local user's identities exercise one rule of the matching. */
function ledgerPayload(oktaAppId: string | null = LEDGER) {
  return {
    applications: [
      {
        name: 'Ledger',
        application_type: 'ledger',
        ...(oktaAppId ? { okta_app_id: oktaAppId } : {}),
        local_users: [
          { name: 'jane', id: 'u-jane', identities: ['JANE.DOE@EXAMPLE.COM'] },
          { name: 'bob', id: 'u-bob', identities: ['robert.smith@example.com'] },
          { name: 'shared', id: 'u-shared', identities: ['carol@example.com', 'jane.doe@example.com'] },
          { name: 'dave', id: 'u-dave', identities: ['dave@example.com'] },
          { name: 'erin', id: 'u-erin', identities: ['erin@example.com'] },
          { name: 'svc', id: 'u-svc' },
        ],
        local_groups: [],
        local_roles: [],
        resources: [],
      },
    ],
    permissions: [],
    identity_to_permissions: [],
  };
}

/** Okta SSO last-login enrichment (migration 0010) on both engines. */
for (const backend of testBackends()) {
  const title = backend.skipReason ? `Okta SSO enrichment on ${backend.name} (skipped: ${backend.skipReason})` : `Okta SSO enrichment on ${backend.name}`;
  describe.skipIf(backend.skipReason !== undefined)(title, () => {
    let db: TestDatabase;
    let store: KyselyStore;
    let providerId: string;
    let dataSourceId: string;

    beforeEach(async () => {
      db = await backend.create();
      store = db.store;
      providerId = (await store.createProvider({ id: randomUUID(), name: 'Ledger', customTemplate: 'application', provisioning: false, options: {}, state: 'ENABLED', now: T0 })).id;
      dataSourceId = (await store.createDataSource({ id: randomUUID(), providerId, name: 'prod', now: T0 })).id;
    });
    afterEach(async () => {
      await db.dispose();
    });

    async function push(payload: unknown = ledgerPayload()): Promise<void> {
      const graph = PAYLOAD_TEMPLATES.application.read(payload, new IssueCollector())();
      await store.commitPush({
        providerId,
        dataSourceId,
        template: 'application',
        graph,
        state: new Uint8Array([1]),
        record: { id: randomUUID(), data_source_id: dataSourceId, started_at: T0, duration_ms: 1, key_id: null, size_bytes: 1, compression: 'none', incremental: false, outcome: 'SUCCESS', counts: {}, warnings: [], errors: [] },
        now: T0,
      });
    }

    const importLog = (read: SystemLogRead = systemLog()) => store.importOktaActivity({ logins: read.logins, users: read.users, profiles: [], now: T0 });
    const setProperty = (value: string) => store.putIntegrationSetting({ name: 'okta_sso_user_matching_property', value, now: T0 });

    /** sso_last_login_at of every local user of the data source, by user id ('-' when unset). */
    async function lastLogins(): Promise<Record<string, string>> {
      const search = readNodeSearch({ type: 'local_user', data_source_id: dataSourceId });
      if (!search.ok) throw new Error('bad search');
      const page = await store.searchNodes({ search: search.value, pageSize: 100 });
      const result: Record<string, string> = {};
      for (const node of page.items) {
        const detail = await store.getNode(node.id);
        result[node.key] = (detail?.properties.sso_last_login_at as string | undefined) ?? '-';
      }
      return result;
    }

    const EXPECTED_BY_LOGIN = { 'u-jane': JANE_AT, 'u-bob': '-', 'u-shared': CAROL_AT, 'u-dave': '-', 'u-erin': '-', 'u-svc': '-' };

    it('enriches a push from activity imported before it: case-insensitive, first matching identity, no match unset', async () => {
      await setProperty('login');
      await importLog();
      await push();
      expect(await lastLogins()).toEqual(EXPECTED_BY_LOGIN);
      // Materialised: node search filters on it like any property.
      const search = readNodeSearch({ type: 'local_user', data_source_id: dataSourceId, filter: 'sso_last_login_at gt "2026-11-01T00:00:00Z"' });
      if (!search.ok) throw new Error('bad search');
      expect((await store.searchNodes({ search: search.value, pageSize: 100 })).items.map((n) => n.key)).toEqual(['u-jane']);
    });

    it('enriches the stored graph when activity is imported after the push, and only moves forward', async () => {
      await setProperty('login');
      await push();
      expect(Object.values(await lastLogins()).every((v) => v === '-')).toBe(true);
      const imported = await importLog();
      expect(imported.logins_recorded).toBe(4);
      expect(imported.enrichment).toEqual({ considered: 6, enriched: 2, changed: 2 });
      expect(await lastLogins()).toEqual(EXPECTED_BY_LOGIN);

      // An older export imported later changes nothing; a later sign-in moves the time on.
      const older = systemLog([{ eventType: 'user.authentication.sso', published: '2026-01-01T00:00:00Z', actor: { id: '00u1janeDOE0000000x7', alternateId: 'jane.doe@example.com' }, outcome: { result: 'SUCCESS' }, target: [{ id: LEDGER, type: 'AppInstance' }] }]);
      expect((await importLog(older)).logins_recorded).toBe(0);
      expect((await lastLogins())['u-jane']).toBe(JANE_AT);
      // Without alternateId: the login known from before still matches.
      const later = systemLog([{ eventType: 'user.authentication.sso', published: '2026-11-29T12:00:00Z', actor: { id: '00u1janeDOE0000000x7' }, outcome: { result: 'SUCCESS' }, target: [{ id: LEDGER, type: 'AppInstance' }] }]);
      expect((await importLog(later)).enrichment.changed).toBe(1);
      expect(await lastLogins()).toMatchObject({ 'u-jane': '2026-11-29T12:00:00.000Z', 'u-shared': CAROL_AT });
    });

    it('recomputes when the matching property changes: email needs the users export, custom attributes too', async () => {
      await importLog();
      await push();
      // No matching property yet: nothing is enriched.
      expect(Object.values(await lastLogins()).every((v) => v === '-')).toBe(true);
      await setProperty('login');
      expect(await lastLogins()).toEqual(EXPECTED_BY_LOGIN);

      // The System Log alone has no emails: every value goes.
      const byEmail = await setProperty('email');
      expect(byEmail.enrichment).toEqual({ considered: 6, enriched: 0, changed: 2 });
      expect(Object.values(await lastLogins()).every((v) => v === '-')).toBe(true);

      const users = readOktaUsers(fixture('okta-users.json'));
      if (!users.ok) throw new Error('bad users');
      const imported = await store.importOktaActivity({ logins: [], users: [], profiles: users.value, now: T0 });
      expect(imported.users_recorded).toBe(3);
      // Bob matches by email now; carol's email differs from her login, so "shared" falls through to jane.
      expect(await lastLogins()).toEqual({ 'u-jane': JANE_AT, 'u-bob': BOB_AT, 'u-shared': JANE_AT, 'u-dave': '-', 'u-erin': '-', 'u-svc': '-' });

      expect((await store.listIntegrationSettings()).map((s) => [s.name, s.value])).toEqual([['okta_sso_user_matching_property', 'email']]);
    });

    it('a re-push keeps the enrichment; without okta_app_id there is none, and an import leaves the graph alone', async () => {
      await setProperty('login');
      await importLog();
      await push();
      await push();
      expect(await lastLogins()).toEqual(EXPECTED_BY_LOGIN);
      await push(ledgerPayload(null));
      expect(Object.values(await lastLogins()).every((v) => v === '-')).toBe(true);
      expect((await importLog()).enrichment).toEqual({ considered: 0, enriched: 0, changed: 0 });
      expect(Number((await db.query<{ n: number }>('select count(*) as n from okta_sso_accounts'))[0]!.n)).toBe(0);
    });

    it('forgets a deleted data source, so later imports do not touch its graph', async () => {
      await setProperty('login');
      await push();
      expect(await store.deleteDataSource(providerId, dataSourceId)).toBe(true);
      expect(Number((await db.query<{ n: number }>('select count(*) as n from okta_sso_accounts'))[0]!.n)).toBe(0);
      expect((await importLog()).enrichment).toEqual({ considered: 0, enriched: 0, changed: 0 });
    });

    it('ends enriched whichever of a push and an import running at once commits first', async () => {
      await setProperty('login');
      await push();
      await Promise.all([push(), importLog(), push()]);
      expect(await lastLogins()).toEqual(EXPECTED_BY_LOGIN);
    });

    it('never fails a push: without readable activity the graph is stored unenriched', async () => {
      await setProperty('login');
      await importLog();
      await db.query('drop table okta_sso_logins');
      await push();
      expect(Object.values(await lastLogins()).every((v) => v === '-')).toBe(true);
    });
  });
}

import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CustomTemplate, IdentityLinkRow } from '@accessgraph/contract';
import { IssueCollector, PAYLOAD_TEMPLATES, type DerivedGraph } from '@accessgraph/core';
import { validHrisPayload } from '../../core/src/hris/test-support/hris-payloads.js';
import { validIdpPayload } from '../../core/src/idp/test-support/idp-payloads.js';
import { shopPayload } from '../../core/src/linking/test-support/shop-payload.js';
import type { KyselyStore } from './kysely-store.js';
import { REWRITE_ABOVE } from './link-changes.js';
import { testBackends, type TestDatabase } from './test-support/test-backends.js';

const T0 = '2026-01-01T00:00:00.000Z';

function derive(template: CustomTemplate, payload: unknown): DerivedGraph {
  const issues = new IssueCollector();
  const graph = PAYLOAD_TEMPLATES[template].read(payload, issues)();
  expect(issues.errors).toEqual([]);
  return graph;
}

const brief = (l: IdentityLinkRow) => `${l.rule}: ${l.from.key} -> ${l.to?.key}`;
const APP_LINKS = ['identities: ann-local -> u1', 'identities: clerks -> admins', 'idp_binding: staff -> staff', 'mapping: bob-local -> u2'].sort();

for (const backend of testBackends()) {
  const title = backend.skipReason ? `Identity links on ${backend.name} (skipped: ${backend.skipReason})` : `Identity links on ${backend.name}`;
  describe.skipIf(backend.skipReason !== undefined)(title, () => {
    let db: TestDatabase;
    let store: KyselyStore;

    beforeEach(async () => {
      db = await backend.create();
      store = db.store;
    });
    afterEach(async () => {
      await db.dispose();
    });

    async function dataSource(template: CustomTemplate) {
      const provider = await store.createProvider({ id: randomUUID(), name: `${template} ${randomUUID()}`, customTemplate: template, provisioning: false, options: {}, state: 'ENABLED', now: T0 });
      const ds = await store.createDataSource({ id: randomUUID(), providerId: provider.id, name: 'prod', now: T0 });
      return { providerId: provider.id, dataSourceId: ds.id, template };
    }
    type Target = Awaited<ReturnType<typeof dataSource>>;
    function commit(target: Target, payload: unknown) {
      return store.commitPush({
        ...target,
        graph: derive(target.template, payload),
        state: new Uint8Array([1]),
        record: { id: randomUUID(), data_source_id: target.dataSourceId, started_at: T0, duration_ms: 1, key_id: null, size_bytes: 1, compression: 'none', incremental: false, outcome: 'SUCCESS', counts: {}, warnings: [], errors: [] },
        now: T0,
      });
    }
    async function links(target: Target, unlinked = false): Promise<IdentityLinkRow[]> {
      const page = await store.listIdentityLinks(target.dataSourceId, { pageSize: 1000, unlinked });
      expect(page.nextAfter).toBeUndefined();
      return page.items;
    }

    /** Every link of a data source, paging through them. */
    async function allLinks(dataSourceId: string): Promise<IdentityLinkRow[]> {
      const all: IdentityLinkRow[] = [];
      let after: Awaited<ReturnType<typeof store.listIdentityLinks>>['nextAfter'];
      do {
        const page = await store.listIdentityLinks(dataSourceId, { pageSize: 1000, ...(after ? { after } : {}) });
        all.push(...page.items);
        after = page.nextAfter;
      } while (after);
      return all;
    }

    it('resolves both ways, reports what links to nothing, and forgets a deleted side', async () => {
      const app = await dataSource('application');
      const idp = await dataSource('identity_provider');
      const hris = await dataSource('hris');
      const first = await commit(app, shopPayload());
      // No identity provider yet: ANN@corp.example, zed@nowhere.example, admins, staff, ghost@corp.example.
      expect(first.linkWarnings.map((w) => w.code)).toEqual(Array<string>(5).fill('unmatched_identity'));
      await commit(hris, validHrisPayload());
      const idpCommit = await commit(idp, validIdpPayload());
      // Its own unlinked strings: ann's okta source identity, the two owned buckets.
      expect(idpCommit.linkWarnings.map((w) => w.code).sort()).toEqual(['unmatched_owned_entity', 'unmatched_owned_entity', 'unmatched_source_identity']);
      expect((await links(app)).map(brief).sort()).toEqual(APP_LINKS);
      expect((await links(hris)).map(brief).sort()).toEqual(['hris: e1 -> u1', 'hris: e2 -> u2', 'manager: e1 -> e2']);
      expect((await links(app, true)).map((l) => l.via)).toEqual(['zed@nowhere.example', 'ghost@corp.example']);

      expect(await store.deleteDataSource(idp.providerId, idp.dataSourceId)).toBe(true);
      expect(await links(app)).toEqual([]);
      expect((await links(hris)).map(brief)).toEqual(['manager: e1 -> e2']);
    });

    it('a re-push that resolves to the same links writes none; a small change writes only what changed', async () => {
      const app = await dataSource('application');
      const idp = await dataSource('identity_provider');
      await commit(app, shopPayload());
      const first = await commit(idp, validIdpPayload());
      // The application's 4 links and the IdP's manager link.
      expect(first.linkChanges).toEqual({ links: 5, deleted: 0, inserted: 5 });
      expect((await commit(idp, validIdpPayload())).linkChanges).toEqual({ links: 5, deleted: 0, inserted: 0 });
      const changed = validIdpPayload();
      changed.users![0]!.email = 'ann.archer@corp.example';
      // ann-local no longer links; the rest stays.
      expect((await commit(idp, changed)).linkChanges).toEqual({ links: 4, deleted: 1, inserted: 0 });
      expect((await links(app)).map(brief).sort()).toEqual(APP_LINKS.filter((l) => !l.includes('ann-local')));
    });

    it('an identity provider re-pushed with the same identities keeps the links to it, and re-resolves its own', async () => {
      const app = await dataSource('application');
      const hris = await dataSource('hris');
      const idp = await dataSource('identity_provider');
      const partner = await dataSource('identity_provider');
      await commit(app, shopPayload());
      await commit(hris, validHrisPayload());
      const federated = validIdpPayload();
      federated.idp_type = 'okta';
      federated.users = [{ name: 'ann-okta', identity: 'ann@okta.example' }];
      federated.groups = [];
      federated.apps = [];
      delete federated.identity_mapping_configuration;
      await commit(partner, federated);
      await commit(idp, validIdpPayload());
      const before = (await links(idp)).map(brief).sort();
      expect(before).toContain('source_identity: u1 -> ann@okta.example');
      // Attributes change, identities do not; ann's source identity goes.
      const again = validIdpPayload();
      again.users![1]!.department = 'Finance';
      delete again.users![0]!.source_identity;
      const changes = (await commit(idp, again)).linkChanges;
      expect(changes).toMatchObject({ deleted: 1, inserted: 0 });
      expect((await links(idp)).map(brief).sort()).toEqual(before.filter((l) => !l.startsWith('source_identity')));
      expect(changes.links).toBe(before.length - 1);
      expect((await links(hris)).map(brief).sort()).toEqual(['hris: e1 -> u1', 'hris: e2 -> u2', 'manager: e1 -> e2']);
    });

    it('an identity provider re-pushed in another order, or without a user, keeps its node ids: only the links of what changed are written', async () => {
      const n = REWRITE_ABOVE + 500;
      const users = Array.from({ length: n }, (_, i) => ({ name: `user${i}`, identity: `u${i}`, email: `user${i}@corp.example` }));
      const idpPayload = (list: typeof users) => ({ name: 'Big', idp_type: 'big', domains: [{ name: 'corp.example' }], users: list });
      const app = await dataSource('application');
      const idp = await dataSource('identity_provider');
      await commit(app, {
        applications: [{ name: 'Wide', application_type: 'wide', local_users: Array.from({ length: n }, (_, i) => ({ name: `a${i}`, identities: [`user${i}@corp.example`] })) }],
      });
      expect((await commit(idp, idpPayload(users))).linkChanges).toEqual({ links: n, deleted: 0, inserted: n });
      // Reversed: every user keeps its node id, so no link changes.
      expect((await commit(idp, idpPayload([...users].reverse()))).linkChanges).toEqual({ links: n, deleted: 0, inserted: 0 });
      // Without user0: its account's link goes; the node with the highest id takes user0's id, so its account's link is rewritten.
      expect((await commit(idp, idpPayload(users.slice(1)))).linkChanges).toEqual({ links: n - 1, deleted: 2, inserted: 1 });
      const all = await allLinks(app.dataSourceId);
      expect(all).toHaveLength(n - 1);
      expect(all.every((l) => l.to!.key === `u${l.from.key.slice(1)}`)).toBe(true);
      expect(all.some((l) => l.from.key === 'a0')).toBe(false);
    });

    it('an identity provider re-pushed with some strings changed links exactly as the same payload pushed from scratch', async () => {
      // No mapping rule: those re-link everything on any change; this is the path that re-resolves only changed strings.
      const plain = () => ({ ...validIdpPayload(), identity_mapping_configuration: undefined });
      const changed = () => {
        const payload = plain();
        const [ann, bob, cy] = payload.users!;
        // ann and bob swap emails; ann is now u9 (u1 is gone: HRIS e1 falls back to its email, now bob's); cy gets another email.
        [ann!.email, bob!.email] = [bob!.email, ann!.email];
        ann!.identity = 'u9';
        cy!.email = 'cy2@corp.example';
        // Strings SQL cannot lower-case as JavaScript does, and one with a quote: found among the changed ones all the same.
        payload.users!.push({ name: 'asa', identity: 'u7', email: 'åsa@corp.example' }, { name: 'ob', identity: 'u8', email: "o'brien@corp.example" });
        return payload;
      };
      const bobType = derive('identity_provider', plain()).nodes.find((n) => n.localKey === 'u2')!.nodeType;
      const app = await dataSource('application');
      const other = await dataSource('application');
      const hris = await dataSource('hris');
      const fed = await dataSource('identity_provider');
      const idp = await dataSource('identity_provider');
      await commit(app, shopPayload());
      await commit(other, { applications: [{ name: 'Other', application_type: 'other', local_users: [{ name: 'a1', identities: ['ÅSA@Corp.example'] }, { name: 'a2', identities: ["O'Brien@corp.example"] }] }] });
      await commit(hris, validHrisPayload());
      await commit(fed, {
        name: 'Fed',
        idp_type: 'fed',
        domains: [{ name: 'fed.example' }],
        users: ['ann@corp.example', 'bob@corp.example', 'cy@corp.example', 'cy2@corp.example'].map((email, i) => ({
          name: `f${i}`,
          identity: `f${i}`,
          source_identity: { identity: email, provider_type: 'any' },
          // f0 owns bob (u2) of the other identity provider, whose re-pushes must keep that link.
          ...(i === 0 ? { entities_owned: { node_type: bobType, id: 'u2' } } : {}),
        })),
      });
      await commit(idp, plain());
      const linksOf = async () => Object.fromEntries(await Promise.all([app, other, hris, fed].map(async (t) => [t.template + t.dataSourceId, (await allLinks(t.dataSourceId)).map(brief).sort()] as const)));
      const before = await linksOf();
      // The same payload again changes no link, and keeps the owner link to bob.
      expect((await commit(idp, plain())).linkChanges).toMatchObject({ deleted: 0, inserted: 0 });
      expect(await linksOf()).toEqual(before);
      expect(before[`identity_provider${fed.dataSourceId}`]).toContain('owner: f0 -> u2');
      const repushed = await commit(idp, changed());
      expect(repushed.linkChanges.deleted + repushed.linkChanges.inserted).toBeGreaterThan(0);
      const after = await linksOf();
      expect(after).not.toEqual(before);
      expect(await store.deleteDataSource(idp.providerId, idp.dataSourceId)).toBe(true);
      const fresh = await dataSource('identity_provider');
      await commit(fresh, changed());
      expect(await linksOf()).toEqual(after);
      expect(after[`hris${hris.dataSourceId}`]).toContain('hris: e1 -> u2');
      expect(after[`application${other.dataSourceId}`]).toEqual(['identities: a1 -> u7', 'identities: a2 -> u8']);
    });

    it('an account linked to a user by two of its identities keeps one link while either still matches', async () => {
      const app = await dataSource('application');
      const idp = await dataSource('identity_provider');
      await commit(app, { applications: [{ name: 'Shop', application_type: 'shop', local_users: [{ name: 'dee-local', identities: ['dee@corp.example', 'bob'] }] }] });
      const user = (name: string, email: string) => ({ name: 'Corp', idp_type: 'corp', domains: [{ name: 'corp.example' }], users: [{ identity: 'u13', name, email }] });
      const linked = async () => (await allLinks(app.dataSourceId)).map((l) => `${brief(l)} via ${l.via}`);
      await commit(idp, user('x', 'dee@corp.example'));
      expect(await linked()).toEqual(['identities: dee-local -> u13 via dee@corp.example']);
      // Now the name matches too: the same link, not a second row (a re-push used to insert it again and fail).
      await commit(idp, user('bob', 'dee@corp.example'));
      expect(await linked()).toEqual(['identities: dee-local -> u13 via dee@corp.example']);
      // The email no longer matches, the name still does: the link holds, by the name.
      await commit(idp, user('bob', 'dee@other.example'));
      expect(await linked()).toEqual(['identities: dee-local -> u13 via bob']);
      await commit(idp, user('y', 'dee@other.example'));
      expect(await linked()).toEqual([]);
    });

    it('a re-push that changes most links rewrites them all, and gets them right', async () => {
      const n = REWRITE_ABOVE + 500;
      // Shifted by `by`: user i has the email of account i + by.
      const idpPayload = (by: number) => ({
        name: 'Big',
        idp_type: 'big',
        domains: [{ name: 'corp.example' }],
        users: Array.from({ length: n }, (_, i) => ({ name: `user${i}`, identity: `u${i}`, email: `user${(i + by) % n}@corp.example` })),
      });
      const app = await dataSource('application');
      const idp = await dataSource('identity_provider');
      await commit(app, {
        applications: [{ name: 'Wide', application_type: 'wide', local_users: Array.from({ length: n }, (_, i) => ({ name: `a${i}`, identities: [`user${i}@corp.example`] })) }],
      });
      expect((await commit(idp, idpPayload(0))).linkChanges).toEqual({ links: n, deleted: 0, inserted: n });
      // Every email moved to another user: every link changes.
      expect((await commit(idp, idpPayload(1))).linkChanges).toEqual({ links: n, deleted: n, inserted: n });
      const all = await allLinks(app.dataSourceId);
      expect(all).toHaveLength(n);
      expect(all.every((l) => l.to!.key === `u${(Number(l.from.key.slice(1)) + n - 1) % n}`)).toBe(true);
    });

    it('pages through links in a stable order, each once', async () => {
      const app = await dataSource('application');
      const idp = await dataSource('identity_provider');
      await commit(app, shopPayload());
      await commit(idp, validIdpPayload());
      const seen: string[] = [];
      let after: Awaited<ReturnType<typeof store.listIdentityLinks>>['nextAfter'];
      do {
        const page = await store.listIdentityLinks(idp.dataSourceId, { pageSize: 2, ...(after ? { after } : {}) });
        expect(page.items.length).toBeLessThanOrEqual(2);
        seen.push(...page.items.map(brief));
        after = page.nextAfter;
      } while (after);
      expect(seen.sort()).toEqual([...APP_LINKS, 'manager: u1 -> u2'].sort());
    });

    it("answers an IdP user's access to an application through every linked principal, a page at a time", async () => {
      const app = await dataSource('application');
      const idp = await dataSource('identity_provider');
      await commit(app, shopPayload());
      await commit(idp, validIdpPayload());
      const rows = [];
      let after: Awaited<ReturnType<typeof store.listEffectivePermissions>>['nextAfter'];
      do {
        const page = await store.listEffectivePermissions(app.dataSourceId, { principal: 'U2', pageSize: 1, ...(after ? { after } : {}) });
        rows.push(...page.items);
        after = page.nextAfter;
      } while (after);
      expect(rows.map((r) => [r.principal.type, r.principal.key, r.target.key, r.permissions])).toEqual([['idp_user', 'u2', 'Shop', ['edit', 'view']]]);
      expect(rows[0]!.paths.map((p) => `${p.permission} ${p.linked?.key}`)).toEqual(['edit clerks', 'view bob-local', 'view staff']);
    });

    it('two data sources that link to each other, pushed at once, end up linked as if pushed one after the other', async () => {
      const app = await dataSource('application');
      const idp = await dataSource('identity_provider');
      for (let round = 0; round < 3; round++) {
        await Promise.all([commit(app, shopPayload()), commit(idp, validIdpPayload())]);
        expect((await links(app)).map(brief).sort()).toEqual(APP_LINKS);
      }
    });
  });
}

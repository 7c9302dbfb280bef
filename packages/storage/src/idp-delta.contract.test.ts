import { beforeEach, describe, expect, it } from 'vitest';
import type { CustomTemplate } from '@accessgraph/contract';
import { IssueCollector, PAYLOAD_TEMPLATES, applyIncremental } from '@accessgraph/core';
import { validPayload } from '../../core/src/application/test-support/payloads.js';
import { validHrisPayload } from '../../core/src/hris/test-support/hris-payloads.js';
import { validIdpPayload } from '../../core/src/idp/test-support/idp-payloads.js';
import { commitByDifference, lastCounts } from './test-support/leaf-delta-oracle.js';
import { usePeopleOracle } from './test-support/people-oracle.js';
import { commitPayload, pushPayloadCommitted, type PushTarget } from './test-support/push-payload.js';
import { testBackends, type TestDatabase } from './test-support/test-backends.js';

type Json = Record<string, unknown>;

/**
 * Changes of an identity provider's users made by difference (`readIdpSlice`, `applyToIdpSlice`,
 * `commitLeafDelta`) against the oracle: two databases with the same data sources pushed in the
 * same order — the identity provider, an application whose accounts link to its users, an HRIS
 * whose employees do, and a second identity provider federated with it. In one the changes are
 * made by difference; in the other the identity provider's state with the same changes applied
 * is pushed whole. After each change every table of the identity provider's graph and the
 * identity links both ways must be the same, node ids aside (the other data sources' ids are the
 * same in both databases).
 */
for (const backend of testBackends()) {
  const title = backend.skipReason ? `Changes of IdP users and groups by difference on ${backend.name} (skipped: ${backend.skipReason})` : `Changes of IdP users and groups by difference on ${backend.name}`;
  describe.skipIf(backend.skipReason !== undefined)(title, () => {
    /** The identity provider first (same sequence number in every database), then the data sources that link to it. */
    const pushAll = async (db: TestDatabase, idp: Json): Promise<PushTarget> => {
      const pushed = await pushPayloadCommitted(db.store, 'identity_provider', structuredClone(idp));
      for (const [template, payload] of [['application', shopWithAccounts()], ['hris', peopleOfAnyIdp()], ['identity_provider', federatedIdp()]] as const) {
        await pushPayloadCommitted(db.store, template as CustomTemplate, payload);
      }
      return { providerId: pushed.providerId, dataSourceId: pushed.dataSourceId };
    };
    const oracles = usePeopleOracle(backend, pushAll);
    let mine: TestDatabase;
    let oracle: TestDatabase;
    let target: PushTarget;
    let oracleTarget: PushTarget;

    beforeEach(async () => {
      ({ mine, oracle } = oracles);
      target = await pushAll(mine, corpIdp());
      oracleTarget = await pushAll(oracle, corpIdp());
    });

    async function byDifference(change: Json): Promise<string[]> {
      const outcome = await commitByDifference(mine.store, target, change, 'identity_provider');
      if ('whole' in outcome) throw new Error(`not made by difference: ${outcome.whole}`);
      return outcome.warnings;
    }

    const dump = oracles.dump;

    /** Each change made by difference, and applied to `state` pushed whole into the oracle: every table and the counts must be the same. */
    async function checkEach(state: Json, changes: readonly Json[]): Promise<void> {
      for (const change of changes) {
        const issues = new IssueCollector();
        const { tagRemovals } = applyIncremental('identity_provider', state, structuredClone(change), issues);
        expect(issues.errors).toEqual([]);
        await byDifference(change);
        // Tags are additive across pushes: the whole push takes away only those the change removes.
        await commitPayload(oracle.store, oracleTarget, 'identity_provider', structuredClone(state), tagRemovals);
        expect(await dump(mine, target)).toEqual(await dump(oracle, oracleTarget));
        expect(await lastCounts(mine, target.dataSourceId)).toEqual(PAYLOAD_TEMPLATES.identity_provider.read(structuredClone(state), new IssueCollector())().counts);
      }
    }

    it('leaves the graph and the links both ways a whole push of the same state leaves, change after change', async () => {
      const state = corpIdp();
      const changes = [addAndModify(), retagAndManage(), deleteAndTakeOver()];
      const warnings: string[][] = [];
      for (const change of changes) {
        const issues = new IssueCollector();
        const { tagRemovals } = applyIncremental('identity_provider', state, structuredClone(change), issues);
        expect(issues.errors).toEqual([]);
        warnings.push(await byDifference(change));
        // Tags are additive across pushes: the whole push takes away only those the change removes.
        await commitPayload(oracle.store, oracleTarget, 'identity_provider', structuredClone(state), tagRemovals);
        expect(await dump(mine, target)).toEqual(await dump(oracle, oracleTarget));
        expect(await lastCounts(mine, target.dataSourceId)).toEqual(PAYLOAD_TEMPLATES.identity_provider.read(structuredClone(state), new IssueCollector())().counts);
      }
      // dee's manager names no user, and the bucket it owns is no node of any data source: the warnings a full push gives.
      expect(warnings[2]).toEqual([expect.stringContaining('manager "nobody" of user "dee"'), expect.stringContaining('S3Bucket "arn:aws:s3:::logs" of IdP user "dee"')]);
      const lines = await dump(mine, target);
      // By hand: the HRIS employee e3 asks idp_id "dee", else email cy@corp.example; dee was added in
      // the first change, so e3 links to dee by idp_id, not to cy by email; the application's
      // account dee-local asks dee@corp.example and ann@new.example (ann's new email); the
      // federated IdP's user asks for "dee" by source identity.
      expect(lines.linksTo!.filter((l) => l.includes('user:dee'))).toEqual([
        expect.stringMatching(/^\d+:\d+ -> user:dee identities dee@corp.example \{"matched":"email"\}$/),
        expect.stringMatching(/^\d+:\d+ -> user:dee hris dee \{"field":"idp_id","matched":"identity"\}$/),
        expect.stringMatching(/^\d+:\d+ -> user:dee source_identity dee /),
      ]);
      expect(lines.linksTo!.filter((l) => l.includes('user:cy'))).toEqual([]);
      expect(lines.linksTo!.filter((l) => l.includes('user:u1'))).toEqual([expect.stringMatching(/^\d+:\d+ -> user:u1 identities ann@new.example /), expect.stringMatching(/^\d+:\d+ -> user:u1 hris u1 /)]);
      // The AWS role only ann assumed and the buckets only ann and cy owned are gone; dee took over cy's logs bucket.
      expect(lines.nodes!.filter((n) => n.startsWith('ext:')).map((n) => n.split(' | ')[0])).toEqual(['ext:awsiamrole:arn:aws:iam::1:role/role1', 'ext:awsiamrole:arn:aws:iam::1:role/role2', 'ext:awsiamrole:arn:aws:iam::1:role/role3', 'ext:s3bucket:arn:aws:s3:::logs']);
      expect(lines.edges!.filter((e) => e.startsWith('owns '))).toEqual(['owns user:dee -> ext:s3bucket:arn:aws:s3:::logs null']);
    });

    it('adds, moves and deletes groups by difference: their edges, and their members\' edges to a deleted one', async () => {
      const state = corpIdp();
      const changes: Json[] = [
        { incremental_change: true, groups: [{ operation: 'add', identity: 'eng', name: 'Engineering', groups: ['staff'], tags: [{ key: 'floor', value: '3' }] }, { operation: 'modify', identity: 'ops', name: 'operations', groups: ['staff'] }] },
        { incremental_change: true, groups: [{ operation: 'delete', identity: 'admins' }, { operation: 'add_tag', identity: 'ops', tags: [{ key: 'oncall' }] }] },
      ];
      await checkEach(state, changes);
      // By hand: eng and ops in staff; admins gone, and bob's membership of it with it.
      const memberships = (await dump(mine, target)).edges!.filter((e) => e.startsWith('member_of ') && e.includes('-> group:'));
      expect(memberships.filter((e) => e.startsWith('member_of group:'))).toEqual(['member_of group:eng -> group:staff null', 'member_of group:ops -> group:staff null']);
      expect(memberships.filter((e) => e.includes('admins'))).toEqual([]);
    });

    it('adds, changes and deletes apps and re-tags and modifies the domain by difference: their nodes, tags and edges', async () => {
      const state = corpIdp();
      const role = (n: number) => ({ identity: `arn:aws:iam::1:role/role${n}` });
      const changes: Json[] = [
        // a9 may assume role9, which no one else assumes; app1 described.
        { incremental_change: true, apps: [{ operation: 'add', id: 'a9', name: 'App Nine', assumed_role_arns: [role(9)], tags: [{ key: 'new' }] }, { operation: 'modify', id: 'app1', name: 'App One', description: 'the first' }] },
        { incremental_change: true, domains: [{ operation: 'add_tag', name: 'corp.example', tags: [{ key: 'owner', value: 'it' }] }], apps: [{ operation: 'add_tag', id: 'APP1', tags: [{ key: 'tier' }] }] },
        // app1 goes with ann's assignment of it; a9 no longer assumes role9, which goes with it.
        { incremental_change: true, apps: [{ operation: 'delete', id: 'app1' }, { operation: 'modify', id: 'a9', name: 'App Nine', assumed_role_arns: [] }] },
        { incremental_change: true, domains: [{ operation: 'delete_tag', name: 'corp.example', tags: [{ key: 'env', value: 'prod' }] }] },
        { incremental_change: true, domains: [{ operation: 'modify', name: 'corp.example', custom_properties: { region: 'us' } }] },
      ];
      await checkEach(state, changes);
      // By hand: app1 and ann's assignment of it gone (app2 had none); a9 assumes nothing, and role9 is gone; the domain's tag and region as changed.
      const lines = await dump(mine, target);
      expect(lines.edges!.filter((e) => e.startsWith('assigned_app '))).toEqual([]);
      expect(lines.nodes!.filter((n) => n.startsWith('app:')).map((n) => n.split(' | ')[0])).toEqual(['app:a9', 'app:app2']);
      expect(lines.nodes!.filter((n) => n.includes('role9'))).toEqual([]);
      expect(lines.tags!.filter((t) => t.startsWith('domain:'))).toEqual(['domain:corp.example owner=it']);
      expect(lines.nodes!.find((n) => n.startsWith('domain:'))).toContain('"customprop_region":"us"');
    });

    it('goes the whole-state way, saying why, for what it cannot take by difference', async () => {
      const whole = async (change: Json) => {
        const outcome = await commitByDifference(mine.store, target, change, 'identity_provider');
        return 'whole' in outcome ? outcome.whole : 'made by difference';
      };
      // bob manages ann: a full push warns about ann's manager_id, at its path in the state.
      expect(await whole({ incremental_change: true, users: [{ operation: 'delete', identity: 'u2', name: 'bob' }] })).toBe('a deleted user manages other users');
      expect(await whole({ incremental_change: true, domains: [{ operation: 'add', name: 'second.example' }] })).toBe('not a leaf change');
      // ops is in admins, in staff: staff under ops would be a cycle, which the whole state reports.
      expect(await whole({ incremental_change: true, groups: [{ operation: 'modify', identity: 'staff', name: 'staff', groups: ['ops'] }] })).toBe('a moved group would be a member of a group below a moved one');
      expect(await whole({ incremental_change: true, idp_type: 'other', users: [{ operation: 'add', identity: 'x', name: 'x' }] })).toBe("the change replaces the identity provider's idp_type");
      // cy names "dee" as manager in this state: adding dee would make dee its manager.
      await commitPayload(mine.store, target, 'identity_provider', { ...corpIdp(), users: [...corpIdp().users!, { name: 'cy2', manager_id: 'dee' }] });
      expect(await whole({ incremental_change: true, users: [{ operation: 'add', identity: 'dee', name: 'dee' }] })).toBe('an added user is the manager other users name');
      await commitPayload(mine.store, target, 'identity_provider', validIdpPayload());
      expect(await whole({ incremental_change: true, users: [{ operation: 'add', identity: 'x', name: 'x' }] })).toBe('the identity provider has mapping rules');
      // Same name as stored: made by difference.
      await commitPayload(mine.store, target, 'identity_provider', corpIdp());
      expect(await whole({ incremental_change: true, name: 'Corp IdP', users: [{ operation: 'add', identity: 'x', name: 'x' }] })).toBe('made by difference');
    });
  });
}

/** The fixture identity provider without mapping rules (which send every change the whole-state way). */
function corpIdp(): Json & ReturnType<typeof validIdpPayload> {
  const payload = validIdpPayload() as Json & ReturnType<typeof validIdpPayload>;
  delete payload.identity_mapping_configuration;
  return payload;
}

/** The shop, with an account that asks for dee (added by the changes) and for ann's new email. */
function shopWithAccounts(): Json {
  const payload = validPayload();
  payload.applications![0]!.local_users!.push({ name: 'dee-local', identities: ['dee@corp.example', 'ann@new.example'] });
  return payload as Json;
}

/** The HRIS serving every identity provider, with e3 asking idp_id "dee", else cy's email. */
function peopleOfAnyIdp(): Json {
  const payload = validHrisPayload();
  payload.system!.idp_providers = [];
  payload.employees![2] = { ...payload.employees![2]!, id: 'e3', email: 'cy@corp.example', idp_id: 'dee' };
  return payload as Json;
}

/** A second identity provider (Okta) whose users are federated from the corporate one's (provider type any). */
function federatedIdp(): Json {
  return {
    name: 'Okta',
    idp_type: 'okta',
    domains: [{ name: 'okta.example' }],
    users: [
      { name: 'ann-okta', identity: 'ann@okta.example', email: 'ann@okta.example', source_identity: { identity: 'cy@corp.example', provider_type: 'any' } },
      { name: 'dee-okta', identity: 'dee@okta.example', source_identity: { identity: 'dee', provider_type: 'any' } },
    ],
  };
}

/**
 * dee added (in ops, managed by bob, a new AWS role, an app assignment, custom properties, a tag);
 * ann modified: a new email, admins instead of staff, no AWS role (role1 stays: app1 and ops may
 * assume it), no owned bucket (reports goes: only ann owned it).
 */
function addAndModify(): Json {
  return {
    incremental_change: true,
    users: [
      {
        operation: 'add',
        identity: 'dee',
        name: 'dee',
        email: 'dee@corp.example',
        groups: ['ops'],
        manager_id: 'u2',
        assumed_role_arns: [{ identity: 'arn:aws:iam::1:role/role3' }],
        app_assignments: [{ id: 'as9', name: 'App Two access', app_id: 'app2', custom_properties: { approved: false } }],
        custom_properties: { badge: 3 },
        tags: [{ key: 'team', value: 'south' }],
      },
      { operation: 'modify', identity: 'u1', name: 'ann', email: 'ann@new.example', groups: [{ identity: 'admins' }], assumed_role_arns: [], entities_owned: [] },
    ],
  };
}

/** Tags added to bob and taken from ann; cy now managed by dee, with a new email. */
function retagAndManage(): Json {
  return {
    incremental_change: true,
    users: [
      { operation: 'add_tag', identity: 'u2', tags: [{ key: 'team', value: 'east' }] },
      { operation: 'delete_tag', identity: 'u1', tags: [{ key: 'team', value: 'north' }] },
      { operation: 'modify', name: 'cy', manager_id: 'dee', email: 'cy@new.example' },
    ],
  };
}

/** cy deleted (it manages no one), its logs bucket taken over by dee, whose manager now names no user. */
function deleteAndTakeOver(): Json {
  return {
    incremental_change: true,
    users: [
      { operation: 'delete', name: 'cy' },
      { operation: 'modify', identity: 'dee', manager_id: 'nobody', entities_owned: [{ node_type: 'S3Bucket', id: 'arn:aws:s3:::logs' }] },
    ],
  };
}

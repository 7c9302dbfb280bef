import { beforeEach, describe, expect, it } from 'vitest';
import { IssueCollector, PAYLOAD_TEMPLATES, applyIncremental } from '@accessgraph/core';
import { validHrisPayload } from '../../core/src/hris/test-support/hris-payloads.js';
import { commitByDifference, lastCounts } from './test-support/leaf-delta-oracle.js';
import { usePeopleOracle } from './test-support/people-oracle.js';
import { commitPayload, pushPayloadCommitted, type PushTarget } from './test-support/push-payload.js';
import { testBackends, type TestDatabase } from './test-support/test-backends.js';

type Json = Record<string, unknown>;

/**
 * Changes of an HRIS' employees made by difference (`readHrisSlice`, `applyToHrisSlice`,
 * `commitLeafDelta`) against the oracles of `idp-delta.contract.test.ts`: the same data sources
 * pushed in the same order into three databases — the HRIS, then an identity provider its
 * employees link to, and one that owns an employee. In one the changes are made by difference; in
 * another the HRIS' state with the same changes applied is pushed whole; in the third everything
 * is pushed afresh. After each change every table of the HRIS' graph and its links both ways must
 * be the same in all three, node ids aside.
 */
for (const backend of testBackends()) {
  const title = backend.skipReason ? `Changes of HRIS employees by difference on ${backend.name} (skipped: ${backend.skipReason})` : `Changes of HRIS employees by difference on ${backend.name}`;
  describe.skipIf(backend.skipReason !== undefined)(title, () => {
    const pushAll = async (db: TestDatabase, hris: Json): Promise<PushTarget> => {
      const pushed = await pushPayloadCommitted(db.store, 'hris', structuredClone(hris));
      await pushPayloadCommitted(db.store, 'identity_provider', corp());
      return pushed;
    };
    const oracles = usePeopleOracle(backend, pushAll);
    let mine: TestDatabase;
    let oracle: TestDatabase;
    let target: PushTarget;
    let oracleTarget: PushTarget;

    beforeEach(async () => {
      ({ mine, oracle } = oracles);
      target = await pushAll(mine, people());
      oracleTarget = await pushAll(oracle, people());
    });

    /** Each change made by difference, applied to `state` pushed whole into the oracle and afresh: every table, the links and the counts must be the same. Returns each change's warnings. */
    async function checkEach(state: Json, changes: readonly Json[]): Promise<string[][]> {
      const warnings: string[][] = [];
      for (const change of changes) {
        const issues = new IssueCollector();
        applyIncremental('hris', state, structuredClone(change), issues);
        expect(issues.errors).toEqual([]);
        const outcome = await commitByDifference(mine.store, target, change, 'hris');
        if ('whole' in outcome) throw new Error(`not made by difference: ${outcome.whole}`);
        warnings.push(outcome.warnings);
        await commitPayload(oracle.store, oracleTarget, 'hris', structuredClone(state));
        const made = await oracles.dump(mine, target);
        expect(made).toEqual(await oracles.dump(oracle, oracleTarget));
        expect(made).toEqual(await oracles.freshDump(state));
        expect(await lastCounts(mine, target.dataSourceId)).toEqual(PAYLOAD_TEMPLATES.hris.read(structuredClone(state), new IssueCollector())().counts);
      }
      return warnings;
    }

    it('leaves the graph and the links both ways a whole push of the same state leaves, change after change', async () => {
      const state = people();
      const warnings = await checkEach(state, [addAndModify(), deleteManagerAndMove()]);
      // e4 names a group the HRIS does not define: the warning a full push gives, at its path in the change.
      expect(warnings[0]).toEqual([expect.stringContaining('group "nowhere"')]);
      const lines = await oracles.dump(mine, target);
      // By hand: e4 (dee) asks idp_id "u4", which no IdP user has, then dee@corp.example, which u4's
      // user offers; e1 (ann) now asks ann2@corp.example first... its idp_id u1 still matches ann.
      // bob (e2) was deleted: ann's manager is now e4, whose manager is cy (N3); the owner link from
      // the identity provider to e2 went with it.
      expect(lines.linksFrom!.filter((l) => l.includes(' hris '))).toEqual([
        expect.stringMatching(/^employee:e1 -> \d+:\d+ hris u1 /),
        expect.stringMatching(/^employee:e4 -> \d+:\d+ hris dee@corp.example /),
      ]);
      expect(lines.linksFrom!.filter((l) => l.includes(' manager '))).toEqual([
        expect.stringMatching(/^employee:e1 -> \d+:employee:e4 manager/),
        expect.stringMatching(/^employee:e4 -> \d+:employee:n3 manager/),
      ]);
      expect(lines.linksTo).toEqual([]);
    });

    it('adds, modifies, moves and deletes groups and modifies the system by difference', async () => {
      const state = people();
      const changes: Json[] = [
        // ops under org; eng renamed and moved from org to ops; the system's url and tenant.
        { incremental_change: true, groups: [{ operation: 'add', id: 'ops', name: 'Operations', group_type: 'Department', parent: 'org' }, { operation: 'modify', id: 'eng', name: 'Engineering and Data', parent: 'ops' }] },
        { incremental_change: true, system: { url: 'https://hr.example', custom_properties: { tenant: 't2' } } },
        // eng back at the top; ops, which no one names now, deleted.
        { incremental_change: true, groups: [{ operation: 'modify', id: 'eng', parent: null }, { operation: 'delete', id: 'ops' }] },
      ];
      const warnings = await checkEach(state, changes);
      expect(warnings).toEqual([[], [], []]);
      // By hand: eng a member of ops, then of nothing; ops gone; the system's url and tenant as changed.
      const lines = await oracles.dump(mine, target);
      expect(lines.edges!.filter((e) => e.startsWith('member_of group:'))).toEqual([]);
      expect(lines.nodes!.filter((n) => n.startsWith('group:')).map((n) => n.split(' | ')[0])).toEqual(['group:cc1', 'group:eng', 'group:org']);
      expect(lines.nodes!.find((n) => n.startsWith('system:'))).toMatch(/"customprop_tenant":"t2".*"url":"https:\/\/hr.example"/);
    });

    it('goes the whole-state way, saying why, for what it cannot take by difference', async () => {
      const whole = async (change: Json) => {
        const outcome = await commitByDifference(mine.store, target, change, 'hris');
        return 'whole' in outcome ? outcome.whole : 'made by difference';
      };
      // eng names org as parent; e1 names eng.
      expect(await whole({ incremental_change: true, groups: [{ operation: 'delete', id: 'org' }] })).toBe('a deleted group is named by employees or groups');
      expect(await whole({ incremental_change: true, groups: [{ operation: 'modify', id: 'org', parent: 'eng' }] })).toBe('a moved group would be a member of a group below a moved one');
      expect(await whole({ incremental_change: true, system: { idp_providers: ['okta'] } })).toBe("the change replaces the identity providers the HRIS' employees link to");
      expect(await whole({ incremental_change: true, system: { id: 'other' } })).toBe("the change gives the HRIS' system another id");
      // e1 names a department the HRIS does not define: a group added under its id would be e1's.
      const unresolved = people();
      (unresolved.employees as Json[])[0]!.department = { id: 'd9' };
      await commitPayload(mine.store, target, 'hris', unresolved);
      expect(await whole({ incremental_change: true, groups: [{ operation: 'add', id: 'D9', name: 'Design' }] })).toBe('an added group is one other employees or groups name');
      // A system without an id is keyed by its name.
      const unkeyed = people();
      unkeyed.system = { name: 'People', idp_providers: [] };
      await commitPayload(mine.store, target, 'hris', unkeyed);
      expect(await whole({ incremental_change: true, system: { name: 'Staff' } })).toBe("the change renames the HRIS' system, which its name keys");
      expect(await whole({ incremental_change: true, system: { url: 'https://hr.example' } })).toBe('made by difference');
      expect(await whole({ incremental_change: true, hris_type: 'Other', employees: [{ operation: 'add', id: 'e9' }] })).toBe("the change replaces the HRIS' hris_type");
      await commitPayload(mine.store, target, 'hris', { ...people(), employees: [...(people().employees as Json[]), { id: 'e8', managers: [{ id: 'e9' }] }] });
      expect(await whole({ incremental_change: true, employees: [{ operation: 'add', id: 'e9' }] })).toBe('an added employee is the manager other employees name');
      expect(await whole({ incremental_change: true, name: 'People', employees: [{ operation: 'add', id: 'e7' }] })).toBe('made by difference');
    });
  });
}

/** The fixture HRIS serving every identity provider. */
function people(): Json {
  const payload = validHrisPayload();
  payload.system!.idp_providers = [];
  return payload as Json;
}

/** An identity provider whose users the employees link to, and that owns employee e2. */
function corp(): Json {
  return {
    name: 'Corp',
    idp_type: 'corp',
    domains: [{ name: 'corp.example' }],
    users: [
      { identity: 'u1', name: 'ann', email: 'ann@corp.example', entities_owned: [{ node_type: 'OAA.PeopleSoft.HRISEmployee', id: 'e2' }] },
      { identity: 'u2', name: 'bob', email: 'bob@corp.example' },
      { identity: 'u4', name: 'dee', email: 'dee@corp.example' },
    ],
  };
}

/** e4 (dee) added, managed by bob, in eng and a group that does not exist; ann's email changed and her cost center dropped. */
function addAndModify(): Json {
  return {
    incremental_change: true,
    employees: [
      { operation: 'add', id: 'e4', employee_number: 'N4', first_name: 'dee', last_name: 'Dunn', email: 'dee@corp.example', idp_id: 'nobody', managers: [{ id: 'e2' }], groups: [{ id: 'eng' }, { id: 'nowhere' }], employment_status: 'ACTIVE', is_active: true },
      { operation: 'modify', id: 'e1', email: 'ann2@corp.example', cost_center: null },
    ],
  };
}

/** bob (e2, ann's and dee's manager) deleted; ann now managed by dee, dee by cy (N3); dee moves to org by department. */
function deleteManagerAndMove(): Json {
  return {
    incremental_change: true,
    employees: [
      { operation: 'delete', id: 'e2' },
      { operation: 'modify', id: 'e1', managers: [{ id: 'e4' }] },
      { operation: 'modify', id: 'e4', managers: [{ id: 'N3' }], department: { id: 'org' } },
    ],
  };
}

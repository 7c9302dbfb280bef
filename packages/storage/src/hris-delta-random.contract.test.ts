import { describe, it } from 'vitest';
import { random } from '../../../bench/generate-app-payload.js';
import { checkRandomChanges, usePeopleOracle } from './test-support/people-oracle.js';
import { pushPayloadCommitted, type PushTarget } from './test-support/push-payload.js';
import { testBackends, type TestDatabase } from './test-support/test-backends.js';

type Json = Record<string, unknown>;

const SEEDS = [1, 2, 3, 4];
const CHANGES_PER_SEED = 8;

/**
 * Random changes of an HRIS' employees, against the oracles of `idp-delta-random.contract.test.ts`:
 * employees keyed by id or by employee_number, in groups by `groups`, `department` and
 * `cost_center` (some undefined), with managers (some undefined), asking idp_id, email and id from a
 * pool an identity provider's users offer; then random mixes of add, modify and delete, now and then
 * with a group added, modified, moved or deleted and the system's url. Each change
 * is made by difference in one database, the state pushed whole in a second, everything pushed
 * afresh in a third; after each, every table of the HRIS' graph and its links both ways must be the
 * same in all three. A change the whole state refuses, or that goes the whole-state way, is
 * skipped (counted: most must be made).
 */
for (const backend of testBackends()) {
  const title = backend.skipReason ? `Random changes of HRIS employees on ${backend.name} (skipped: ${backend.skipReason})` : `Random changes of HRIS employees on ${backend.name}`;
  describe.skipIf(backend.skipReason !== undefined)(title, () => {
    const pushAll = async (db: TestDatabase, hris: Json): Promise<PushTarget> => {
      const target = await pushPayloadCommitted(db.store, 'hris', structuredClone(hris));
      await pushPayloadCommitted(db.store, 'identity_provider', corp());
      return target;
    };
    const oracles = usePeopleOracle(backend, pushAll);

    it.each(SEEDS)('seed %i: the graph by difference is the graph pushed whole', async (seed) => {
      const rnd = random(seed);
      await checkRandomChanges(oracles, pushAll, 'hris', { label: `seed ${seed}`, state: randomHris(rnd), changes: CHANGES_PER_SEED, change: (state, n) => randomChange(rnd, state, `${seed}_${n}`) });
    });
  });
}

const pick = <T>(rnd: () => number, items: readonly T[]): T => items[Math.floor(rnd() * items.length)]!;
const some = <T>(rnd: () => number, items: readonly T[], most: number): T[] => [...new Set(Array.from({ length: Math.floor(rnd() * (most + 1)) }, () => pick(rnd, items)))];

/** The strings employees ask and the identity provider's users offer (identities, emails, names collide on purpose). */
const POOL = ['u1', 'u2', 'u3', 'ann', 'bob', 'ann@corp.example', 'bob@corp.example', 'cy@corp.example', 'e1', 'e3'];
/** Group ids: g0..g2 defined, `gx` not. */
const GROUPS = ['g0', 'g1', 'g2', 'gx'];

function randomFields(rnd: () => number, employees: readonly string[]): Json {
  const fields: Json = {};
  if (rnd() < 0.6) fields.email = pick(rnd, POOL);
  if (rnd() < 0.5) fields.idp_id = pick(rnd, POOL);
  if (rnd() < 0.5) fields.groups = some(rnd, GROUPS, 2).map((id) => ({ id }));
  if (rnd() < 0.3) fields.department = { id: pick(rnd, GROUPS) };
  if (rnd() < 0.3) fields.cost_center = { id: pick(rnd, GROUPS) };
  if (rnd() < 0.5) fields.managers = some(rnd, [...employees, 'nobody'], 2).map((id) => ({ id }));
  if (rnd() < 0.3) fields.job_title = pick(rnd, ['engineer', 'manager']);
  if (rnd() < 0.3) fields.custom_properties = { level: Math.floor(rnd() * 5) };
  return fields;
}

/** Employees e0..e5 (e5 keyed by employee_number only), groups g0..g2 (g1 in g0, g2 in g1). */
function randomHris(rnd: () => number): Json {
  const keys = ['e0', 'e1', 'e2', 'e3', 'e4', 'N5'];
  return {
    name: 'People',
    hris_type: 'People',
    custom_property_definition: { employee_properties: { level: 'NUMBER' } },
    system: { id: 'people', name: 'People', idp_providers: [] },
    employees: keys.map((key, i) => {
      const others = keys.filter((k) => k !== key);
      const base = { first_name: 'e', last_name: `${i}`, is_active: true, employment_status: 'ACTIVE', ...randomFields(rnd, others) };
      return key.startsWith('N') ? { employee_number: key, ...base } : { id: key, employee_number: `n${i}`, ...base };
    }),
    groups: [{ id: 'g0', name: 'Company' }, { id: 'g1', name: 'Engineering', parent: 'g0' }, { id: 'g2', name: 'Platform', parent: 'g1' }],
  };
}

/** One to three employee operations on distinct employees: add (a new one), modify, delete. */
function randomChange(rnd: () => number, state: Json, suffix: string): Json {
  const existing = (state.employees as Json[]).map((e) => String(e.id ?? e.employee_number));
  const employees: Json[] = [];
  const named = new Set<string>();
  const count = 1 + Math.floor(rnd() * 3);
  for (let i = 0; i < count; i++) {
    const operation = pick(rnd, ['add', 'modify', 'modify', 'delete']);
    if (operation === 'add') {
      employees.push({ operation, id: `n${suffix}_${i}`, first_name: 'new', last_name: `${i}`, is_active: true, employment_status: 'ACTIVE', ...randomFields(rnd, existing) });
      continue;
    }
    const key = pick(rnd, existing) as string | undefined;
    // (Every employee may have been deleted by then.)
    if (key === undefined || named.has(key)) continue;
    named.add(key);
    const keyField = key.startsWith('N') ? { employee_number: key } : { id: key };
    employees.push(operation === 'delete' ? { operation, ...keyField } : { operation, ...keyField, ...randomFields(rnd, existing.filter((k) => k !== key)) });
  }
  // Now and then a group added, renamed, moved (a cycle is refused by the whole state, and left out) or deleted, and the system's url.
  const groups: Json[] = [];
  const groupIds = ((state.groups as Json[] | undefined) ?? []).map((g) => String(g.id));
  if (rnd() < 0.35) {
    const id = pick(rnd, [...groupIds, `ng${suffix}`]);
    const parent = () => ({ parent: rnd() < 0.3 ? null : pick(rnd, groupIds) });
    if (!groupIds.includes(id)) groups.push({ operation: 'add', id, name: `group ${id}`, ...parent() });
    else groups.push(pick(rnd, [{ operation: 'modify', id, name: `group ${suffix}` }, { operation: 'modify', id, ...parent() }, { operation: 'delete', id }]));
  }
  const system = rnd() < 0.15 ? { url: `https://${suffix}.example` } : undefined;
  return { incremental_change: true, employees, ...(groups.length > 0 ? { groups } : {}), ...(system ? { system } : {}) };
}

/** The identity provider the employees link to, its users offering strings of the pool. */
function corp(): Json {
  return {
    name: 'Corp',
    idp_type: 'corp',
    domains: [{ name: 'corp.example' }],
    users: [
      { identity: 'u1', name: 'ann', email: 'ann@corp.example' },
      { identity: 'u2', name: 'bob', email: 'bob@corp.example' },
      { identity: 'u3', name: 'e1', email: 'cy@corp.example', entities_owned: [{ node_type: 'OAA.People.HRISEmployee', id: 'e2' }] },
    ],
  };
}

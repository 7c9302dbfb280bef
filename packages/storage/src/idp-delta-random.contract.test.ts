import { describe, it } from 'vitest';
import { random } from '../../../bench/generate-app-payload.js';
import { checkRandomChanges, usePeopleOracle } from './test-support/people-oracle.js';
import { pushPayloadCommitted, type PushTarget } from './test-support/push-payload.js';
import { testBackends, type TestDatabase } from './test-support/test-backends.js';

type Json = Record<string, unknown>;

/** Changes applied one after another to one identity provider; each seed is one sequence. */
const SEEDS = [1, 2, 3, 4, 5, 6];
const CHANGES_PER_SEED = 8;

/**
 * Random changes of an identity provider's users and groups, against the oracle (`idp-delta.contract.test.ts`
 * checks one sequence by hand): users whose emails, names and identities come from a small pool
 * that an application's accounts, an HRIS' employees and a federated identity provider also ask
 * for, in nested groups, with managers, AWS roles, owned entities and app assignments; then random
 * mixes of every user and group operation (groups named as applications' groups ask, moved and
 * deleted), of apps' and of the domain's. Each change is made by difference in one database and, with all
 * before it, pushed whole in another where the same data sources were pushed in the same order.
 * After each, every table of the identity provider's graph and its links both ways must be the
 * same. A change the whole state refuses, or that goes the whole-state way, is skipped (counted:
 * most must be made).
 */
for (const backend of testBackends()) {
  const title = backend.skipReason ? `Random changes of IdP users and groups on ${backend.name} (skipped: ${backend.skipReason})` : `Random changes of IdP users and groups on ${backend.name}`;
  describe.skipIf(backend.skipReason !== undefined)(title, () => {
    const pushAll = async (db: TestDatabase, idp: Json): Promise<PushTarget> => {
      const target = await pushPayloadCommitted(db.store, 'identity_provider', structuredClone(idp));
      await pushPayloadCommitted(db.store, 'application', accounts());
      await pushPayloadCommitted(db.store, 'hris', employees());
      await pushPayloadCommitted(db.store, 'identity_provider', federated());
      return target;
    };
    const oracles = usePeopleOracle(backend, pushAll);

    it.each(SEEDS)('seed %i: the graph by difference is the graph pushed whole', async (seed) => {
      const rnd = random(seed);
      await checkRandomChanges(oracles, pushAll, 'identity_provider', { label: `seed ${seed}`, state: randomIdp(rnd), changes: CHANGES_PER_SEED, change: (state, n) => randomChange(rnd, state, `${seed}_${n}`) });
    });
  });
}

const pick = <T>(rnd: () => number, items: readonly T[]): T => items[Math.floor(rnd() * items.length)]!;
const some = <T>(rnd: () => number, items: readonly T[], most: number): T[] => [...new Set(Array.from({ length: Math.floor(rnd() * (most + 1)) }, () => pick(rnd, items)))];

/** The strings everyone asks for and offers: identities, emails and names collide across users on purpose. */
const POOL = ['ann', 'bob', 'cy', 'dee', 'ann@corp.example', 'bob@corp.example', 'cy@corp.example', 'dee@corp.example', 'u1', 'u2', 'u7'];
const GROUPS = ['g0', 'g1', 'g2', 'g3'];
/** Group names, which the application's groups ask for (an IdP group offers its identity and its name). */
const GROUP_NAMES = ['staff', 'ops', 'eng'];
const APPS = ['a0', 'a1'];
const ROLES = ['arn:r0', 'arn:r1', 'arn:r2'];
const OWNED = [
  { node_type: 'S3Bucket', id: 'b0' },
  { node_type: 'S3Bucket', id: 'b1' },
  // A local user of the application below (node type OAA.shop.User): an owner link into another data source.
  { node_type: 'OAA.shop.User', id: 'l0' },
];

/** One user's random fields (besides its key). */
function randomFields(rnd: () => number, users: readonly string[], groups: readonly string[] = GROUPS): Json {
  const fields: Json = {};
  if (rnd() < 0.7) fields.email = pick(rnd, POOL);
  if (rnd() < 0.5 && groups.length > 0) fields.groups = some(rnd, groups, 2);
  if (rnd() < 0.4) fields.manager_id = pick(rnd, [...users, 'nobody']);
  if (rnd() < 0.3) fields.assumed_role_arns = some(rnd, ROLES, 2).map((identity) => ({ identity }));
  if (rnd() < 0.3) fields.entities_owned = some(rnd, OWNED, 2);
  if (rnd() < 0.3) fields.app_assignments = some(rnd, APPS, 2).map((app, i) => ({ id: `as${i}`, name: `assignment ${i}`, app_id: app, custom_properties: { approved: rnd() < 0.5 } }));
  if (rnd() < 0.3) fields.source_identity = { identity: pick(rnd, ['okta-ann', 'okta-bob']), provider_type: 'any' };
  if (rnd() < 0.3) fields.custom_properties = { badge: Math.floor(rnd() * 10) };
  if (rnd() < 0.3) fields.is_active = rnd() < 0.5;
  return fields;
}

/** Users u0..u7 with names and emails from the pool, groups g0..g3 (each in an earlier one or none), apps a0, a1. */
function randomIdp(rnd: () => number): Json {
  const keys = Array.from({ length: 8 }, (_, i) => `u${i}`);
  return {
    name: 'Corp',
    idp_type: 'corp',
    custom_property_definition: { user_properties: { badge: 'NUMBER' }, app_assignment_properties: { approved: 'BOOLEAN' } },
    domains: [{ name: 'corp.example' }],
    users: keys.map((identity, i) => ({ identity, name: `${pick(rnd, ['ann', 'bob', 'cy', 'dee'])}${i % 3 === 0 ? '' : i}`, ...randomFields(rnd, keys.filter((k) => k !== identity)) })),
    groups: GROUPS.map((identity, i) => ({ identity, name: pick(rnd, [identity, ...GROUP_NAMES]), ...(i > 0 && rnd() < 0.7 ? { groups: [GROUPS[Math.floor(rnd() * i)]!] } : {}) })),
    apps: APPS.map((id) => ({ id, name: `app ${id}` })),
  };
}

/**
 * One to four operations on distinct users and groups: add (a new one), modify (a group's modify
 * may move it under other groups: a cycle is refused by the whole state, and left out), delete,
 * add_tag, delete_tag; now and then an app added, modified, deleted or re-tagged, and the domain
 * re-tagged.
 */
function randomChange(rnd: () => number, state: Json, suffix: string): Json {
  const existing = (state.users as Json[]).map((u) => String(u.identity ?? u.name));
  const groupKeys = ((state.groups as Json[] | undefined) ?? []).map((g) => String(g.identity ?? g.name));
  const users: Json[] = [];
  const groups: Json[] = [];
  const named = new Set<string>();
  const count = 1 + Math.floor(rnd() * 4);
  const tags = () => [{ key: 'team', value: pick(rnd, ['x', 'y']) }];
  for (let i = 0; i < count; i++) {
    const operation = pick(rnd, ['add', 'modify', 'modify', 'delete', 'add_tag', 'delete_tag']);
    if (rnd() < 0.35) {
      if (operation === 'add') {
        groups.push({ operation, identity: `ng${suffix}_${i}`, name: pick(rnd, GROUP_NAMES), ...(groupKeys.length > 0 && rnd() < 0.7 ? { groups: some(rnd, groupKeys, 2) } : {}), ...(rnd() < 0.5 ? { tags: tags() } : {}) });
        continue;
      }
      const identity = pick(rnd, groupKeys);
      if (identity === undefined || named.has(identity)) continue;
      named.add(identity);
      if (operation === 'delete') groups.push({ operation, identity });
      else if (operation === 'modify') {
        const moved = rnd() < 0.6 ? { groups: some(rnd, groupKeys.filter((g) => g !== identity), 2) } : {};
        groups.push({ operation, identity, name: pick(rnd, [identity, ...GROUP_NAMES]), ...moved, ...(rnd() < 0.3 ? { is_security_group: rnd() < 0.5 } : {}) });
      } else groups.push({ operation, identity, tags: tags() });
      continue;
    }
    if (operation === 'add') {
      const identity = `n${suffix}_${i}`;
      users.push({ operation, identity, name: pick(rnd, POOL), ...randomFields(rnd, existing, groupKeys), ...(rnd() < 0.5 ? { tags: tags() } : {}) });
      continue;
    }
    const identity = pick(rnd, existing);
    if (named.has(identity)) continue;
    named.add(identity);
    if (operation === 'delete') users.push({ operation, identity });
    else if (operation === 'modify') users.push({ operation, identity, ...randomFields(rnd, existing.filter((k) => k !== identity), groupKeys) });
    else users.push({ operation, identity, tags: tags() });
  }
  // Now and then an app (its AWS roles shared with principals; a deleted one takes their assignments) and the domain.
  const apps: Json[] = [];
  const appKeys = ((state.apps as Json[] | undefined) ?? []).map((a) => String(a.id));
  if (rnd() < 0.3) {
    const app = pick(rnd, [...appKeys, `na${suffix}`]);
    const roles = () => ({ assumed_role_arns: some(rnd, ROLES, 2).map((identity) => ({ identity })) });
    if (!appKeys.includes(app)) apps.push({ operation: 'add', id: app, name: `app ${app}`, ...roles(), tags: tags() });
    else apps.push(pick(rnd, [{ operation: 'modify', id: app, name: `app ${app}`, description: suffix, ...roles() }, { operation: 'delete', id: app }, { operation: 'add_tag', id: app, tags: tags() }]));
  }
  const domains = rnd() < 0.15 ? [{ operation: pick(rnd, ['add_tag', 'delete_tag']), name: (state.domains as Json[])[0]!.name, tags: tags() }] : [];
  return { incremental_change: true, ...(users.length > 0 ? { users } : {}), ...(groups.length > 0 ? { groups } : {}), ...(apps.length > 0 ? { apps } : {}), ...(domains.length > 0 ? { domains } : {}) };
}

/** Accounts asking for strings of the pool (the application's type makes its users OAA.shop.User). */
function accounts(): Json {
  return {
    applications: [
      {
        name: 'Shop',
        application_type: 'shop',
        local_users: POOL.slice(0, 8).map((identity, i) => ({ id: `l${i}`, name: `local ${i}`, identities: [identity, POOL[(i + 5) % POOL.length]!] })),
        // Groups linked to IdP groups by name (and one by an identity the IdP's groups start with).
        local_groups: [...GROUP_NAMES, 'g1'].map((identity, i) => ({ id: `lg${i}`, name: `local group ${i}`, identities: [identity] })),
      },
    ],
  };
}

/** Employees asking idp_id, then email, then id from the pool: which field matches first moves with the users. */
function employees(): Json {
  return {
    name: 'People',
    hris_type: 'People',
    system: { id: 'people', name: 'People', idp_providers: [] },
    employees: Array.from({ length: 6 }, (_, i) => ({
      id: POOL[(i * 3) % POOL.length],
      employee_number: `N${i}`,
      name: `employee ${i}`,
      first_name: 'e',
      last_name: `${i}`,
      is_active: true,
      employment_status: 'ACTIVE',
      idp_id: POOL[(i * 5 + 1) % POOL.length],
      email: POOL[(i * 7 + 2) % POOL.length],
    })),
  };
}

/** An identity provider whose users are federated from the pool's strings, and whose users the pool's federated users name. */
function federated(): Json {
  return {
    name: 'Okta',
    idp_type: 'okta',
    domains: [{ name: 'okta.example' }],
    users: [
      { name: 'okta ann', identity: 'okta-ann', source_identity: { identity: 'ann', provider_type: 'any' } },
      { name: 'okta bob', identity: 'okta-bob', source_identity: { identity: 'bob@corp.example', provider_type: 'any' }, entities_owned: [{ node_type: 'OAA.corp.IDPUser', id: 'u2' }] },
    ],
  };
}

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testBackends, type TestDatabase } from './test-support/test-backends.js';

const USERS = 2_000;
/** Account links into each IdP user besides its one HRIS link, as ten accounts and more make in the query benchmark. */
const ACCOUNTS = 15;

/**
 * How the employees behind a page's IdP users are found (`people-behind.ts`: the HRIS links into
 * them). Through the identity's side index, the lookup read every link into each user to keep the
 * one HRIS link; migration 0015's partial index holds the HRIS links alone.
 */
describe.each(testBackends())('HRIS links by the IdP user they reach, on $name', (backend) => {
  let db: TestDatabase;

  beforeAll(async () => {
    if (backend.skipReason !== undefined) return;
    db = await backend.create();
    const rows: unknown[][] = [];
    for (let user = 1; user <= USERS; user++) {
      for (let app = 0; app < ACCOUNTS; app++) rows.push([10 + app, user, 1, user, 'identities', '', '{}']);
      rows.push([2, user, 1, user, 'hris', '', '{}']);
    }
    for (let i = 0; i < rows.length; i += 500) {
      const batch = rows.slice(i, i + 500);
      await db.query(`insert into identity_links (ds, node, to_ds, to_node, rule, via, detail) values ${batch.map(() => '(?, ?, ?, ?, ?, ?, ?)').join(', ')}`, batch.flat());
    }
    await db.query('analyze');
  });
  afterAll(async () => {
    await db?.dispose();
  });

  it.skipIf(backend.skipReason !== undefined)(`reads them through the index of HRIS links${backend.skipReason ? ` (skipped: ${backend.skipReason})` : ''}`, async () => {
    const lookup = `select ds, node, to_ds, to_node from identity_links where to_ds = 1 and to_node in (3, 400, 1999) and rule = 'hris'`;
    const plan = (await db.query<Record<string, string>>(`explain ${backend.name === 'sqlite' ? 'query plan ' : ''}${lookup}`)).map((r) => r.detail ?? r['QUERY PLAN']).join(' | ');
    expect(plan).toMatch(/identity_links_hris/);
    expect(await db.query(lookup)).toEqual([3, 400, 1999].map((user) => ({ ds: 2, node: user, to_ds: 1, to_node: user })));
  });
});

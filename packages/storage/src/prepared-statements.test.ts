import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PREPARED, preparingPool } from './prepared-statements.js';
import { testBackends } from './test-support/test-backends.js';

const backend = testBackends().find((b) => b.name === 'postgres')!;

/** What the access pool's wrapper promises: marked queries become named prepared statements, once per connection; others stay unnamed. */
describe.skipIf(backend.skipReason !== undefined)(`Prepared access statements on postgres${backend.skipReason ? ` (skipped: ${backend.skipReason})` : ''}`, () => {
  let raw: pg.Pool;
  let pool: pg.Pool;

  beforeAll(() => {
    // One connection, so every query below sees the same session's prepared statements.
    raw = new pg.Pool({ connectionString: process.env.TEST_PG_URL, max: 1 });
    pool = preparingPool(raw);
  });
  afterAll(async () => {
    await raw.end();
  });

  const preparedTexts = async (client: pg.PoolClient) =>
    (await client.query<{ statement: string }>('select statement from pg_prepared_statements order by statement')).rows.map((r) => r.statement);

  it('prepares a marked query once and runs it again with other values; leaves unmarked queries unnamed', async () => {
    const client = await pool.connect();
    try {
      const marked = `${PREPARED}select $1::int + 1 as n`;
      expect((await client.query(marked, [1])).rows).toEqual([{ n: 2 }]);
      expect((await client.query(marked, [41])).rows).toEqual([{ n: 42 }]);
      await client.query('select $1::int as unmarked', [1]);
      expect(await preparedTexts(client)).toEqual([marked]);
    } finally {
      client.release();
    }
  });

  it('sends a list as one array parameter whatever its length, so the text stays one statement', async () => {
    const client = await pool.connect();
    try {
      const marked = `${PREPARED}select count(*)::int as n from generate_series(1, 10) g where g = any($1::bigint[])`;
      expect((await client.query(marked, [[1, 2]])).rows).toEqual([{ n: 2 }]);
      expect((await client.query(marked, [[3, 4, 5, 99]])).rows).toEqual([{ n: 3 }]);
      expect((await preparedTexts(client)).filter((t) => t === marked)).toHaveLength(1);
    } finally {
      client.release();
    }
  });
});

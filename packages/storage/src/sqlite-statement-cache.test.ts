import SqliteDatabase from 'better-sqlite3';
import { Kysely, SqliteDialect, sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { withStatementCache } from './sqlite-statement-cache.js';

describe('the SQLite statement cache', () => {
  let raw: SqliteDatabase.Database;
  let db: Kysely<unknown>;
  beforeEach(() => {
    raw = new SqliteDatabase(':memory:');
    db = new Kysely<unknown>({ dialect: new SqliteDialect({ database: withStatementCache(raw) }) });
  });
  afterEach(async () => {
    await db.destroy();
  });

  it('prepares a query once however often it runs, and each text once', async () => {
    await sql`create table t (a integer)`.execute(db);
    await sql`insert into t values (1), (2)`.execute(db);
    const prepare = vi.spyOn(raw, 'prepare');
    for (let i = 0; i < 3; i++) expect((await sql<{ a: number }>`select a from t where a > ${0} order by a`.execute(db)).rows).toEqual([{ a: 1 }, { a: 2 }]);
    await sql`select count(*) from t`.execute(db);
    expect(prepare).toHaveBeenCalledTimes(2);
  });

  it('answers from the table as it is now after the table was dropped and made again, as a push does', async () => {
    await sql`create table t (a integer)`.execute(db);
    await sql`insert into t values (1)`.execute(db);
    const read = async () => (await sql<Record<string, unknown>>`select * from t`.execute(db)).rows;
    expect(await read()).toEqual([{ a: 1 }]);
    await sql`drop table t`.execute(db);
    await sql`create table t (a integer, b text)`.execute(db);
    await sql`insert into t values (7, 'x')`.execute(db);
    expect(await read()).toEqual([{ a: 7, b: 'x' }]);
    await sql`drop table t`.execute(db);
    await expect(read()).rejects.toThrow(/no such table/);
  });
});

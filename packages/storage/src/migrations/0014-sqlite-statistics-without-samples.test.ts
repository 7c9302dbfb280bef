import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../sqlite-store.js';

describe('0014: SQLite statistics without samples', () => {
  let dir: string;
  let file: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'accessgraph-0014-'));
    file = join(dir, 'test.db');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const count = (raw: SqliteDatabase.Database, table: string) => (raw.prepare(`select count(*) as n from ${table}`).get() as { n: number }).n;

  it('removes the samples a store analyzed before it kept, and keeps the row counts', async () => {
    await (await openSqliteStore(file)).close();
    // The store as it was before 0014: analyzed, with samples, and the migration not yet run.
    const before = new SqliteDatabase(file);
    before.exec(`create table t (a integer, b text); create index t_a on t (a);
                 with recursive n(v) as (select 1 union all select v + 1 from n where v < 500) insert into t select v % 7, 'x' from n;`);
    before.exec('analyze');
    before.prepare(`delete from kysely_migration where name = '0014-sqlite-statistics-without-samples'`).run();
    const counts = count(before, 'sqlite_stat1');
    expect(count(before, 'sqlite_stat4')).toBeGreaterThan(0);
    before.close();

    await (await openSqliteStore(file)).close();
    const after = new SqliteDatabase(file);
    try {
      expect(count(after, 'sqlite_stat4')).toBe(0);
      expect(count(after, 'sqlite_stat1')).toBe(counts);
      expect(after.prepare(`select stat from sqlite_stat1 where idx = 't_a'`).get()).toEqual({ stat: '500 72' });
    } finally {
      after.close();
    }
  });

  it('passes over a store that was never analyzed', async () => {
    await (await openSqliteStore(file)).close();
    const raw = new SqliteDatabase(file);
    try {
      expect(raw.prepare(`select name from sqlite_schema where name glob 'sqlite_stat*'`).all()).toEqual([]);
      expect(raw.prepare(`select count(*) as n from kysely_migration where name like '0014%'`).get()).toEqual({ n: 1 });
    } finally {
      raw.close();
    }
  });
});

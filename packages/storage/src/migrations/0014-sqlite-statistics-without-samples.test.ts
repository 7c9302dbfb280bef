import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, Migrator, SqliteDialect } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SQLITE_CAPABILITIES } from '../capabilities.js';
import { openSqliteStore } from '../sqlite-store.js';
import { allMigrations } from './index.js';

/** A store at the schema before 0014. */
async function storeBefore0014(file: string): Promise<void> {
  const db = new Kysely<unknown>({ dialect: new SqliteDialect({ database: new SqliteDatabase(file) }) });
  try {
    const before = Object.fromEntries(Object.entries(allMigrations(SQLITE_CAPABILITIES)).filter(([name]) => name < '0014'));
    const { error } = await new Migrator({ db, provider: { getMigrations: async () => before } }).migrateToLatest();
    if (error) throw error;
  } finally {
    await db.destroy();
  }
}

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
    await storeBefore0014(file);
    // Analyzed as pushes did before 0014: with samples.
    const before = new SqliteDatabase(file);
    before.exec(`create table t (a integer, b text); create index t_a on t (a);
                 with recursive n(v) as (select 1 union all select v + 1 from n where v < 500) insert into t select v % 7, 'x' from n;`);
    before.exec('analyze');
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

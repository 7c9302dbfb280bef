import Database from 'better-sqlite3';
import { Kysely, Migrator, SqliteDialect, type MigrationResultSet } from 'kysely';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { SQLITE_CAPABILITIES } from './capabilities.js';
import { migrateToLatest } from './migrate.js';

/** A PostgreSQL error as pg raises it: a message and a SQLSTATE code. */
const pgError = (code: string) => Object.assign(new Error(`simulated ${code}`), { code });

describe('migrateToLatest', () => {
  const dbs: Array<Kysely<unknown>> = [];
  const open = () => {
    const db = new Kysely<unknown>({ dialect: new SqliteDialect({ database: new Database(':memory:') }) });
    dbs.push(db);
    return db;
  };
  afterEach(async () => {
    vi.restoreAllMocks();
    for (const db of dbs.splice(0)) await db.destroy();
  });

  it("tries again when the migrator's look at the catalog meets a schema or table dropped meanwhile", async () => {
    const real = Migrator.prototype.migrateToLatest;
    let calls = 0;
    vi.spyOn(Migrator.prototype, 'migrateToLatest').mockImplementation(function (this: Migrator) {
      calls++;
      return calls <= 2 ? Promise.resolve({ error: pgError(calls === 1 ? '3F000' : '42703') }) : real.call(this);
    });
    const applied = await migrateToLatest(open(), SQLITE_CAPABILITIES);
    expect(calls).toBe(3);
    expect(applied.length).toBeGreaterThan(0);
  });

  it('gives up after three such failures, and at once on any other', async () => {
    const spy = vi.spyOn(Migrator.prototype, 'migrateToLatest').mockResolvedValue({ error: pgError('42P01') });
    await expect(migrateToLatest(open(), SQLITE_CAPABILITIES)).rejects.toThrow(/database migration unknown failed: simulated 42P01/);
    expect(spy).toHaveBeenCalledTimes(3);
    spy.mockClear();
    spy.mockResolvedValue({ error: pgError('23505') });
    await expect(migrateToLatest(open(), SQLITE_CAPABILITIES)).rejects.toThrow(/simulated 23505/);
    expect(spy).toHaveBeenCalledTimes(1);
    // A migration that ran and failed is no race, whatever its code.
    spy.mockClear();
    spy.mockResolvedValue({ error: pgError('42703'), results: [{ migrationName: '0001-start', direction: 'Up', status: 'Error' }] } as MigrationResultSet);
    await expect(migrateToLatest(open(), SQLITE_CAPABILITIES)).rejects.toThrow(/database migration 0001-start failed/);
    expect(spy).toHaveBeenCalledTimes(1);
  });
});

import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SQLITE_CAPABILITIES } from './capabilities.js';
import type { Database } from './database.js';
import { sqliteGraphStorage } from './graph-writer.js';
import { KyselyStore } from './kysely-store.js';
import { migrateToLatest } from './migrate.js';
import { sqliteCheckpointer, type Checkpointer, type CheckpointOutcome } from './sqlite-checkpointer.js';
import { translateSqliteError } from './sqlite-store.js';
import { commitGraph } from './test-support/commit.js';
import { demoGraph } from './test-support/demo-graph.js';

const T0 = '2026-01-01T00:00:00.000Z';

describe('sqlite checkpointer', () => {
  let dir: string;
  let file: string;
  let raw: SqliteDatabase.Database;
  const closers: Array<() => Promise<void> | void> = [];

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'accessgraph-checkpoint-'));
    file = join(dir, 'test.db');
    raw = new SqliteDatabase(file);
    raw.pragma('journal_mode = WAL');
    closers.push(() => {
      raw.close();
    });
  });
  afterEach(async () => {
    for (const close of closers.splice(0).reverse()) await close();
    rmSync(dir, { recursive: true, force: true });
  });

  const size = () => statSync(file).size;
  /** Writes ~4 MB in one transaction with the automatic checkpoint off: it all stays in the WAL. */
  const writeToWal = () => {
    raw.pragma('wal_autocheckpoint = 0');
    raw.exec('create table t (x text)');
    const insert = raw.prepare('insert into t values (?)');
    raw.transaction(() => {
      for (let i = 0; i < 4000; i++) insert.run('x'.repeat(1000));
    })();
  };
  const checkpointer = (outcomes: CheckpointOutcome[] = []) => {
    const c = sqliteCheckpointer(file, (o) => outcomes.push(o));
    closers.push(() => c.close());
    return c;
  };

  it('copies the WAL into the database file on its own thread', async () => {
    writeToWal();
    const before = size();
    const c = checkpointer();
    c.request();
    const outcome = await c.idle();
    expect(outcome).toMatchObject({ ok: true, busy: false });
    const { log, checkpointed } = outcome as { log: number; checkpointed: number };
    expect(log).toBeGreaterThan(1000);
    expect(checkpointed).toBe(log);
    expect(size()).toBeGreaterThan(before + 4_000_000);
  });

  it('serves the requests made while a checkpoint runs with one more checkpoint, not one each', async () => {
    writeToWal();
    const outcomes: CheckpointOutcome[] = [];
    const c = checkpointer(outcomes);
    c.request();
    c.request();
    c.request();
    await c.idle();
    expect(outcomes).toHaveLength(2);
    expect(outcomes.every((o) => o.ok)).toBe(true);
  });

  it('reports a checkpoint that cannot run instead of throwing, and the store stays usable', async () => {
    const c = sqliteCheckpointer(join(dir, 'missing.db'));
    closers.push(() => c.close());
    c.request();
    const outcome = await c.idle();
    expect(outcome?.ok).toBe(false);
    expect(raw.prepare('select 1 as one').get()).toEqual({ one: 1 });
  });

  it('closes while a checkpoint runs: the checkpoint finishes, and the process ends normally', () => {
    raw.close();
    // In a process of its own: whether it outlives the worker is the point. The build is what runs.
    const module = new URL('../dist/sqlite-checkpointer.js', import.meta.url).href;
    const driver = createRequire(import.meta.url).resolve('better-sqlite3');
    const script = `
      import { createRequire } from 'node:module';
      import { sqliteCheckpointer } from ${JSON.stringify(module)};
      const Database = createRequire(import.meta.url)(${JSON.stringify(driver)});
      const db = new Database(${JSON.stringify(file)});
      db.pragma('wal_autocheckpoint = 0');
      db.exec('create table if not exists t (x text)');
      const write = () => db.transaction(() => { for (let i = 0; i < 20000; i++) db.prepare('insert into t values (?)').run('x'.repeat(1000)); })();
      const c = sqliteCheckpointer(${JSON.stringify(file)});
      write();
      c.request();
      await c.idle();
      // Idle a while, as a server between pushes; then closed while its next checkpoint runs.
      await new Promise((resolve) => setTimeout(resolve, 50));
      write();
      c.request();
      await c.close();
      db.close();
      console.log('closed');`;
    const output = execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
    expect(output.trim()).toBe('closed');
    raw = new SqliteDatabase(file);
    expect(size()).toBeGreaterThan(40_000_000);
  });

  describe('with a push', () => {
    /** A store over `raw` whose pushes ask `checkpoints` (if any) to checkpoint. */
    const storeWith = async (checkpoints?: Checkpointer) => {
      const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: raw }) });
      await migrateToLatest(db as Kysely<unknown>, SQLITE_CAPABILITIES);
      const store = new KyselyStore({
        db,
        caps: SQLITE_CAPABILITIES,
        translateError: translateSqliteError,
        graphs: sqliteGraphStorage(db, raw, SQLITE_CAPABILITIES, checkpoints),
      });
      const providerId = (await store.createProvider({ id: randomUUID(), name: 'P', customTemplate: 'application', provisioning: false, options: {}, state: 'ENABLED', now: T0 })).id;
      const dataSourceId = (await store.createDataSource({ id: randomUUID(), providerId, name: 'd', now: T0 })).id;
      raw.pragma('wal_checkpoint(TRUNCATE)');
      // Any commit of at least one page would checkpoint inside it, were the setting in force.
      raw.pragma('wal_autocheckpoint = 1');
      return { push: () => commitGraph(store, providerId, dataSourceId, demoGraph()) };
    };

    it('leaves the checkpoint to the checkpointer, and restores the automatic checkpoint after', async () => {
      let requests = 0;
      const { push } = await storeWith({ request: () => requests++, idle: async () => undefined, close: async () => {} });
      const before = size();
      await push();
      expect(requests).toBe(1);
      // The new graph is still only in the WAL: the COMMIT did not copy it into the file.
      expect(size()).toBe(before);
      expect(raw.pragma('wal_autocheckpoint', { simple: true })).toBe(1);
      const c = checkpointer();
      c.request();
      expect((await c.idle())?.ok).toBe(true);
      expect(size()).toBeGreaterThan(before);
    });

    it('without a checkpointer, the push checkpoints in its COMMIT as SQLite does by default', async () => {
      const { push } = await storeWith(undefined);
      const before = size();
      await push();
      expect(size()).toBeGreaterThan(before);
    });
  });
});

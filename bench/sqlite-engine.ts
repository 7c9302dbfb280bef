import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import Database from 'better-sqlite3';
import { childEnv } from './accessgraph-cli.js';
import { onCleanup } from './cleanup.js';
import type { Engine, EngineRun } from './engine.js';
import { loadSqliteFloor } from './sqlite-floor.js';

/** The embedded default: a SQLite file under a fresh --data directory. */
export const sqliteEngine: Engine = {
  name: 'sqlite',
  unavailable: () => Promise.resolve(undefined),
  version() {
    const db = new Database(':memory:');
    try {
      const { version } = db.prepare('select sqlite_version() as version').get() as { version: string };
      const driver = (createRequire(import.meta.url)('better-sqlite3/package.json') as { version: string }).version;
      return Promise.resolve(`SQLite ${version} (better-sqlite3 ${driver})`);
    } finally {
      db.close();
    }
  },
  create() {
    const dataDir = mkdtempSync(join(tmpdir(), 'accessgraph-bench-'));
    const dispose = onCleanup(`directory ${dataDir}`, () => rmSync(dataDir, { recursive: true, force: true }));
    const file = join(dataDir, 'accessgraph.db');
    const size = (path: string) => {
      try {
        return statSync(path).size;
      } catch {
        return 0;
      }
    };
    const run: EngineRun = {
      dataDir,
      env: childEnv({}),
      databaseSize() {
        const walBytes = size(`${file}-wal`);
        return Promise.resolve({ bytes: size(file) + walBytes, walBytes });
      },
      loadFloor: (dataSourceId) => Promise.resolve(loadSqliteFloor(file, dataSourceId)),
      cancelQueries: () => Promise.resolve(),
      scalar(query) {
        // A second connection reads beside the server's (WAL): what the last commit left.
        const db = new Database(file, { readonly: true });
        try {
          return Promise.resolve(Number(db.prepare(query).pluck().get()));
        } finally {
          db.close();
        }
      },
      dispose,
    };
    return Promise.resolve(run);
  },
};

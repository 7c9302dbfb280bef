import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { childEnv } from './accessgraph-cli.js';
import { onCleanup } from './cleanup.js';
import type { Engine, EngineRun } from './engine.js';
import { withClient } from './postgres-client.js';
import { loadPostgresFloor } from './postgres-floor.js';

/**
 * PostgreSQL: each measurement gets a database of its own, created from `adminUrl`'s server
 * (CREATE DATABASE bench_<random>) and dropped afterwards.
 */
export function postgresEngine(adminUrl: string): Engine {
  const redacted = (() => {
    const url = new URL(adminUrl);
    if (url.password) url.password = '***';
    return url.toString();
  })();
  return {
    name: 'postgres',
    async unavailable() {
      try {
        await withClient(adminUrl, (client) => client.query('select 1'));
        return undefined;
      } catch (error) {
        return `PostgreSQL at ${redacted} is not reachable (${(error as Error).message}); set BENCH_PG_URL to a server the benchmark may create databases on`;
      }
    },
    async version() {
      const { rows } = await withClient(adminUrl, (client) => client.query<{ version: string }>("select current_setting('server_version') as version"));
      return `PostgreSQL ${rows[0]!.version}`;
    },
    async create() {
      const name = `bench_${randomBytes(6).toString('hex')}`;
      await withClient(adminUrl, (client) => client.query(`create database "${name}"`));
      const dropDatabase = onCleanup(`database ${name}`, async () => {
        await withClient(adminUrl, (client) => client.query(`drop database if exists "${name}" with (force)`));
      });
      const dataDir = mkdtempSync(join(tmpdir(), 'accessgraph-bench-'));
      const removeDir = onCleanup(`directory ${dataDir}`, () => rmSync(dataDir, { recursive: true, force: true }));
      const url = new URL(adminUrl);
      url.pathname = `/${name}`;
      const databaseUrl = url.toString();
      const run: EngineRun = {
        dataDir,
        env: childEnv({ DATABASE_URL: databaseUrl }),
        async databaseSize() {
          const { rows } = await withClient(databaseUrl, (client) => client.query<{ bytes: string }>('select pg_database_size(current_database()) as bytes'));
          return { bytes: Number(rows[0]!.bytes), walBytes: 0 };
        },
        loadFloor: (dataSourceId) => loadPostgresFloor(databaseUrl, dataSourceId),
        async cancelQueries() {
          await withClient(databaseUrl, (client) =>
            client.query("select pg_cancel_backend(pid) from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid() and state = 'active'"),
          );
        },
        async scalar(query) {
          const { rows } = await withClient(databaseUrl, (client) => client.query<Record<string, unknown>>(query));
          return Number(Object.values(rows[0] ?? {})[0]);
        },
        async dispose() {
          await removeDir();
          await dropDatabase();
        },
      };
      return run;
    },
  };
}

import { join } from 'node:path';
import { openPostgresStore } from './postgres-store.js';
import { openSqliteStore } from './sqlite-store.js';
import type { Store } from './store.js';

export interface StoreLocation {
  /** postgres:// URL; when absent the embedded SQLite store is used. */
  databaseUrl?: string;
  /** Directory of the SQLite file (`accessgraph.db`). */
  dataDir: string;
}

/** Opens the store the configuration names: PostgreSQL when a URL is given, else SQLite. */
export async function openStore(location: StoreLocation): Promise<Store> {
  const url = location.databaseUrl?.trim();
  if (url) {
    if (!/^postgres(ql)?:\/\//i.test(url)) throw new Error('DATABASE_URL must start with postgres:// or postgresql://');
    return openPostgresStore(url);
  }
  return openSqliteStore(sqliteFile(location.dataDir));
}

export function sqliteFile(dataDir: string): string {
  return join(dataDir, 'accessgraph.db');
}

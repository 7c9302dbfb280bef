import { resolve } from 'node:path';

/** Where the server keeps its data and how it is reached; flags win over environment variables. */
export interface StoreConfig {
  dataDir: string;
  databaseUrl?: string;
}

export interface StoreFlags {
  data?: string;
}

/** The data directory (flag, then ACCESSGRAPH_DATA_DIR, then ./data) and DATABASE_URL. */
export function storeConfig(flags: StoreFlags, env: NodeJS.ProcessEnv = process.env): StoreConfig {
  const dataDir = resolve(flags.data ?? env.ACCESSGRAPH_DATA_DIR ?? 'data');
  const databaseUrl = env.DATABASE_URL?.trim();
  return databaseUrl ? { dataDir, databaseUrl } : { dataDir };
}

/** Parses a TCP port, or throws a message fit for the command line. */
export function parsePort(text: string): number {
  const port = Number(text);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`invalid port "${text}": use 0-65535`);
  return port;
}

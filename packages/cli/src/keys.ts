import { API_KEY_ROLES, type ApiKeyRole } from '@accessgraph/contract';
import { ApiError, ApiKeyService } from '@accessgraph/server';
import { openStore, type Store } from '@accessgraph/storage';
import { storeConfig, type StoreFlags } from './config.js';

async function withKeys<T>(flags: StoreFlags, work: (keys: ApiKeyService, store: Store) => Promise<T>): Promise<T> {
  const store = await openStore(storeConfig(flags));
  try {
    return await work(new ApiKeyService(store), store);
  } finally {
    await store.close();
  }
}

/** Creates a key and prints only the secret on stdout, so `KEY=$(accessgraph keys create ...)` works. */
export async function createKey(options: StoreFlags & { role: string; name: string }): Promise<void> {
  if (!API_KEY_ROLES.includes(options.role as ApiKeyRole)) {
    throw new Error(`unknown role "${options.role}": use ${API_KEY_ROLES.join(', ')}`);
  }
  if (!options.name.trim() || options.name.length > 128) throw new Error('--name must be 1 to 128 characters');
  const created = await withKeys(options, (keys) => keys.create({ name: options.name, role: options.role as ApiKeyRole }));
  process.stdout.write(`${created.key}\n`);
  process.stderr.write(`Created ${created.role} key "${created.name}" (id ${created.id}). It is shown only this once.\n`);
}

/** Lists keys (never their secrets) as a table, or as JSON with --json. */
export async function listKeys(options: StoreFlags & { json?: boolean }): Promise<void> {
  const list = await withKeys(options, (keys) => keys.list());
  if (options.json) {
    process.stdout.write(`${JSON.stringify(list, null, 2)}\n`);
    return;
  }
  const rows = [
    ['ID', 'NAME', 'ROLE', 'PREFIX', 'CREATED', 'LAST USED', 'REVOKED'],
    ...list.map((k) => [k.id, k.name, k.role, k.prefix, k.created_at, k.last_used_at ?? '-', k.revoked_at ?? '-']),
  ];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  process.stdout.write(`${rows.map((r) => r.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd()).join('\n')}\n`);
}

/** Revokes a key by id; requests with it are refused from then on. */
export async function revokeKey(id: string, options: StoreFlags): Promise<void> {
  try {
    const revoked = await withKeys(options, (keys) => keys.revoke(id));
    process.stderr.write(`Revoked key "${revoked.name}" (id ${revoked.id}).\n`);
  } catch (error) {
    if (error instanceof ApiError && error.code === 'NotFound') throw new Error(`no API key with id "${id}"`);
    throw error;
  }
}

import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { openSqliteStore, type Store } from '@accessgraph/storage';
import { buildApp } from '../app.js';
import type { Clock } from '../services/clock.js';
import { ApiKeyService } from '../services/api-key-service.js';

export interface TestApp {
  app: FastifyInstance;
  store: Store;
  keys: { admin: string; writer: string; reader: string };
  /** A request with the given key (admin by default; `null` sends no Authorization header). */
  call(options: InjectOptions & { key?: string | null }): Promise<LightMyRequestResponse>;
  close(): Promise<void>;
}

/** A server on a fresh in-memory SQLite store, with one key of each role. */
export async function createTestApp(options: { maxInflatedBytes?: number; clock?: Clock; bodyLimit?: number } = {}): Promise<TestApp> {
  const store = await openSqliteStore(':memory:');
  const app = await buildApp({ store, ...options });
  const apiKeys = new ApiKeyService(store);
  const keys = {
    admin: (await apiKeys.create({ name: 'admin', role: 'admin' })).key,
    writer: (await apiKeys.create({ name: 'writer', role: 'writer' })).key,
    reader: (await apiKeys.create({ name: 'reader', role: 'reader' })).key,
  };
  return {
    app,
    store,
    keys,
    call({ key, headers, ...options }) {
      const auth = key === null ? {} : { authorization: `Bearer ${key ?? keys.admin}` };
      return app.inject({ ...options, headers: { ...auth, ...headers } });
    },
    async close() {
      await app.close();
      await store.close();
    },
  };
}

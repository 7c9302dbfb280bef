import type { ApiKey, ApiKeyCreate, ApiKeyCreated, ApiKeyRole } from '@accessgraph/contract';
import { apiKeyId, apiKeyMatches, generateApiKeySecret } from '@accessgraph/core';
import type { ApiKeyRecord, Store } from '@accessgraph/storage';
import { ApiError } from '../http/api-error.js';
import { nowIso } from './clock.js';

/** Who made a request: the key that authenticated it. */
export interface Caller {
  keyId: string;
  keyName: string;
  role: ApiKeyRole;
}

/** Last-use times are refreshed at most this often, so reads do not turn into writes. */
const TOUCH_INTERVAL_MS = 60_000;

/** Creates, lists, revokes and checks API keys. Secrets exist only in the create answer. */
export class ApiKeyService {
  constructor(private readonly store: Store) {}

  async create(input: ApiKeyCreate): Promise<ApiKeyCreated> {
    const secret = generateApiKeySecret();
    const record: ApiKeyRecord = {
      id: secret.id,
      name: input.name,
      role: input.role,
      keyHash: secret.hash,
      prefix: secret.prefix,
      createdAt: nowIso(),
      lastUsedAt: null,
      revokedAt: null,
    };
    await this.store.createApiKey(record);
    return { ...toApiKey(record), key: secret.key };
  }

  async list(): Promise<ApiKey[]> {
    return (await this.store.listApiKeys()).map(toApiKey);
  }

  async revoke(id: string): Promise<ApiKey> {
    const found = await this.store.revokeApiKey(id, nowIso());
    const record = found ? await this.store.getApiKey(id) : undefined;
    if (!record) throw ApiError.notFound('api_key', id);
    return toApiKey(record);
  }

  /** The caller a presented key stands for, or a 401 saying what is wrong with it. */
  async authenticate(key: string): Promise<Caller> {
    const id = apiKeyId(key);
    if (!id) throw ApiError.unauthenticated('Malformed API key');
    const record = await this.store.getApiKey(id);
    if (!record || !apiKeyMatches(key, record.keyHash)) throw ApiError.unauthenticated('Invalid API key');
    if (record.revokedAt) throw ApiError.unauthenticated('API key has been revoked');
    const now = Date.now();
    if (!record.lastUsedAt || now - Date.parse(record.lastUsedAt) > TOUCH_INTERVAL_MS) {
      await this.store.touchApiKey(id, new Date(now).toISOString());
    }
    return { keyId: record.id, keyName: record.name, role: record.role };
  }
}

export function toApiKey(record: ApiKeyRecord): ApiKey {
  return {
    id: record.id,
    name: record.name,
    role: record.role,
    prefix: record.prefix,
    created_at: record.createdAt,
    last_used_at: record.lastUsedAt,
    revoked_at: record.revokedAt,
  };
}

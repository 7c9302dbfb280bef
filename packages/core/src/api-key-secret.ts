import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * API keys look like `agk_<16 hex id>_<43 base64url secret>`. The id finds the stored row; the
 * whole key is compared by hash. SHA-256 rather than a slow password hash is enough here: the
 * secret is 256 random bits, so there is nothing to brute-force from the hash.
 */
const KEY_SHAPE = /^agk_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$/;

export interface NewApiKeySecret {
  id: string;
  key: string;
  hash: string;
  prefix: string;
}

export function generateApiKeySecret(): NewApiKeySecret {
  const id = randomBytes(8).toString('hex');
  const key = `agk_${id}_${randomBytes(32).toString('base64url')}`;
  return { id, key, hash: hashApiKey(key), prefix: `agk_${id}` };
}

/** The key id inside a presented key, or undefined when it is not shaped like our keys. */
export function apiKeyId(key: string): string | undefined {
  return KEY_SHAPE.exec(key)?.[1];
}

export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/** Constant-time comparison of a presented key with a stored hash. */
export function apiKeyMatches(key: string, storedHash: string): boolean {
  const presented = Buffer.from(hashApiKey(key), 'hex');
  const stored = Buffer.from(storedHash, 'hex');
  return presented.length === stored.length && timingSafeEqual(presented, stored);
}

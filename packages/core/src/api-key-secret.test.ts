import { describe, expect, it } from 'vitest';
import { apiKeyId, apiKeyMatches, generateApiKeySecret, hashApiKey } from './api-key-secret.js';

/** The documented shape: `agk_<16 hex id>_<43 base64url secret>`. */
const SHAPE = /^agk_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$/;

/** Replaces the character at `index` with a different one of the same alphabet. */
function changeOne(key: string, index: number): string {
  const c = key[index]!;
  const other = c === 'a' ? 'b' : 'a';
  return key.slice(0, index) + other + key.slice(index + 1);
}

describe('generateApiKeySecret', () => {
  it('makes a key of the documented shape', () => {
    const { key } = generateApiKeySecret();
    expect(key).toMatch(SHAPE);
    expect(key).toHaveLength(4 + 16 + 1 + 43);
  });

  it('returns the id inside the key and the key prefix', () => {
    const secret = generateApiKeySecret();
    expect(secret.key.slice(4, 20)).toBe(secret.id);
    expect(secret.prefix).toBe(`agk_${secret.id}`);
    expect(secret.key.startsWith(`${secret.prefix}_`)).toBe(true);
  });

  it('returns a hash that is not the key and does not contain its secret', () => {
    const secret = generateApiKeySecret();
    expect(secret.hash).not.toBe(secret.key);
    expect(secret.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(secret.hash).not.toContain(secret.key.slice(21));
    expect(secret.hash).toBe(hashApiKey(secret.key));
  });

  it('makes a different key, id and hash each time', () => {
    const keys = Array.from({ length: 50 }, () => generateApiKeySecret());
    expect(new Set(keys.map((k) => k.key)).size).toBe(50);
    expect(new Set(keys.map((k) => k.id)).size).toBe(50);
    expect(new Set(keys.map((k) => k.hash)).size).toBe(50);
    expect(new Set(keys.map((k) => k.key.slice(21))).size).toBe(50);
  });
});

describe('apiKeyId', () => {
  it('extracts the id from a generated key', () => {
    const secret = generateApiKeySecret();
    expect(apiKeyId(secret.key)).toBe(secret.id);
  });

  it('extracts the id from a hand-written key of the right shape', () => {
    expect(apiKeyId(`agk_0123456789abcdef_${'A'.repeat(40)}-_9`)).toBe('0123456789abcdef');
  });

  const good = `agk_0123456789abcdef_${'x'.repeat(43)}`;
  it.each([
    ['empty', ''],
    ['another prefix', good.replace('agk_', 'agx_')],
    ['upper-case prefix', good.replace('agk_', 'AGK_')],
    ['upper-case hex id', good.replace('abcdef', 'ABCDEF')],
    ['non-hex id', good.replace('0123', 'g123')],
    ['15-character id', good.replace('0123456789abcdef', '123456789abcdef')],
    ['17-character id', good.replace('0123456789abcdef', '00123456789abcdef')],
    ['42-character secret', good.slice(0, -1)],
    ['44-character secret', `${good}x`],
    ['"+" in the secret', `${good.slice(0, -1)}+`],
    ['"=" padding', `${good.slice(0, -1)}=`],
    ['missing separator', good.replace('f_', 'f')],
    ['leading space', ` ${good}`],
    ['trailing newline', `${good}\n`],
    ['a Bearer prefix', `Bearer ${good}`],
  ])('is undefined for a malformed key: %s', (_what, key) => {
    expect(apiKeyId(key)).toBeUndefined();
  });

  it('accepts the well-formed fixture the malformed ones are derived from', () => {
    expect(apiKeyId(good)).toBe('0123456789abcdef');
  });
});

describe('apiKeyMatches', () => {
  const secret = generateApiKeySecret();

  it('is true for the key and its stored hash', () => {
    expect(apiKeyMatches(secret.key, secret.hash)).toBe(true);
  });

  it.each([
    ['the first secret character', 21],
    ['the last character', 63],
    ['an id character', 10],
  ])('is false when %s changes', (_what, index) => {
    const changed = changeOne(secret.key, index);
    expect(changed).not.toBe(secret.key);
    expect(apiKeyMatches(changed, secret.hash)).toBe(false);
  });

  it('is false for another generated key, and for the hash presented as a key', () => {
    expect(apiKeyMatches(generateApiKeySecret().key, secret.hash)).toBe(false);
    expect(apiKeyMatches(secret.hash, secret.hash)).toBe(false);
  });

  it('is false for a truncated or extended key', () => {
    expect(apiKeyMatches(secret.key.slice(0, -1), secret.hash)).toBe(false);
    expect(apiKeyMatches(`${secret.key} `, secret.hash)).toBe(false);
  });

  it('is false, without throwing, for a malformed stored hash', () => {
    expect(apiKeyMatches(secret.key, '')).toBe(false);
    expect(apiKeyMatches(secret.key, 'not hex at all')).toBe(false);
    expect(apiKeyMatches(secret.key, secret.hash.slice(0, 62))).toBe(false);
  });

  it('hashes deterministically', () => {
    expect(hashApiKey(secret.key)).toBe(hashApiKey(secret.key));
    expect(hashApiKey(secret.key)).not.toBe(hashApiKey(changeOne(secret.key, 30)));
  });
});

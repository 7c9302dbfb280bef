import { describe, expect, it } from 'vitest';
import { checkNameLength, nameKey } from './names.js';

/** The limit from the spec (section 2.2): at most 256 bytes. */
const LIMIT = 256;

describe('checkNameLength', () => {
  it('accepts a short name', () => {
    expect(checkNameLength('GitHub')).toEqual([]);
  });

  it('accepts a name of exactly 256 ASCII bytes', () => {
    expect(checkNameLength('a'.repeat(LIMIT))).toEqual([]);
  });

  it('refuses a name of 257 ASCII bytes at path name with code too_long', () => {
    expect(checkNameLength('a'.repeat(LIMIT + 1))).toEqual([
      { path: 'name', code: 'too_long', message: 'name is 257 bytes; the limit is 256' },
    ]);
  });

  it('accepts 256 bytes made of two-byte characters', () => {
    const name = 'é'.repeat(128);
    expect(Buffer.byteLength(name)).toBe(256);
    expect(checkNameLength(name)).toEqual([]);
  });

  it('counts UTF-8 bytes, not characters: 129 characters can be 257 bytes', () => {
    const name = `${'é'.repeat(128)}a`;
    expect(name.length).toBe(129);
    const issues = checkNameLength(name);
    expect(issues).toHaveLength(1);
    expect(issues[0]!.code).toBe('too_long');
    expect(issues[0]!.message).toContain('257 bytes');
  });

  it('counts four-byte characters (surrogate pairs) as four bytes', () => {
    expect(checkNameLength('😀'.repeat(64))).toEqual([]);
    expect(checkNameLength('😀'.repeat(65))[0]?.message).toContain('260 bytes');
  });

  it('refuses far fewer than 256 characters when each is three bytes', () => {
    const name = '☃'.repeat(86); // 258 bytes, 86 characters
    expect(checkNameLength(name)).toHaveLength(1);
  });

  it('reports at the given path', () => {
    expect(checkNameLength('x'.repeat(300), 'data_sources[2].name')[0]?.path).toBe('data_sources[2].name');
  });
});

describe('nameKey', () => {
  it('lower-cases the name', () => {
    expect(nameKey('GitHub')).toBe('github');
    expect(nameKey('MY APP #1')).toBe('my app #1');
  });

  it('gives names that differ only in case the same key', () => {
    expect(nameKey('GitHub')).toBe(nameKey('GITHUB'));
    expect(nameKey('github')).toBe(nameKey('gItHuB'));
  });

  it('keeps names that differ otherwise apart', () => {
    expect(nameKey('GitHub')).not.toBe(nameKey('GitHub '));
    expect(nameKey('GitHub')).not.toBe(nameKey('GitLab'));
  });

  it('leaves punctuation, digits and spaces alone', () => {
    expect(nameKey(`a b_1'"()=.-`)).toBe(`a b_1'"()=.-`);
  });
});

import { describe, expect, it } from 'vitest';
import { decodePageToken, encodePageToken, type KeysetValue } from './page-token.js';

const QUESTION = 'providers|filter=name eq "a"|order_by=name desc';

function decoded(token: string, question = QUESTION): KeysetValue[] {
  const result = decodePageToken(token, question);
  if (!result.ok) throw new Error(`expected the token to decode: ${JSON.stringify(result.issues)}`);
  return result.value;
}

/** Decodes a token that must be refused; checks the issue's shape and returns its message. */
function refused(token: string, question = QUESTION): string {
  const result = decodePageToken(token, question);
  if (result.ok) throw new Error(`expected the token to be refused, got ${JSON.stringify(result.value)}`);
  expect(result.issues).toHaveLength(1);
  const [only] = result.issues;
  expect(only!.path).toBe('page_token');
  expect(only!.code).toBe('invalid_page_token');
  expect(only!.message).not.toMatch(/^page_token: /);
  return only!.message;
}

const b64url = (text: string) => Buffer.from(text, 'utf8').toString('base64url');

describe('page tokens: round trip', () => {
  it.each<[string, KeysetValue[]]>([
    ['one string', ['GitHub']],
    ['string and number', ['GitHub', 42]],
    ['negative and fractional numbers', [-1, 0.5, 0]],
    ['a uuid and a timestamp', ['2024-01-01T00:00:00.000Z', '3f2a8c1e-0000-4000-8000-000000000000']],
    ['awkward text', ['My "best" app', "O'Brien", 'naïve ☃', '', ',|=&']],
  ])('returns the keyset it was given (%s)', (_what, after) => {
    expect(decoded(encodePageToken(QUESTION, after))).toEqual(after);
  });

  it('keeps numbers as numbers and numeric strings as strings', () => {
    const [n, s] = decoded(encodePageToken(QUESTION, [7, '7']));
    expect(n).toBe(7);
    expect(s).toBe('7');
  });

  it('produces URL-safe opaque text that does not show the question', () => {
    const token = encodePageToken(QUESTION, ['x/y+z?', 1]);
    expect(token).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(token).not.toContain('filter');
    expect(Buffer.from(token, 'base64url').toString('utf8')).not.toContain('name eq');
  });

  it('is deterministic for the same question and keyset', () => {
    expect(encodePageToken(QUESTION, ['a', 1])).toBe(encodePageToken(QUESTION, ['a', 1]));
    expect(encodePageToken(QUESTION, ['a', 1])).not.toBe(encodePageToken(QUESTION, ['a', 2]));
  });
});

describe('page tokens: bound to their question', () => {
  const token = encodePageToken(QUESTION, ['GitHub', 3]);

  it.each([
    ['another filter', 'providers|filter=name eq "b"|order_by=name desc'],
    ['another order', 'providers|filter=name eq "a"|order_by=name asc'],
    ['another list', 'datasources|filter=name eq "a"|order_by=name desc'],
    ['an empty question', ''],
    ['a question differing only in case', QUESTION.toUpperCase()],
  ])('refuses the token for %s, saying to start again', (_what, other) => {
    const message = refused(token, other);
    expect(message).toContain('different list, filter or order_by');
    expect(message).toContain('without page_token');
  });

  it('still accepts it for its own question', () => {
    expect(decoded(token)).toEqual(['GitHub', 3]);
  });
});

describe('page tokens: malformed', () => {
  const fingerprintOf = (question: string): string =>
    (JSON.parse(Buffer.from(encodePageToken(question, ['x']), 'base64url').toString('utf8')) as { q: string }).q;
  const q = fingerprintOf(QUESTION);

  it.each([
    ['empty', ''],
    ['garbage characters', '!!!***'],
    ['plain text', 'next-page-please'],
    ['base64 of non-JSON', b64url('hello, world')],
    ['base64 of truncated JSON', b64url(`{"q":"${q}","k":["a"`)],
    ['base64 of invalid UTF-8', Buffer.from([0xff, 0xfe, 0xfd]).toString('base64url')],
  ])('refuses %s', (_what, token) => {
    expect(refused(token)).toContain('not a token issued by this server');
  });

  it.each([
    ['null', 'null'],
    ['a number', '42'],
    ['a string', '"abc"'],
    ['an array', `["${q}",["a"]]`],
    ['an object without k', `{"q":"${q}"}`],
    ['an object without q', '{"k":["a"]}'],
    ['q not a string', '{"q":1,"k":["a"]}'],
    ['k not an array', `{"q":"${q}","k":"a"}`],
    ['k empty', `{"q":"${q}","k":[]}`],
    ['k holding null', `{"q":"${q}","k":[null]}`],
    ['k holding a boolean', `{"q":"${q}","k":["a",true]}`],
    ['k holding an object', `{"q":"${q}","k":[{"a":1}]}`],
    ['k holding an array', `{"q":"${q}","k":[["a"]]}`],
  ])('refuses base64 of JSON of the wrong shape: %s', (_what, json) => {
    expect(refused(b64url(json))).toContain('not a token issued by this server');
  });

  it('accepts a hand-built body of the right shape (the check is shape, not a signature)', () => {
    // Guards the fixtures above: they differ from a good token only in the broken part.
    expect(decoded(b64url(`{"q":"${q}","k":["a",1]}`))).toEqual(['a', 1]);
  });

  it('refuses a token that was altered in transit', () => {
    const token = encodePageToken(QUESTION, ['GitHub']);
    const altered = token.slice(0, 5) + (token[5] === 'A' ? 'B' : 'A') + token.slice(6);
    expect(decodePageToken(altered, QUESTION).ok).toBe(false);
  });
});

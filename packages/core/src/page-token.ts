import { createHash } from 'node:crypto';
import { issue, type Checked } from './validation-issue.js';

/** A value of the sort key of the last row of a page. */
export type KeysetValue = string | number;

/**
 * Opaque page tokens for keyset paging. A token carries the sort key of the last row returned
 * and a fingerprint of the question (scope, filter, order), so a token can only continue the list
 * it was issued for: reusing it with another filter is a clear 400, not a silently wrong page.
 */
export function encodePageToken(question: string, after: KeysetValue[]): string {
  const body = JSON.stringify({ q: fingerprint(question), k: after });
  return Buffer.from(body, 'utf8').toString('base64url');
}

export function decodePageToken(token: string, question: string): Checked<KeysetValue[]> {
  const bad = (why: string): Checked<KeysetValue[]> => ({
    ok: false,
    issues: [issue('page_token', 'invalid_page_token', why)],
  });
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    return bad('not a token issued by this server');
  }
  if (!isTokenBody(parsed)) return bad('not a token issued by this server');
  if (parsed.q !== fingerprint(question)) {
    return bad('issued for a different list, filter or order_by; start again without page_token');
  }
  return { ok: true, value: parsed.k };
}

function isTokenBody(value: unknown): value is { q: string; k: KeysetValue[] } {
  if (typeof value !== 'object' || value === null) return false;
  const { q, k } = value as Record<string, unknown>;
  return (
    typeof q === 'string' &&
    Array.isArray(k) &&
    k.length > 0 &&
    k.every((v) => typeof v === 'string' || (typeof v === 'number' && Number.isFinite(v)))
  );
}

function fingerprint(question: string): string {
  return createHash('sha256').update(question).digest('base64url').slice(0, 16);
}

import { describe, expect, it } from 'vitest';
import { parse } from 'csv-parse/sync';
import { ACCESS_REVIEW_COLUMNS, type AccessReviewRow } from '@accessgraph/contract';
import { accessReviewCsv, csvRecord } from './access-review-csv.js';

const row = (n: number): AccessReviewRow => ({
  identity: `user-${n}`,
  display_name: `User ${n}`,
  email: null,
  manager: null,
  manager_identity: null,
  hr_status: null,
  terminated: false,
  active: true,
  last_login_at: '2026-11-01T08:00:00Z',
  sso_last_login_at: null,
  application: 'App',
  resource: null,
  permissions: ['read', 'write'],
  canonical_types: ['DataRead', 'DataWrite'],
  via: ['read: direct', 'write: role editor'],
  principal: `user-${n}`,
  principal_type: 'local_user',
  principal_name: `User ${n}`,
  identity_type: 'local_user',
  identity_data_source_id: 'ds',
  employee: null,
  data_source_id: 'ds',
});

describe('access review CSV', () => {
  it('writes a row as cells in column order: lists joined, booleans as words, null empty', () => {
    expect(csvRecord(row(1))).toEqual(['user-1', 'User 1', '', '', '', '', 'false', 'true', '2026-11-01T08:00:00Z', '', 'App', '', 'read; write', 'DataRead; DataWrite', 'read: direct; write: role editor', 'user-1', 'local_user', 'User 1', 'local_user', 'ds', '', 'ds']);
    expect(csvRecord(row(1))).toHaveLength(ACCESS_REVIEW_COLUMNS.length);
  });

  it('pulls pages only as the stream is read, so a long export never sits in memory', async () => {
    // 200 pages of 500 rows (about 13 MB of CSV); count the pages pulled when the first chunk is out.
    let pulled = 0;
    async function* pages() {
      for (let p = 0; p < 200; p++) {
        pulled++;
        yield Array.from({ length: 500 }, (_, i) => row(p * 500 + i));
      }
    }
    const chunks = accessReviewCsv(pages())[Symbol.asyncIterator]();
    const first = await chunks.next();
    let text = (first.value as Buffer).toString('utf8');
    expect(text.startsWith(`${ACCESS_REVIEW_COLUMNS.join(',')}\r\n`)).toBe(true);
    // While nobody reads, the stream fills its buffers and stops: a few pages, not 200.
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(pulled).toBeLessThan(5);
    // Reading on gets every row, once.
    for (let next = await chunks.next(); !next.done; next = await chunks.next()) text += (next.value as Buffer).toString('utf8');
    expect(pulled).toBe(200);
    const records = parse(text) as string[][];
    expect(records).toHaveLength(1 + 200 * 500);
    expect(records[100_000]![0]).toBe('user-99999');
  });

  it('ends the stream with the error when a page cannot be read', async () => {
    async function* pages() {
      yield [row(1)];
      throw new Error('database went away');
    }
    const stream = accessReviewCsv(pages());
    const failure = new Promise<Error>((resolve) => stream.once('error', resolve));
    stream.resume();
    expect((await failure).message).toBe('database went away');
  });
});

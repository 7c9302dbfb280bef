import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { ValidationIssue } from '../validation-issue.js';
import { decodeCsvData } from './decode-csv-data.js';
import { parseCsv, type CsvTable } from './parse-csv.js';

function parsed(text: string): CsvTable {
  const result = parseCsv(text);
  if (!result.ok) throw new Error(`expected the CSV to parse: ${JSON.stringify(result.issues)}`);
  return result.value;
}

function refused(text: string): ValidationIssue {
  const result = parseCsv(text);
  if (result.ok) throw new Error(`expected the CSV to be refused, got ${JSON.stringify(result.value)}`);
  expect(result.issues).toHaveLength(1);
  return result.issues[0]!;
}

describe('parseCsv', () => {
  it('reads the header and numbers data rows from 1', () => {
    expect(parsed('id,name\nu1,Bob\nu2,Jane\n')).toEqual({
      header: ['id', 'name'],
      rows: [
        { number: 1, cells: ['u1', 'Bob'] },
        { number: 2, cells: ['u2', 'Jane'] },
      ],
    });
  });

  it('drops a UTF-8 byte order mark, so the first column keeps its name', () => {
    expect(parsed('\uFEFFid,name\r\nu1,Bob\r\n').header).toEqual(['id', 'name']);
  });

  it('reads CRLF line ends, and a last row without a line end', () => {
    expect(parsed('id,name\r\nu1,Bob\r\nu2,Jane').rows.map((r) => r.cells)).toEqual([['u1', 'Bob'], ['u2', 'Jane']]);
  });

  it('keeps delimiters, doubled quotes and line breaks inside quoted fields', () => {
    const table = parsed('id,groups,note\r\nu1,"a,b","said ""hi""\r\non two lines"\r\n');
    expect(table.rows).toEqual([{ number: 1, cells: ['u1', 'a,b', 'said "hi"\r\non two lines'] }]);
  });

  it('skips blank lines without counting them as rows', () => {
    expect(parsed('id\n\nu1\n\n\nu2\n').rows).toEqual([{ number: 1, cells: ['u1'] }, { number: 2, cells: ['u2'] }]);
  });

  it('trims the header names', () => {
    expect(parsed(' id , Full Name \nu1,Bob\n').header).toEqual(['id', 'Full Name']);
  });

  it('refuses a row with another number of fields than the header, naming the data row', () => {
    const issue = refused('id,name\nu1,Bob\nu2\n');
    expect(issue.path).toBe('row 2');
    expect(issue.message).toContain('it has 1 fields but the header has 2');
  });

  it('counts a quoted multi-line field as one row when naming a later bad row', () => {
    expect(refused('id,note\nu1,"a\nb\nc"\nu2,x,extra\n').path).toBe('row 2');
  });

  it('refuses a quote that is never closed, naming the row it opens in', () => {
    const issue = refused('id,name\nu1,Bob\nu2,"Jane\n');
    expect(issue.path).toBe('row 2');
    expect(issue.message).toMatch(/quote/i);
  });

  it('names the header when the header itself is broken', () => {
    expect(refused('id,"name\n').path).toBe('header');
  });

  it('refuses a header without data rows', () => {
    expect(refused('id,name\n')).toMatchObject({ path: 'csv_data', code: 'no_rows' });
  });
});

describe('decodeCsvData', () => {
  const base64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');

  it('decodes base64 CSV, wrapped at 76 columns as `base64` writes it', () => {
    const text = `id,name\n${'u1,Bob\n'.repeat(30)}`;
    const wrapped = base64(text).replace(/(.{76})/g, '$1\n');
    expect(wrapped).toContain('\n');
    expect(decodeCsvData(wrapped, undefined)).toEqual({ ok: true, value: { text, compression: 'none' } });
  });

  it('gunzips with compression_type GZIP (any case, or 1)', () => {
    const gz = gzipSync(Buffer.from('id\nü\n', 'utf8')).toString('base64');
    expect(decodeCsvData(gz, 'gzip')).toEqual({ ok: true, value: { text: 'id\nü\n', compression: 'GZIP' } });
    expect(decodeCsvData(gz, 1)).toMatchObject({ ok: true });
  });

  it('keeps the byte order mark for the parser to drop', () => {
    const decoded = decodeCsvData(base64('\uFEFFid\nu1\n'), 'none');
    expect(decoded.ok && decoded.value.text.startsWith('\uFEFF')).toBe(true);
  });

  it.each([
    ['not base64', 'id,name!', undefined, 'invalid_base64'],
    ['empty', '  \n', undefined, 'empty'],
    ['only a byte order mark', base64('\uFEFF  \n'), undefined, 'empty'],
    ['not gzip', base64('id\nu1\n'), 'GZIP', 'invalid_gzip'],
    ['not UTF-8', Buffer.from([0x69, 0x64, 0x0a, 0xff, 0xfe]).toString('base64'), undefined, 'invalid_utf8'],
    ['an unknown compression', base64('id\n'), 'zip', 'unknown_compression'],
  ])('refuses %s', (_, data, compression, code) => {
    const decoded = decodeCsvData(data, compression);
    expect(decoded).toMatchObject({ ok: false, issues: [{ code }] });
  });

  it('stops a gzip bomb at the inflated limit', () => {
    const gz = gzipSync(Buffer.alloc(10_000, 0x61)).toString('base64');
    expect(decodeCsvData(gz, 'GZIP', 1000)).toMatchObject({ ok: false, issues: [{ path: 'csv_data', code: 'too_large' }] });
  });
});

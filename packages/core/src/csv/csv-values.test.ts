import { describe, expect, it } from 'vitest';
import { readCell, splitList, toRfc3339 } from './csv-values.js';

describe('readCell', () => {
  it.each(['true', 'TRUE', 't', 'Yes', 'y', '1', 'active', 'Enabled'])('reads %s as true', (text) => {
    expect(readCell(text, 'boolean', ',')).toEqual({ ok: true, value: true });
  });

  it.each(['false', 'F', 'no', 'n', '0', 'inactive', 'disabled'])('reads %s as false', (text) => {
    expect(readCell(text, 'boolean', ',')).toEqual({ ok: true, value: false });
  });

  it('refuses a boolean it cannot read, quoting it', () => {
    expect(readCell('maybe', 'boolean', ',')).toEqual({ ok: false, message: expect.stringContaining('"maybe" is not a boolean') });
  });

  it.each([['42', 42], ['-1.5', -1.5], ['1e3', 1000], ['.5', 0.5]])('reads the number %s', (text, value) => {
    expect(readCell(text, 'number', ',')).toEqual({ ok: true, value });
  });

  it.each(['12abc', '0x10', 'Infinity', '1,000', ''])('refuses %j as a number', (text) => {
    expect(readCell(text, 'number', ',')).toMatchObject({ ok: false });
  });

  it('splits lists at the delimiter, trimming and dropping empty items', () => {
    expect(readCell(' a ; b;;c ', 'list', ';')).toEqual({ ok: true, value: ['a', 'b', 'c'] });
    expect(splitList('a,b', ';')).toEqual(['a,b']);
  });
});

describe('toRfc3339', () => {
  it.each([
    ['2024-05-01T09:30:00Z', '2024-05-01T09:30:00Z'],
    ['2024-05-01T09:30:00.123+02:00', '2024-05-01T09:30:00.123+02:00'],
    ['2024-05-01 09:30:15', '2024-05-01T09:30:15Z'],
    ['2024-05-01 09:30', '2024-05-01T09:30:00Z'],
    ['2024-05-01T09:30:00+0200', '2024-05-01T09:30:00+02:00'],
    ['2024-05-01', '2024-05-01T00:00:00Z'],
    ['2024-02-29', '2024-02-29T00:00:00Z'],
  ])('reads %s as %s', (text, expected) => {
    expect(toRfc3339(text)).toBe(expected);
  });

  it.each(['2023-02-29', '2024-13-01', '2024-05-01T25:00:00Z', '05/01/2024', 'yesterday'])('refuses %s', (text) => {
    expect(toRfc3339(text)).toBeUndefined();
  });
});

import { describe, expect, it } from 'vitest';
import { parseOrderBy, type OrderTerm } from './order-by.js';

const FIELDS = ['name', 'state', 'custom_template'] as const;

function parsed(text: string, fields: readonly string[] = FIELDS): OrderTerm[] {
  const result = parseOrderBy(text, fields);
  if (!result.ok) throw new Error(`expected ${JSON.stringify(text)} to parse: ${JSON.stringify(result.issues)}`);
  return result.value;
}

/** Parses text that must be rejected; checks the issue's shape and returns its message. */
function rejected(text: string, fields: readonly string[] = FIELDS): string {
  const result = parseOrderBy(text, fields);
  if (result.ok) throw new Error(`expected ${JSON.stringify(text)} to be rejected, got ${JSON.stringify(result.value)}`);
  expect(result.issues).toHaveLength(1);
  const [only] = result.issues;
  expect(only!.path).toBe('order_by');
  expect(only!.code).toBe('invalid_order_by');
  expect(only!.message).not.toMatch(/^order_by: /);
  return only!.message;
}

describe('parseOrderBy: accepted', () => {
  it('parses a single field, ascending by default', () => {
    expect(parsed('state')).toEqual([{ field: 'state', direction: 'asc' }]);
  });

  it.each([
    ['asc', 'asc'],
    ['ASC', 'asc'],
    ['Asc', 'asc'],
    ['desc', 'desc'],
    ['DESC', 'desc'],
    ['dEsC', 'desc'],
  ] as const)('reads the direction %s as %s', (spelled, direction) => {
    expect(parsed(`name ${spelled}`)).toEqual([{ field: 'name', direction }]);
  });

  it('parses several terms in order, each with its own direction', () => {
    expect(parsed('state, name desc')).toEqual([
      { field: 'state', direction: 'asc' },
      { field: 'name', direction: 'desc' },
    ]);
    expect(parsed('custom_template desc,state asc,name')).toEqual([
      { field: 'custom_template', direction: 'desc' },
      { field: 'state', direction: 'asc' },
      { field: 'name', direction: 'asc' },
    ]);
  });

  it('matches field names case-insensitively and returns the canonical spelling', () => {
    expect(parsed('NAME DESC, State')).toEqual([
      { field: 'name', direction: 'desc' },
      { field: 'state', direction: 'asc' },
    ]);
    expect(parsed('createdat', ['createdAt'])).toEqual([{ field: 'createdAt', direction: 'asc' }]);
  });

  it('tolerates extra whitespace around terms and words', () => {
    expect(parsed('  name \t desc  ,   state  ')).toEqual([
      { field: 'name', direction: 'desc' },
      { field: 'state', direction: 'asc' },
    ]);
  });
});

describe('parseOrderBy: rejected', () => {
  it('names an unknown field and lists the sortable ones', () => {
    const message = rejected('owner');
    expect(message).toContain('unknown field "owner"');
    expect(message).toContain('name, state, custom_template');
  });

  it('rejects an unknown field in a later term', () => {
    expect(rejected('name, colour desc')).toContain('unknown field "colour"');
  });

  it('lists the sortable fields of the list being sorted', () => {
    expect(rejected('state', ['name', 'status'])).toContain('(sortable: name, status)');
  });

  it.each(['up', 'descending', 'ascending', '1', '-'])('rejects the direction %j', (dir) => {
    expect(rejected(`name ${dir}`)).toContain(`direction "${dir}" is not asc or desc`);
  });

  it('rejects a field listed twice, whatever its spelling or direction', () => {
    expect(rejected('name, name')).toContain('field "name" is listed twice');
    expect(rejected('name asc, state, NAME desc')).toContain('field "NAME" is listed twice');
  });

  it.each(['', '   ', ',', 'name,', ',name', 'name,,state', 'name, , state'])('rejects an empty term in %j', (text) => {
    expect(rejected(text)).toContain('an empty term');
  });

  it('rejects extra words after the direction and quotes them', () => {
    expect(rejected('name desc nulls last')).toContain('unexpected "nulls last" after "name desc"');
    expect(rejected('state asc x')).toContain('unexpected "x"');
  });

  it('treats a second field name without a comma as a bad direction, not a second term', () => {
    expect(rejected('name state')).toContain('direction "state" is not asc or desc');
  });

  it('stops at the first bad term rather than returning a partial order', () => {
    const result = parseOrderBy('name desc, owner', FIELDS);
    expect(result.ok).toBe(false);
    expect(result).not.toHaveProperty('value');
  });
});

import { describe, expect, it } from 'vitest';
import { parseFilter, FILTER_OPERATORS, RANGE_OPERATORS } from '../list-filter.js';
import { decodeNodeId, encodeNodeId } from './node-id.js';
import { readNodeSearch } from './node-search.js';
import { matchesProperties } from './property-filter.js';

const filter = (text: string) => {
  const parsed = parseFilter(text, { fields: 'any', operators: [...FILTER_OPERATORS, ...RANGE_OPERATORS] });
  if (!parsed.ok) throw new Error(parsed.issues[0]!.message);
  return parsed.value;
};
const PROPS = {
  email: 'Ann@Corp.example',
  is_active: true,
  customprop_badge: 42,
  customprop_hired_at: '2021-03-04T10:00:00Z',
  groups: ['Staff', 'Admins'],
  customprop_region: null,
};
const matches = (text: string) => matchesProperties(filter(text), PROPS);

describe('node ids', () => {
  it('round-trip a data source id and a key with any characters, and refuse what they did not make', () => {
    const id = encodeNodeId('ABC-1', 'app:ledger/resource:book2.page1 ü');
    expect(id).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeNodeId(id)).toEqual({ dataSourceId: 'abc-1', nodeKey: 'app:ledger/resource:book2.page1 ü' });
    expect(decodeNodeId('not an id')).toBeUndefined();
    expect(decodeNodeId(Buffer.from('no newline').toString('base64url'))).toBeUndefined();
    expect(decodeNodeId(`${id}=`)).toBeUndefined();
  });
});

describe('property filters', () => {
  it('compare strings ignoring case, numbers as numbers, booleans, and times in time order', () => {
    expect(matches('email eq "ann@corp.example"')).toBe(true);
    expect(matches('email co CORP')).toBe(true);
    expect(matches('email sw bob')).toBe(false);
    expect(matches('badge ge 42 and badge lt 100')).toBe(true);
    // 42 > 9 as numbers, though "42" < "9" as text.
    expect(matches('badge gt 9')).toBe(true);
    expect(matches('is_active eq true')).toBe(true);
    expect(matches('is_active eq false or is_active eq yes')).toBe(false);
    expect(matches('hired_at gt "2021-03-04T09:59:59Z" and hired_at lt 2021-03-05')).toBe(true);
    expect(matches('hired_at gt "2021-03-04T11:00:00+02:00"')).toBe(true);
  });

  it('find custom properties by their name without prefix, in any case, and match lists by any entry', () => {
    expect(matches('BADGE eq 42')).toBe(true);
    expect(matches('customprop_badge eq 42')).toBe(true);
    expect(matches('groups eq admins')).toBe(true);
    expect(matches('groups ne admins')).toBe(false);
    expect(matches('groups ne ops')).toBe(true);
  });

  it('match a missing or null property only with ne', () => {
    expect(matches('nothing eq x')).toBe(false);
    expect(matches('nothing ne x')).toBe(true);
    expect(matches('region eq x or region co x or region gt 1')).toBe(false);
    expect(matches('region ne x')).toBe(true);
  });
});

describe('node search parameters', () => {
  it('lower-case what compares ignoring case, and split tags into key and value', () => {
    const search = readNodeSearch({ node_type: 'OAA.Ledger.User', name_contains: 'Ann', key: 'U1', tag: ['env=prod', 'owner'], filter: 'badge ge 5' });
    expect(search.ok && search.value).toMatchObject({ nodeType: 'oaa.ledger.user', name: { contains: 'ann' }, key: { exact: 'u1' }, tags: [{ key: 'env', value: 'prod' }, { key: 'owner' }] });
  });

  it('names the parameter of each problem', () => {
    const search = readNodeSearch({ tag: ['=x'], filter: 'badge between 5' });
    expect(search.ok).toBe(false);
    expect(!search.ok && search.issues.map((i) => i.path)).toEqual(['tag', 'filter']);
    expect(!search.ok && search.issues[1]!.message).toMatch(/unknown operator "between"/);
  });
});

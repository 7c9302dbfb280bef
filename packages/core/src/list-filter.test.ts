import { describe, expect, it } from 'vitest';
import { parseFilter, type FilterNode, type FilterOperator } from './list-filter.js';

const FIELDS = ['name', 'state', 'custom_template'] as const;

const cmp = (field: string, op: FilterOperator, value: string): FilterNode => ({ kind: 'compare', field, op, value });
const and = (...terms: FilterNode[]): FilterNode => ({ kind: 'and', terms });
const or = (...terms: FilterNode[]): FilterNode => ({ kind: 'or', terms });

function parsed(text: string, fields: readonly string[] = FIELDS): FilterNode {
  const result = parseFilter(text, fields);
  if (!result.ok) throw new Error(`expected ${JSON.stringify(text)} to parse: ${JSON.stringify(result.issues)}`);
  return result.value;
}

/** Parses text that must be rejected; checks the issue's shape and returns its message. */
function rejected(text: string, fields: readonly string[] = FIELDS): string {
  const result = parseFilter(text, fields);
  if (result.ok) throw new Error(`expected ${JSON.stringify(text)} to be rejected, got ${JSON.stringify(result.value)}`);
  expect(result.issues).toHaveLength(1);
  const [only] = result.issues;
  expect(only!.path).toBe('filter');
  expect(only!.code).toBe('invalid_filter');
  // The path names the parameter; the message does not repeat it.
  expect(only!.message).not.toMatch(/^filter: /);
  return only!.message;
}

describe('parseFilter: single comparisons', () => {
  it.each([
    ['eq', 'name eq "GitHub"', cmp('name', 'eq', 'GitHub')],
    ['ne', 'name ne "GitHub"', cmp('name', 'ne', 'GitHub')],
    ['co', 'name co "Hub"', cmp('name', 'co', 'Hub')],
    ['sw', 'name sw "Git"', cmp('name', 'sw', 'Git')],
  ])('parses the %s operator', (_op, text, expected) => {
    expect(parsed(text)).toEqual(expected);
  });

  it.each([
    ['EQ', 'eq'],
    ['Ne', 'ne'],
    ['cO', 'co'],
    ['SW', 'sw'],
  ] as const)('accepts the operator spelled %s', (spelled, op) => {
    expect(parsed(`state ${spelled} ENABLED`)).toEqual(cmp('state', op, 'ENABLED'));
  });

  it('matches field names case-insensitively and returns the canonical spelling', () => {
    expect(parsed('NAME eq "x"')).toEqual(cmp('name', 'eq', 'x'));
    expect(parsed('Custom_Template eq application')).toEqual(cmp('custom_template', 'eq', 'application'));
    expect(parsed('dataSourceID eq "7"', ['dataSourceId'])).toEqual(cmp('dataSourceId', 'eq', '7'));
  });

  it('takes a bare token as the value, up to whitespace or a parenthesis', () => {
    expect(parsed('state eq ENABLED')).toEqual(cmp('state', 'eq', 'ENABLED'));
    expect(parsed('name eq a.b-c:1#2%3')).toEqual(cmp('name', 'eq', 'a.b-c:1#2%3'));
    expect(parsed('(state eq DISABLED)')).toEqual(cmp('state', 'eq', 'DISABLED'));
  });

  it('keeps a quoted value verbatim: case, inner and edge spaces, keywords', () => {
    expect(parsed('name eq "My App"')).toEqual(cmp('name', 'eq', 'My App'));
    expect(parsed('name eq "  padded  "')).toEqual(cmp('name', 'eq', '  padded  '));
    expect(parsed('name eq "and"')).toEqual(cmp('name', 'eq', 'and'));
    expect(parsed('name eq "x or name eq y"')).toEqual(cmp('name', 'eq', 'x or name eq y'));
  });

  it('accepts an empty quoted value', () => {
    expect(parsed('name eq ""')).toEqual(cmp('name', 'eq', ''));
  });

  it('tolerates surrounding and repeated whitespace', () => {
    expect(parsed('   name   eq   "x"   ')).toEqual(cmp('name', 'eq', 'x'));
    expect(parsed('name\teq\t"x"')).toEqual(cmp('name', 'eq', 'x'));
  });

  it('tells a quoted value from a bare token: quotes are not part of the value', () => {
    expect(parsed('state eq "ENABLED"')).toEqual(parsed('state eq ENABLED'));
    expect(parsed('name eq "a b"')).not.toEqual(cmp('name', 'eq', '"a b"'));
  });
});

describe('parseFilter: and / or', () => {
  it('splits `name eq "a" and name eq "b"` into two terms', () => {
    expect(parsed('name eq "a" and name eq "b"')).toEqual(and(cmp('name', 'eq', 'a'), cmp('name', 'eq', 'b')));
  });

  it('splits or-joined quoted terms', () => {
    expect(parsed('name eq "a" or name eq "b"')).toEqual(or(cmp('name', 'eq', 'a'), cmp('name', 'eq', 'b')));
  });

  it('flattens a chain of the same keyword into one node', () => {
    expect(parsed('state eq A or state eq B or state eq C')).toEqual(
      or(cmp('state', 'eq', 'A'), cmp('state', 'eq', 'B'), cmp('state', 'eq', 'C')),
    );
    expect(parsed('name eq "a" and state eq B and custom_template eq hris')).toEqual(
      and(cmp('name', 'eq', 'a'), cmp('state', 'eq', 'B'), cmp('custom_template', 'eq', 'hris')),
    );
  });

  it('binds and tighter than or, on either side', () => {
    expect(parsed('name eq a or name eq b and state eq c')).toEqual(
      or(cmp('name', 'eq', 'a'), and(cmp('name', 'eq', 'b'), cmp('state', 'eq', 'c'))),
    );
    expect(parsed('name eq a and name eq b or state eq c')).toEqual(
      or(and(cmp('name', 'eq', 'a'), cmp('name', 'eq', 'b')), cmp('state', 'eq', 'c')),
    );
    expect(parsed('name eq "a" and state eq X or name eq "b" and state eq Y')).toEqual(
      or(and(cmp('name', 'eq', 'a'), cmp('state', 'eq', 'X')), and(cmp('name', 'eq', 'b'), cmp('state', 'eq', 'Y'))),
    );
  });

  it.each(['AND', 'And', 'aNd'])('accepts the keyword %s', (keyword) => {
    expect(parsed(`state eq A ${keyword} name eq "b"`)).toEqual(and(cmp('state', 'eq', 'A'), cmp('name', 'eq', 'b')));
  });

  it.each(['OR', 'Or', 'oR'])('accepts the keyword %s, also after a quoted value', (keyword) => {
    expect(parsed(`name eq "a" ${keyword} name eq "b"`)).toEqual(or(cmp('name', 'eq', 'a'), cmp('name', 'eq', 'b')));
  });

  it('recognises an upper-case continuation after a quoted value', () => {
    expect(parsed('NAME EQ "a" AND STATE NE DISABLED')).toEqual(
      and(cmp('name', 'eq', 'a'), cmp('state', 'ne', 'DISABLED')),
    );
  });
});

describe('parseFilter: parentheses', () => {
  it('groups an or inside an and', () => {
    expect(parsed('(name eq a or name eq b) and state eq c')).toEqual(
      and(or(cmp('name', 'eq', 'a'), cmp('name', 'eq', 'b')), cmp('state', 'eq', 'c')),
    );
  });

  it('overrides precedence on the right with bare values', () => {
    expect(parsed('state eq c and (name eq a or name eq b)')).toEqual(
      and(cmp('state', 'eq', 'c'), or(cmp('name', 'eq', 'a'), cmp('name', 'eq', 'b'))),
    );
  });

  it('handles nested and redundant parentheses and spaces inside them', () => {
    expect(parsed('((name eq "x"))')).toEqual(cmp('name', 'eq', 'x'));
    expect(parsed('( name eq "x" )')).toEqual(cmp('name', 'eq', 'x'));
    expect(parsed('((state eq A or state eq B) and (name eq "c" or name eq "d"))')).toEqual(
      and(or(cmp('state', 'eq', 'A'), cmp('state', 'eq', 'B')), or(cmp('name', 'eq', 'c'), cmp('name', 'eq', 'd'))),
    );
  });

  it('ends a quoted value at a quote followed by ")"', () => {
    expect(parsed('(name eq "x") or (name eq "y")')).toEqual(or(cmp('name', 'eq', 'x'), cmp('name', 'eq', 'y')));
  });

  // BUG (reported): a quoted value directly followed by `and (` / `or (` is not recognised as
  // ending, because the continuation look-ahead only accepts `and|or <field> <op>`, not `and|or (`.
  it('splits a quoted value followed by and + a parenthesised group', () => {
    expect(parsed('name eq "a" and (state eq ENABLED or state eq DISABLED)')).toEqual(
      and(cmp('name', 'eq', 'a'), or(cmp('state', 'eq', 'ENABLED'), cmp('state', 'eq', 'DISABLED'))),
    );
  });

  it('splits a quoted value followed by or + a parenthesised group', () => {
    expect(parsed('name eq "a" or (name eq "b")')).toEqual(or(cmp('name', 'eq', 'a'), cmp('name', 'eq', 'b')));
  });
});

describe('parseFilter: names as oaaclient sends them', () => {
  const awkward = [
    'Sales and Marketing',
    'R or D',
    'x and name eq y',
    "O'Brien's app",
    'Team #1',
    '100% done',
    'key: value',
    'App (v2)',
    '(leading',
    'trailing)',
    'a ) b',
    '@$&*!,_=.-',
  ];

  it.each(awkward)('parses the name %j on its own', (name) => {
    expect(parsed(`name eq "${name}"`)).toEqual(cmp('name', 'eq', name));
  });

  it.each(awkward)('parses the name %j followed by another term', (name) => {
    expect(parsed(`name eq "${name}" and state eq ENABLED`)).toEqual(
      and(cmp('name', 'eq', name), cmp('state', 'eq', 'ENABLED')),
    );
  });

  it.each(awkward)('parses the name %j inside parentheses', (name) => {
    expect(parsed(`(name eq "${name}") or state eq DISABLED`)).toEqual(
      or(cmp('name', 'eq', name), cmp('state', 'eq', 'DISABLED')),
    );
  });

  it('keeps unescaped embedded double quotes in the value', () => {
    expect(parsed('name eq "My "best" app"')).toEqual(cmp('name', 'eq', 'My "best" app'));
    expect(parsed('name eq ""quoted""')).toEqual(cmp('name', 'eq', '"quoted"'));
    expect(parsed('name eq "say "and" more"')).toEqual(cmp('name', 'eq', 'say "and" more'));
    expect(parsed('name eq "ends with "')).toEqual(cmp('name', 'eq', 'ends with '));
  });

  it('keeps embedded quotes and still splits the following term', () => {
    expect(parsed('name eq "My "best" app" and state eq ENABLED')).toEqual(
      and(cmp('name', 'eq', 'My "best" app'), cmp('state', 'eq', 'ENABLED')),
    );
    expect(parsed('name eq "a "or" b" or name eq "c"')).toEqual(
      or(cmp('name', 'eq', 'a "or" b'), cmp('name', 'eq', 'c')),
    );
  });

  it('keeps a quote followed by a keyword that does not start a term inside the value', () => {
    // `" and more` is not `and <field> <op>`, so the quote before it belongs to the name.
    expect(parsed('name eq "He said "hi" and more"')).toEqual(cmp('name', 'eq', 'He said "hi" and more'));
  });

  // BUG (reported): a `"` followed by `)` always ends the value, even at the top level where no
  // group is open, so a name holding `")` (both characters are allowed in names) cannot be found.
  it('keeps `")` inside a name when no group is open', () => {
    expect(parsed('name eq "Say "hi") there"')).toEqual(cmp('name', 'eq', 'Say "hi") there'));
  });

  // BUG (reported): after a quoted value the continuation look-ahead demands whitespace after the
  // operator, though a term on its own may omit it (`state eq"b"`); the next term is then
  // silently swallowed into the first value.
  it('splits a following term written without a space after its operator', () => {
    expect(parsed('name eq "a" and state eq"b"')).toEqual(and(cmp('name', 'eq', 'a'), cmp('state', 'eq', 'b')));
  });
});

describe('parseFilter: errors', () => {
  it('names an unknown field and lists the filterable ones', () => {
    const message = rejected('owner eq "x"');
    expect(message).toContain('unknown field "owner"');
    expect(message).toContain('name, state, custom_template');
  });

  it('rejects an unknown field in a later term', () => {
    expect(rejected('name eq "a" and colour eq red')).toContain('unknown field "colour"');
  });

  it('lists the filterable fields of the list being filtered', () => {
    const message = rejected('state eq X', ['name', 'status']);
    expect(message).toContain('unknown field "state"');
    expect(message).toContain('name, status');
  });

  it('names an unknown operator and lists the valid ones', () => {
    const message = rejected('name gt "x"');
    expect(message).toContain('unknown operator "gt"');
    expect(message).toContain('eq, ne, co, sw');
  });

  it('rejects a symbolic operator', () => {
    expect(rejected('name = "x"')).toContain('expected an operator');
  });

  it('rejects a field with no operator', () => {
    expect(rejected('name')).toContain('expected an operator');
  });

  it.each(['name eq', 'name eq   ', '(name eq )', 'state eq A and name eq'])(
    'rejects a missing value in %j',
    (text) => {
      expect(rejected(text)).toContain('expected a value');
    },
  );

  it.each(['name eq "abc', 'name eq "', 'state eq A and name eq "b'])('rejects an unterminated quote in %j', (text) => {
    expect(rejected(text)).toContain('unterminated quoted value');
  });

  it.each(['(name eq "a"', '(state eq A or state eq B', '((state eq A)'])('rejects a missing ")" in %j', (text) => {
    expect(rejected(text)).toContain('missing ")"');
  });

  it('rejects trailing junk after a bare value and quotes it', () => {
    expect(rejected('state eq ENABLED junk')).toContain('unexpected text "junk"');
  });

  it('rejects an unmatched ")"', () => {
    expect(rejected('name eq "a" )')).toContain('unexpected text ")"');
    expect(rejected('state eq A)')).toContain('unexpected text ")"');
  });

  it('rejects trailing junk after a quoted value', () => {
    rejected('name eq "a" junk');
  });

  // BUG (reported, diagnostic only): trailing junk after a quoted value is reported as an
  // "unterminated quoted value" instead of naming the unexpected text.
  it('names the trailing junk after a quoted value', () => {
    expect(rejected('name eq "a" junk')).toContain('unexpected text');
  });

  it('rejects a quoted value followed by a term that lacks its value', () => {
    rejected('name eq "a" and state eq');
  });

  // Same cause as above: the missing value is reported as an "unterminated quoted value".
  it('names the missing value of a term that follows a quoted value', () => {
    expect(rejected('name eq "a" and state eq')).toContain('expected a value');
  });

  it('rejects a dangling keyword', () => {
    expect(rejected('state eq A and')).toContain('unexpected text "and"');
    expect(rejected('state eq A or ')).toContain('expected a field name');
  });

  it('rejects an empty filter and an empty group', () => {
    expect(rejected('')).toContain('expected a field name');
    expect(rejected('()')).toContain('expected a field name');
  });

  it('gives the 1-based position of the problem: where an unknown word starts', () => {
    expect(rejected('owner eq "x"')).toMatch(/at position 1$/);
    expect(rejected('state between A')).toMatch(/unknown operator "between" .* at position 7$/);
    expect(rejected('state eq A junk')).toMatch(/at position 12$/);
  });

  it('never throws, whatever the input', () => {
    const inputs = ['"', '(', ')', '((((', '))))', 'and', 'or or', 'name eq "', '" name eq x', 'name eq ("x")', '\u0000'];
    for (const text of inputs) {
      expect(() => parseFilter(text, FIELDS)).not.toThrow();
      expect(parseFilter(text, FIELDS).ok).toBe(false);
    }
  });
});

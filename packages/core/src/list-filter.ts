import { issue, type Checked } from './validation-issue.js';

/** Comparison operators of the OAA list filter: equals, not equals, contains, starts with. */
export const FILTER_OPERATORS = ['eq', 'ne', 'co', 'sw'] as const;
/** Ranges as well, for filters over typed values (node properties: numbers, timestamps). */
export const RANGE_OPERATORS = ['gt', 'ge', 'lt', 'le'] as const;
export type FilterOperator = (typeof FILTER_OPERATORS)[number] | (typeof RANGE_OPERATORS)[number];

/** What a filter may name: these fields (matched ignoring case), or any identifier. */
export interface FilterGrammar {
  fields: readonly string[] | 'any';
  operators: readonly FilterOperator[];
}

export type FilterNode =
  | { kind: 'compare'; field: string; op: FilterOperator; value: string }
  | { kind: 'and' | 'or'; terms: FilterNode[] };

/**
 * Parses a Veza list filter such as `name eq "GitHub" and state ne DISABLED`.
 *
 * Grammar: `term (and|or term)*` with `and` binding tighter than `or`, parentheses for grouping,
 * keywords in any case; a term is `field op value` with `value` double-quoted or a bare token.
 * Written by hand because the grammar is Veza's own, and small.
 *
 * oaaclient does not escape `"` inside a quoted name, so a quoted value ends at the first quote
 * that is followed by the end of the filter, by `)` while a group is open, or by `and|or` and
 * the start of another term; the quotes before it belong to the value (`name eq "My "best" app"`
 * is the name `My "best" app`). When no quote qualifies, the first one closes the value, so the
 * error that follows points at the real mistake.
 */
export function parseFilter(text: string, fields: readonly string[] | FilterGrammar): Checked<FilterNode> {
  const parser = new FilterParser(text, Array.isArray(fields) ? { fields, operators: FILTER_OPERATORS } : (fields as FilterGrammar));
  try {
    const node = parser.parseOr();
    parser.skipSpace();
    if (!parser.atEnd()) parser.fail(`unexpected text "${parser.rest().slice(0, 20)}"`);
    return { ok: true, value: node };
  } catch (error) {
    if (error instanceof FilterSyntaxError) {
      return { ok: false, issues: [issue('filter', 'invalid_filter', error.message)] };
    }
    throw error;
  }
}

class FilterSyntaxError extends Error {}

const CONTINUATION = new RegExp(
  `^\\s+(and|or)\\s+(\\(|[A-Za-z_][A-Za-z0-9_]*\\s+(${[...FILTER_OPERATORS, ...RANGE_OPERATORS].join('|')})(?=[\\s"(]|$))`,
  'i',
);

class FilterParser {
  private pos = 0;
  private depth = 0;
  constructor(
    private readonly text: string,
    private readonly grammar: FilterGrammar,
  ) {}

  atEnd(): boolean {
    return this.pos >= this.text.length;
  }

  rest(): string {
    return this.text.slice(this.pos);
  }

  skipSpace(): void {
    while (!this.atEnd() && /\s/.test(this.text[this.pos]!)) this.pos++;
  }

  /** Fails at `at` (0-based; where the offending word starts), else where the parser stands. */
  fail(message: string, at = this.pos): never {
    throw new FilterSyntaxError(`${message} at position ${at + 1}`);
  }

  parseOr(): FilterNode {
    const terms = [this.parseAnd()];
    while (this.acceptKeyword('or')) terms.push(this.parseAnd());
    return terms.length === 1 ? terms[0]! : { kind: 'or', terms };
  }

  private parseAnd(): FilterNode {
    const terms = [this.parseTerm()];
    while (this.acceptKeyword('and')) terms.push(this.parseTerm());
    return terms.length === 1 ? terms[0]! : { kind: 'and', terms };
  }

  private acceptKeyword(word: string): boolean {
    const match = new RegExp(`^\\s+${word}\\s+`, 'i').exec(this.rest());
    if (!match) return false;
    this.pos += match[0].length;
    return true;
  }

  private parseTerm(): FilterNode {
    this.skipSpace();
    if (this.text[this.pos] === '(') {
      this.pos++;
      this.depth++;
      const inner = this.parseOr();
      this.skipSpace();
      if (this.text[this.pos] !== ')') this.fail('missing ")"');
      this.pos++;
      this.depth--;
      return inner;
    }
    const fieldAt = this.pos;
    const field = this.readWord('a field name');
    const { fields, operators } = this.grammar;
    const known = fields === 'any' ? field : fields.find((f) => f.toLowerCase() === field.toLowerCase());
    if (!known) this.fail(`unknown field "${field}" (filterable: ${(fields as readonly string[]).join(', ')})`, fieldAt);
    this.skipSpace();
    const opAt = this.pos;
    const opWord = this.readWord('an operator').toLowerCase();
    const op = operators.find((o) => o === opWord);
    if (!op) this.fail(`unknown operator "${opWord}" (use ${operators.join(', ')})`, opAt);
    this.skipSpace();
    return { kind: 'compare', field: known, op, value: this.readValue() };
  }

  private readWord(what: string): string {
    const match = /^[A-Za-z_][A-Za-z0-9_]*/.exec(this.rest());
    if (!match) this.fail(`expected ${what}`);
    this.pos += match[0].length;
    return match[0];
  }

  private readValue(): string {
    if (this.atEnd()) this.fail('expected a value');
    if (this.text[this.pos] !== '"') {
      const match = /^[^\s()"]+/.exec(this.rest());
      if (!match) this.fail('expected a value');
      this.pos += match[0].length;
      return match[0];
    }
    const open = this.pos;
    const first = this.text.indexOf('"', open + 1);
    if (first === -1) this.fail('unterminated quoted value');
    let close = first;
    for (let at = first; at !== -1; at = this.text.indexOf('"', at + 1)) {
      const after = this.text.slice(at + 1);
      if (/^\s*$/.test(after) || (this.depth > 0 && /^\s*\)/.test(after)) || CONTINUATION.test(after)) {
        close = at;
        break;
      }
    }
    this.pos = close + 1;
    return this.text.slice(open + 1, close);
  }
}

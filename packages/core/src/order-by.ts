import { issue, type Checked } from './validation-issue.js';

export interface OrderTerm {
  field: string;
  direction: 'asc' | 'desc';
}

/** Parses `order_by` such as `state, name desc` against the fields a list can be sorted by. */
export function parseOrderBy(text: string, fields: readonly string[]): Checked<OrderTerm[]> {
  const terms: OrderTerm[] = [];
  for (const part of text.split(',')) {
    const words = part.trim().split(/\s+/).filter(Boolean);
    const [name, dir, ...extra] = words;
    const field = fields.find((f) => f.toLowerCase() === name?.toLowerCase());
    const direction = (dir ?? 'asc').toLowerCase();
    const problem = !name
      ? 'an empty term'
      : !field
        ? `unknown field "${name}" (sortable: ${fields.join(', ')})`
        : direction !== 'asc' && direction !== 'desc'
          ? `direction "${dir}" is not asc or desc`
          : extra.length > 0
            ? `unexpected "${extra.join(' ')}" after "${name} ${dir}"`
            : terms.some((t) => t.field === field)
              ? `field "${name}" is listed twice`
              : undefined;
    if (problem || !field) {
      return { ok: false, issues: [issue('order_by', 'invalid_order_by', problem ?? 'invalid')] };
    }
    terms.push({ field, direction: direction as 'asc' | 'desc' });
  }
  return { ok: true, value: terms };
}

import type { FilterNode, FilterOperator } from '../list-filter.js';

/**
 * Whether a node's properties satisfy a property filter (`department eq "Sales" and badge ge 5`).
 * A field names a built-in property, or a custom one without its `customprop_` prefix (either
 * spelling, any case). Values compare by the property's type: numbers numerically (when the
 * value is a number), booleans with `true` / `false`, timestamps in time order (when both sides
 * are ISO-8601 times), other strings ignoring case; a list matches when one of its entries does
 * (`ne`: when none equals). A missing property matches only `ne`.
 *
 * Evaluated in JavaScript, as rows are read: the same rules on both engines, with JavaScript's
 * case folding, which neither engine's lower() matches in every locale.
 */
export function matchesProperties(filter: FilterNode, properties: Readonly<Record<string, unknown>>): boolean {
  if (filter.kind !== 'compare') return filter.kind === 'and' ? filter.terms.every((t) => matchesProperties(t, properties)) : filter.terms.some((t) => matchesProperties(t, properties));
  const value = propertyOf(properties, filter.field);
  if (filter.op === 'ne') return !someEntry(value, (v) => compare(v, 'eq', filter.value));
  return someEntry(value, (v) => compare(v, filter.op, filter.value));
}

/** A property by the name a filter uses: as stored, else ignoring case, with or without `customprop_`. */
export function propertyOf(properties: Readonly<Record<string, unknown>>, field: string): unknown {
  if (field in properties) return properties[field];
  const wanted = [field.toLowerCase(), `customprop_${field.toLowerCase()}`];
  for (const name of wanted) {
    const found = Object.keys(properties).find((k) => k.toLowerCase() === name);
    if (found !== undefined) return properties[found];
  }
  return undefined;
}

function someEntry(value: unknown, test: (v: unknown) => boolean): boolean {
  return Array.isArray(value) ? value.some(test) : value !== undefined && value !== null && test(value);
}

const ISO_TIME = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/i;

function compare(property: unknown, op: FilterOperator, text: string): boolean {
  if (typeof property === 'boolean') {
    const wanted = text.toLowerCase();
    return op === 'eq' && (wanted === 'true' || wanted === 'false') && property === (wanted === 'true');
  }
  if (typeof property === 'number') {
    const number = text.trim() === '' ? NaN : Number(text);
    if (Number.isFinite(number) && op !== 'co' && op !== 'sw') return ordered(property - number, op);
    return textual(String(property), op, text);
  }
  if (typeof property === 'string') {
    if ((op === 'gt' || op === 'ge' || op === 'lt' || op === 'le') && ISO_TIME.test(property) && ISO_TIME.test(text)) {
      const [a, b] = [Date.parse(property), Date.parse(text)];
      if (Number.isFinite(a) && Number.isFinite(b)) return ordered(a - b, op);
    }
    return textual(property, op, text);
  }
  return textual(JSON.stringify(property), op, text);
}

function textual(property: string, op: FilterOperator, text: string): boolean {
  const [a, b] = [property.toLowerCase(), text.toLowerCase()];
  switch (op) {
    case 'co':
      return a.includes(b);
    case 'sw':
      return a.startsWith(b);
    default:
      return ordered(a < b ? -1 : a > b ? 1 : 0, op);
  }
}

function ordered(difference: number, op: FilterOperator): boolean {
  switch (op) {
    case 'eq':
      return difference === 0;
    case 'ne':
      return difference !== 0;
    case 'gt':
      return difference > 0;
    case 'ge':
      return difference >= 0;
    case 'lt':
      return difference < 0;
    case 'le':
      return difference <= 0;
    default:
      return false;
  }
}

import type { FilterOperator } from '../list-filter.js';
import { matchesProperties, propertyOf } from '../graph-query/property-filter.js';
import type { ConditionExpression, ConditionFn, ConditionSpec, ScalarValue } from './query-spec.js';

/** Veza's condition functions as the node search's filter operators (the same comparison rules). */
const OPERATORS: Readonly<Record<Exclude<ConditionFn, 'IN'>, FilterOperator>> = {
  EQ: 'eq',
  NEQ: 'ne',
  CONTAINS: 'co',
  STARTS_WITH: 'sw',
  GT: 'gt',
  GTE: 'ge',
  LT: 'lt',
  LTE: 'le',
};

/**
 * Whether a node's properties satisfy a condition expression: its specs and nested expressions
 * joined by its operator (an empty expression holds), then negated when `not`.
 *
 * Each spec compares as the node search's `filter` does (`matchesProperties`), so the two APIs
 * agree: a custom property named with or without `customprop_`, any case; numbers as numbers,
 * booleans, ISO-8601 times in time order, other text ignoring case; a list property matches when
 * one entry does (NEQ: when none equals); a missing property matches only NEQ. `IN` holds when
 * the property equals one of the values. A `null` value asks whether the property is missing
 * (EQ) or present (NEQ).
 */
export function matchesCondition(expression: ConditionExpression, properties: Readonly<Record<string, unknown>>): boolean {
  const terms = [...expression.specs.map((spec) => () => matchesSpec(spec, properties)), ...expression.children.map((child) => () => matchesCondition(child, properties))];
  const held = expression.operator === 'AND' ? terms.every((term) => term()) : terms.length === 0 || terms.some((term) => term());
  return expression.not ? !held : held;
}

function matchesSpec(spec: ConditionSpec, properties: Readonly<Record<string, unknown>>): boolean {
  const held =
    spec.fn === 'IN'
      ? (spec.value as ScalarValue[]).some((value) => compares(spec.property, 'EQ', value, properties))
      : compares(spec.property, spec.fn, spec.value as ScalarValue, properties);
  return spec.not ? !held : held;
}

function compares(property: string, fn: Exclude<ConditionFn, 'IN'>, value: ScalarValue, properties: Readonly<Record<string, unknown>>): boolean {
  if (value === null) {
    // "Is the property set?": a missing property, a null one and an empty list are all unset.
    const found = propertyOf(properties, property);
    const present = found !== undefined && found !== null && !(Array.isArray(found) && found.length === 0);
    return fn === 'NEQ' ? present : fn === 'EQ' ? !present : false;
  }
  return matchesProperties({ kind: 'compare', field: property, op: OPERATORS[fn], value: String(value) }, properties);
}

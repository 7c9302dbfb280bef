import { CANONICAL_PERMISSIONS, type CanonicalPermission } from '@accessgraph/contract';
import { decodeNodeId } from '../graph-query/node-id.js';
import { issue, type Checked, type ValidationIssue } from '../validation-issue.js';
import { nodeTypeKinds } from './node-type-kinds.js';
import {
  CONDITION_FNS,
  type ConditionExpression,
  type ConditionFn,
  type ConditionSpec,
  type NodeSelector,
  type NodeSet,
  type PermissionSet,
  type QuerySpec,
  type Relation,
  type RelationExpression,
  type ScalarValue,
  type SetOperator,
  type TagCondition,
} from './query-spec.js';

type Json = Record<string, unknown>;

/**
 * Checks a query spec (the request body of `query_spec:nodes` / `:result`, or a saved query) and
 * returns it typed, or every problem at once, each naming its JSON path
 * (`source_node_types.nodes[0].condition_expression.specs[1].fn`). Unknown fields are accepted
 * and ignored (a saved query carries its name, labels and more around the spec); what is read is
 * checked strictly: wrong JSON types, unknown functions and operators, missing node types and
 * properties are errors, never guessed at.
 */
export function parseQuerySpec(body: unknown): Checked<QuerySpec> {
  const issues: ValidationIssue[] = [];
  if (!isObject(body)) return { ok: false, issues: [issue('body', 'not_object', 'the query spec must be a JSON object')] };
  const sources = nodeSet(body.source_node_types, 'source_node_types', issues, true);
  const destinations = body.destination_node_types == null ? undefined : nodeSet(body.destination_node_types, 'destination_node_types', issues, false);
  const raw = permissionSet(body.raw_permissions, 'raw_permissions', issues, (value) => value.toLowerCase());
  const effective = permissionSet(body.effective_permissions, 'effective_permissions', issues, canonicalPermission);
  const noRelation = optionalBoolean(body.no_relation, 'no_relation', issues) ?? false;
  const relatesTo = body.relates_to_exp == null ? undefined : relationExpression(body.relates_to_exp, 'relates_to_exp', issues);
  if (issues.length > 0 || sources === undefined) return { ok: false, issues };
  const spec: QuerySpec = { sources };
  const hasDestinations = destinations !== undefined && destinations.selectors.length > 0;
  if (hasDestinations || raw !== undefined || effective !== undefined || noRelation) spec.relation = relationFrom(destinations, raw, effective, noRelation);
  if (relatesTo !== undefined && !isEmpty(relatesTo)) spec.relatesTo = relatesTo;
  return { ok: true, value: spec };
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function nodeSet(value: unknown, path: string, issues: ValidationIssue[], required: boolean): NodeSet | undefined {
  if (value == null) {
    if (required) issues.push(issue(path, 'required', `${path} is required: the node types the query starts from`));
    return undefined;
  }
  if (!isObject(value)) {
    issues.push(issue(path, 'not_object', 'must be an object with "nodes"'));
    return undefined;
  }
  const operator = setOperator(value.nodes_operator, `${path}.nodes_operator`, issues);
  const nodes = optionalArray(value.nodes, `${path}.nodes`, issues);
  if (required && (nodes === undefined || nodes.length === 0) && !issues.some((i) => i.path === `${path}.nodes`)) {
    issues.push(issue(`${path}.nodes`, 'required', 'must list at least one node type'));
  }
  const selectors = (nodes ?? []).map((node, i) => selector(node, `${path}.nodes[${i}]`, issues)).filter((s): s is NodeSelector => s !== undefined);
  return { selectors, operator };
}

function selector(value: unknown, path: string, issues: ValidationIssue[]): NodeSelector | undefined {
  if (!isObject(value)) {
    issues.push(issue(path, 'not_object', 'must be an object with "node_type"'));
    return undefined;
  }
  const nodeType = value.node_type;
  if (typeof nodeType !== 'string' || nodeType.trim() === '') {
    issues.push(issue(`${path}.node_type`, nodeType == null ? 'required' : 'invalid_type', 'must be a non-empty string: a node type such as OAA.<app_type>.User, or a grouping type such as User'));
    return undefined;
  }
  const result: NodeSelector = { nodeType, ...nodeTypeKinds(nodeType.trim()), tags: tagList(value.tags, `${path}.tags`, issues), excludedTags: tagList(value.excluded_tags, `${path}.excluded_tags`, issues) };
  if (value.condition_expression != null) {
    const condition = expression(value.condition_expression, `${path}.condition_expression`, issues);
    if (condition !== undefined) result.condition = condition;
  }
  if (value.node_id != null && value.node_id !== '') {
    if (typeof value.node_id !== 'string') issues.push(issue(`${path}.node_id`, 'invalid_type', 'must be a string: a node id of this server (as /api/v1/graph/nodes answers it)'));
    else if (decodeNodeId(value.node_id) === undefined) issues.push(issue(`${path}.node_id`, 'invalid_node_id', `"${value.node_id}" is not a node id of this server (ids come from /api/v1/graph/nodes)`));
    else result.nodeId = value.node_id;
  }
  optionalBoolean(value.direct_relationship_only, `${path}.direct_relationship_only`, issues);
  return result;
}

function tagList(value: unknown, path: string, issues: ValidationIssue[]): TagCondition[] {
  const list = optionalArray(value, path, issues) ?? [];
  const tags: TagCondition[] = [];
  for (const [i, tag] of list.entries()) {
    const at = `${path}[${i}]`;
    if (!isObject(tag)) issues.push(issue(at, 'not_object', 'must be an object with "key" (and optionally "value")'));
    else if (typeof tag.key !== 'string' || tag.key === '') issues.push(issue(`${at}.key`, tag.key == null ? 'required' : 'invalid_type', 'must be a non-empty string'));
    else if (tag.value != null && typeof tag.value !== 'string') issues.push(issue(`${at}.value`, 'invalid_type', 'must be a string'));
    // An empty or absent value asks for the key with any value.
    else tags.push(typeof tag.value === 'string' && tag.value !== '' ? { key: tag.key, value: tag.value } : { key: tag.key });
  }
  return tags;
}

function expression(value: unknown, path: string, issues: ValidationIssue[]): ConditionExpression | undefined {
  if (!isObject(value)) {
    issues.push(issue(path, 'not_object', 'must be an object with "specs", "child_expressions", "operator" and "not"'));
    return undefined;
  }
  const specs = (optionalArray(value.specs, `${path}.specs`, issues) ?? []).map((s, i) => conditionSpec(s, `${path}.specs[${i}]`, issues));
  const children = (optionalArray(value.child_expressions, `${path}.child_expressions`, issues) ?? []).map((c, i) => expression(c, `${path}.child_expressions[${i}]`, issues));
  const operator = setOperator(value.operator, `${path}.operator`, issues, 'AND');
  const not = optionalBoolean(value.not, `${path}.not`, issues) ?? false;
  if (specs.some((s) => s === undefined) || children.some((c) => c === undefined)) return undefined;
  return { specs: specs as ConditionSpec[], children: children as ConditionExpression[], operator, not };
}

function conditionSpec(value: unknown, path: string, issues: ValidationIssue[]): ConditionSpec | undefined {
  if (!isObject(value)) {
    issues.push(issue(path, 'not_object', 'must be an object with "property", "fn" and "value"'));
    return undefined;
  }
  const before = issues.length;
  const property = value.property;
  if (typeof property !== 'string' || property.trim() === '') {
    issues.push(issue(`${path}.property`, property == null ? 'required' : 'invalid_type', 'must be a non-empty string: a property name such as is_active or customprop_department'));
  }
  let fn: ConditionFn = 'EQ';
  if (value.fn != null) {
    const wanted = typeof value.fn === 'string' ? CONDITION_FNS.find((f) => f === (value.fn as string).toUpperCase()) : undefined;
    if (wanted === undefined) issues.push(issue(`${path}.fn`, 'unknown_fn', `unknown function ${JSON.stringify(value.fn)}: use one of ${CONDITION_FNS.join(', ')}`));
    else fn = wanted;
  }
  const not = optionalBoolean(value.not, `${path}.not`, issues) ?? false;
  if (!('value' in value)) issues.push(issue(`${path}.value`, 'required', fn === 'IN' ? 'IN needs a list of values' : 'is required (null asks whether the property is unset)'));
  else if (fn === 'IN') {
    if (!Array.isArray(value.value)) issues.push(issue(`${path}.value`, 'invalid_type', 'IN needs a list of strings, numbers or booleans'));
    else for (const [i, v] of value.value.entries()) if (!isScalar(v)) issues.push(issue(`${path}.value[${i}]`, 'invalid_type', 'must be a string, number, boolean or null'));
  } else if (!isScalar(value.value)) {
    issues.push(issue(`${path}.value`, 'invalid_type', `${fn} needs one string, number, boolean or null (a list is for IN)`));
  }
  if (issues.length > before) return undefined;
  return { fn, property: (property as string).trim(), value: value.value as ScalarValue | ScalarValue[], not };
}

function isScalar(value: unknown): value is ScalarValue {
  return value === null || typeof value === 'string' || typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value));
}

function permissionSet<T extends string>(value: unknown, path: string, issues: ValidationIssue[], read: (value: string) => T | undefined): PermissionSet<T> | undefined {
  if (value == null) return undefined;
  if (!isObject(value)) {
    issues.push(issue(path, 'not_object', 'must be an object with "values" and "operator"'));
    return undefined;
  }
  const operator = setOperator(value.operator, `${path}.operator`, issues);
  const values: T[] = [];
  for (const [i, v] of (optionalArray(value.values, `${path}.values`, issues) ?? []).entries()) {
    const known = typeof v === 'string' && v.trim() !== '' ? read(v.trim()) : undefined;
    if (known !== undefined) values.push(known);
    else if (typeof v !== 'string' || v.trim() === '') issues.push(issue(`${path}.values[${i}]`, 'invalid_type', 'must be a non-empty string'));
    else issues.push(issue(`${path}.values[${i}]`, 'unknown_permission', `unknown effective permission "${v}": use one of ${CANONICAL_PERMISSIONS.map(upperSnake).join(', ')}`));
  }
  // No values: no filter (Veza's UI sends an empty list for "any permission").
  return values.length === 0 ? undefined : { values: [...new Set(values)], operator };
}

/** `DATA_READ`, `DataRead` and `data_read` name the canonical type `DataRead`. */
function canonicalPermission(value: string): CanonicalPermission | undefined {
  const key = value.replace(/_/g, '').toLowerCase();
  return CANONICAL_PERMISSIONS.find((c) => c.toLowerCase() === key);
}

function upperSnake(type: string): string {
  return type.replace(/([a-z])([A-Z])/g, '$1_$2').toUpperCase();
}

function setOperator(value: unknown, path: string, issues: ValidationIssue[], fallback: SetOperator = 'OR'): SetOperator {
  if (value == null || value === '') return fallback;
  if (typeof value === 'string' && (value.toUpperCase() === 'AND' || value.toUpperCase() === 'OR')) return value.toUpperCase() as SetOperator;
  issues.push(issue(path, 'unknown_operator', `unknown operator ${JSON.stringify(value)}: use AND or OR`));
  return fallback;
}

function optionalArray(value: unknown, path: string, issues: ValidationIssue[]): unknown[] | undefined {
  if (value == null) return undefined;
  if (Array.isArray(value)) return value;
  issues.push(issue(path, 'invalid_type', 'must be a list'));
  return undefined;
}

function optionalBoolean(value: unknown, path: string, issues: ValidationIssue[]): boolean | undefined {
  if (value == null) return undefined;
  if (typeof value === 'boolean') return value;
  issues.push(issue(path, 'invalid_type', 'must be true or false'));
  return undefined;
}

/**
 * `relates_to_exp`: relations and nested expressions joined by `operator` (AND by default),
 * negated with `not`. Each spec is a relation of its own: `node_types` (the destinations; none:
 * any application or resource), `raw_permissions`, `effective_permissions`, `no_relation`;
 * `direction` is accepted and ignored (relations are read both ways). An empty expression is none.
 */
function relationExpression(value: unknown, path: string, issues: ValidationIssue[]): RelationExpression | undefined {
  if (!isObject(value)) {
    issues.push(issue(path, 'not_object', 'must be an object with "specs", "child_expressions", "operator" and "not"'));
    return undefined;
  }
  const relations = (optionalArray(value.specs, `${path}.specs`, issues) ?? []).map((r, i) => relationSpec(r, `${path}.specs[${i}]`, issues));
  const children = (optionalArray(value.child_expressions, `${path}.child_expressions`, issues) ?? []).map((c, i) => relationExpression(c, `${path}.child_expressions[${i}]`, issues));
  const operator = setOperator(value.operator, `${path}.operator`, issues, 'AND');
  const not = optionalBoolean(value.not, `${path}.not`, issues) ?? false;
  if (relations.some((r) => r === undefined) || children.some((c) => c === undefined)) return undefined;
  const kept = children.filter((c): c is RelationExpression => c !== undefined && !isEmpty(c));
  return { relations: relations as Relation[], children: kept, operator, not };
}

function isEmpty(expression: RelationExpression): boolean {
  return expression.relations.length === 0 && expression.children.length === 0;
}

function relationSpec(value: unknown, path: string, issues: ValidationIssue[]): Relation | undefined {
  if (!isObject(value)) {
    issues.push(issue(path, 'not_object', 'must be an object with "node_types", "raw_permissions", "effective_permissions" and "no_relation"'));
    return undefined;
  }
  const before = issues.length;
  const destinations = value.node_types == null ? undefined : nodeSet(value.node_types, `${path}.node_types`, issues, false);
  const raw = permissionSet(value.raw_permissions, `${path}.raw_permissions`, issues, (v) => v.toLowerCase());
  const effective = permissionSet(value.effective_permissions, `${path}.effective_permissions`, issues, canonicalPermission);
  const noRelation = optionalBoolean(value.no_relation, `${path}.no_relation`, issues) ?? false;
  if (value.direction != null && typeof value.direction !== 'string' && typeof value.direction !== 'number') issues.push(issue(`${path}.direction`, 'invalid_type', 'must be a string such as ANY_DIRECTION'));
  if (issues.length > before) return undefined;
  return relationFrom(destinations, raw, effective, noRelation);
}

/** A relation from its parts; destinations without selectors mean any application or resource. */
function relationFrom(destinations: NodeSet | undefined, raw: PermissionSet<string> | undefined, effective: PermissionSet<CanonicalPermission> | undefined, noRelation: boolean): Relation {
  return {
    ...(destinations !== undefined && destinations.selectors.length > 0 ? { destinations } : {}),
    ...(raw !== undefined ? { rawPermissions: raw } : {}),
    ...(effective !== undefined ? { effectivePermissions: effective } : {}),
    noRelation,
  };
}

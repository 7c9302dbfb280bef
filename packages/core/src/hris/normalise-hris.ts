import { at, type IssueCollector } from '../payload/issues.js';

/**
 * Brings an HRIS payload to its snake_case form (spec §7.1, §15.5). The seeds print the template
 * with the display names of its fields (`"Employee Number"`, `"IDP ID"`, `"System": {"URL"}`) and
 * references as bare strings (`"Managers": ["987654"]`, `"Department": "002"`); oaaclient sends
 * snake_case and `{"id": ...}` objects. Keys are lower-cased with spaces as underscores, and bare
 * string references become `{"id": ...}`, at the levels where the template has fields: the top,
 * the system, each employee and group, and the property definitions (property names, in
 * `custom_properties` and in the definitions' maps, are the caller's and stay as written).
 * Two keys that normalise to the same field are an error; the rest is the schema's job.
 */
export function normaliseHrisPayload(payload: unknown, issues: IssueCollector): unknown {
  if (!isObject(payload)) return payload;
  const top = normaliseKeys(payload, '', issues);
  if (isObject(top.system)) top.system = normaliseKeys(top.system, 'system', issues);
  if (isObject(top.custom_property_definition)) top.custom_property_definition = normaliseKeys(top.custom_property_definition, 'custom_property_definition', issues);
  if (Array.isArray(top.employees)) {
    top.employees = top.employees.map((employee, i) => (isObject(employee) ? normaliseEmployee(normaliseKeys(employee, at('employees', i), issues)) : employee));
  }
  if (Array.isArray(top.groups)) {
    top.groups = top.groups.map((group, i) => (isObject(group) ? normaliseKeys(group, at('groups', i), issues) : group));
  }
  return top;
}

/** `Employee Number` -> employee_number, `IDP ID` -> idp_id, `URL` -> url: every display name lower-cases to its field. */
function fieldName(key: string): string {
  return key.trim().toLowerCase().replace(/\s+/g, '_');
}

/** A key already in snake_case: most payloads (oaaclient's) have only these, and keep their objects. */
const CANONICAL_KEY = /^[a-z0-9_]+$/;

function normaliseKeys(object: Record<string, unknown>, path: string, issues: IssueCollector): Record<string, unknown> {
  let canonical = true;
  for (const key in object) {
    if (!CANONICAL_KEY.test(key)) {
      canonical = false;
      break;
    }
  }
  if (canonical) return object;
  const result: Record<string, unknown> = {};
  const from = new Map<string, string>();
  for (const [key, value] of Object.entries(object)) {
    const name = fieldName(key);
    const earlier = from.get(name);
    if (earlier !== undefined) {
      issues.error(at(path, key), 'duplicate_field', `"${key}" and "${earlier}" are both the field ${name}; send it once`);
      continue;
    }
    from.set(name, key);
    result[name] = value;
  }
  return result;
}

/** An employee's references as `{"id": ...}` objects, however they were written (in place). */
function normaliseEmployee(employee: Record<string, unknown>): Record<string, unknown> {
  for (const field of ['department', 'cost_center']) {
    if (typeof employee[field] === 'string') employee[field] = { id: employee[field] };
  }
  for (const field of ['managers', 'groups']) {
    const list = employee[field];
    if (Array.isArray(list)) employee[field] = list.map((item) => (typeof item === 'string' ? { id: item } : item));
  }
  return employee;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

import type { HrisPayload, OaaHrisEmployee, PropertyType } from '@accessgraph/contract';
import { references, type Reference } from '../application/keyed-collection.js';
import type { Entity } from '../application/model.js';
import { findCycles } from '../graph/cycles.js';
import { readCustomProperties, readDefinitions } from '../payload/custom-properties.js';
import { builtIns, rejectOperation } from '../payload/entity-common.js';
import { at, type IssueCollector } from '../payload/issues.js';
import { checkField, checkStrings, checkTimestamp } from '../payload/strings.js';
import { keyItems } from '../payload/unique-keys.js';

/**
 * An HRIS payload after validation (spec §7). Employees are keyed by `id` (falling back to
 * `employee_number`), groups by `id`, lower-cased. HRIS data grants no access: it describes
 * people (manager, department, status) and is linked to identity provider users.
 */
export interface HrisModel {
  name: string;
  hrisType: string;
  system: Entity & { idpProviders: string[] };
  employees: Map<string, EmployeeEntity>;
  groups: Map<string, HrisGroupEntity>;
}

export interface EmployeeEntity extends Entity {
  /** The strings an IdP identity is matched against, in the documented order (spec §7.3). */
  idpId: string | null;
  email: string | null;
  /** Keys of the groups it names, with the field that named each and the place in `groups` (-1 for the others). */
  groups: Array<{ key: string; via: 'groups' | 'department' | 'cost_center'; index: number }>;
  /** Keys of its managers, with their place in `managers`. */
  managers: Reference[];
}

export interface HrisGroupEntity extends Entity {
  parent: string | null;
}

const STRING_FIELDS = [
  'name', 'employee_number', 'company', 'first_name', 'last_name', 'preferred_name', 'display_full_name', 'canonical_name',
  'username', 'email', 'idp_id', 'personal_email', 'home_location', 'work_location', 'job_title', 'primary_time_zone', 'employment_status',
] as const;
const EMPLOYEE_FIELDS = [...STRING_FIELDS, 'is_active', 'start_date', 'termination_date', 'employment_types'] as const;
/** What the field table marks required beyond the key; their absence is a warning (spec §15.29). */
const EXPECTED_FIELDS = ['employee_number', 'first_name', 'last_name', 'employment_status', 'is_active'] as const;
const DEFAULT_HRIS_TYPE = 'HRIS';

type Definitions = Record<'system' | 'employee' | 'group', Map<string, PropertyType>>;

/**
 * Checks the meaning of a full HRIS payload (normalised, shape accepted), reporting every problem
 * with its JSON path, and returns the model. What identifies an employee (`id` or
 * `employee_number`) and a group (`id`) is required, and unique; other fields the docs call
 * required but their own examples omit are warned about, field by field. References to groups
 * and managers that the payload does not define are warnings; group nesting may not loop.
 */
export function readHrisPayload(payload: HrisPayload, issues: IssueCollector): HrisModel {
  const d = payload.custom_property_definition;
  const definitions: Definitions = {
    system: readDefinitions(d?.system_properties, 'custom_property_definition.system_properties', issues),
    employee: readDefinitions(d?.employee_properties, 'custom_property_definition.employee_properties', issues),
    group: readDefinitions(d?.group_properties, 'custom_property_definition.group_properties', issues),
  };
  const system = readSystem(payload, definitions, issues);
  const name = payload.name || system.name;
  if (!payload.name) issues.warn('name', 'missing_field', `the HRIS payload has no name; "${name}" is used`);
  checkField(payload.name, '', 'name', issues);
  const hrisType = payload.hris_type || DEFAULT_HRIS_TYPE;
  if (!payload.hris_type) issues.warn('hris_type', 'missing_field', `the HRIS payload has no hris_type; "${DEFAULT_HRIS_TYPE}" is used`);
  checkField(payload.hris_type, '', 'hris_type', issues);
  const groups = readGroups(payload, definitions, issues);
  const employees = readEmployees(payload, definitions, issues);
  checkReferences(employees, groups, issues);
  return { name, hrisType, system, employees, groups };
}

function readSystem(payload: HrisPayload, definitions: Definitions, issues: IssueCollector): HrisModel['system'] {
  const system = payload.system;
  const path = 'system';
  if (!system) issues.warn(path, 'missing_field', 'the HRIS payload has no system; one named after the payload is used');
  for (const field of ['id', 'name', 'url'] as const) checkField(system?.[field], path, field, issues);
  const name = system?.name || system?.id || payload.name || DEFAULT_HRIS_TYPE;
  const id = system?.id || name;
  for (const field of ['id', 'name'] as const) {
    if (system && !system[field]) issues.warn(at(path, field), 'missing_field', `the system has no ${field}; "${field === 'id' ? id : name}" is used`);
  }
  const properties = builtIns(system ?? {}, ['url', 'idp_providers']);
  readCustomProperties(system?.custom_properties, definitions.system, path, 'the system', issues, properties);
  return { key: id.toLowerCase(), localKey: id, name, path, properties, tags: [], idpProviders: [...new Set(system?.idp_providers ?? [])] };
}

function readGroups(payload: HrisPayload, definitions: Definitions, issues: IssueCollector): Map<string, HrisGroupEntity> {
  const groups = new Map<string, HrisGroupEntity>();
  const keyOf = (group: { id?: string | null }, path: string) => {
    if (group.id) return { value: group.id, field: 'id' };
    issues.error(at(path, 'id'), 'required', 'an HRIS group needs an id (employees and groups refer to it by id)');
    return undefined;
  };
  for (const { item, path, key, localKey } of keyItems(payload.groups, 'groups', 'group', keyOf, issues)) {
    if (item.operation != null) rejectOperation(path, issues);
    for (const field of ['name', 'group_type', 'parent'] as const) checkField(item[field], path, field, issues);
    const properties = builtIns(item, ['group_type', 'parent']);
    readCustomProperties(item.custom_properties, definitions.group, path, 'groups', issues, properties);
    groups.set(key, { key, localKey, name: item.name || localKey, path, properties, tags: [], parent: item.parent ? item.parent.toLowerCase() : null });
  }
  return groups;
}

function readEmployees(payload: HrisPayload, definitions: Definitions, issues: IssueCollector): Map<string, EmployeeEntity> {
  const employees = new Map<string, EmployeeEntity>();
  const keyOf = (employee: OaaHrisEmployee, path: string) => {
    if (employee.id) return { value: employee.id, field: 'id' };
    if (employee.employee_number) return { value: employee.employee_number, field: 'employee_number' };
    issues.error(path, 'required', 'an employee needs an id or an employee_number');
    return undefined;
  };
  const numbers = new Map<string, string>();
  for (const { item, path, key, localKey } of keyItems(payload.employees, 'employees', 'employee', keyOf, issues)) {
    if (item.operation != null) rejectOperation(path, issues);
    for (const field of STRING_FIELDS) checkField(item[field], path, field, issues);
    checkStrings(item.employment_types, path, 'employment_types', issues);
    checkTimestamp(item.start_date, path, 'start_date', issues);
    checkTimestamp(item.termination_date, path, 'termination_date', issues);
    if (item.employee_number) {
      const number = item.employee_number.toLowerCase();
      const other = numbers.get(number);
      if (other !== undefined) issues.error(at(path, 'employee_number'), 'duplicate_key', `employee_number "${item.employee_number}" is also the number of ${other}`);
      else numbers.set(number, path);
    }
    const missing = EXPECTED_FIELDS.filter((field) => item[field] === undefined || item[field] === null || item[field] === '');
    for (const field of missing) {
      issues.warn(at(path, field), 'missing_field', `employee "${localKey}" has no ${field}, which the HRIS template lists as required`);
    }
    const fullName = [item.first_name, item.last_name].filter(Boolean).join(' ');
    const properties = builtIns(item, EMPLOYEE_FIELDS);
    properties.id = localKey;
    readCustomProperties(item.custom_properties, definitions.employee, path, 'employees', issues, properties);
    const groups: EmployeeEntity['groups'] = references(item.groups?.map((g) => g.id)).map((g) => ({ ...g, via: 'groups' as const }));
    if (item.department) groups.push({ key: item.department.id.toLowerCase(), via: 'department', index: -1 });
    if (item.cost_center) groups.push({ key: item.cost_center.id.toLowerCase(), via: 'cost_center', index: -1 });
    employees.set(key, {
      key,
      localKey,
      name: item.name || fullName || localKey,
      path,
      properties,
      tags: [],
      idpId: item.idp_id || null,
      email: item.email || null,
      groups,
      managers: references(item.managers?.map((m) => m.id)),
    });
  }
  return employees;
}

/**
 * Groups and managers an employee names, and parents a group names, that the payload does not
 * define are kept out of the graph with a warning; a group nested in itself is an error.
 */
function checkReferences(employees: Map<string, EmployeeEntity>, groups: Map<string, HrisGroupEntity>, issues: IssueCollector): void {
  for (const employee of employees.values()) {
    for (const { key, via, index } of employee.groups) {
      if (groups.has(key)) continue;
      issues.warn(index < 0 ? at(employee.path, via) : at(at(employee.path, via), index), 'unresolved_group', `group "${key}" named by employee "${employee.localKey}" is not defined in groups`);
    }
    employee.managers.forEach(({ key: manager, index }) => {
      const path = at(at(employee.path, 'managers'), index);
      if (manager === employee.key) issues.error(path, 'self_reference', `employee "${employee.localKey}" is named as its own manager`);
      else if (!employees.has(manager)) issues.warn(path, 'unresolved_manager', `manager "${manager}" of employee "${employee.localKey}" is not an employee of this HRIS`);
    });
  }
  for (const group of groups.values()) {
    if (group.parent === null) continue;
    const path = at(group.path, 'parent');
    if (group.parent === group.key) issues.error(path, 'self_reference', `group "${group.localKey}" is its own parent`);
    else if (!groups.has(group.parent)) issues.warn(path, 'unresolved_group', `parent group "${group.parent}" of group "${group.localKey}" is not defined in groups`);
  }
  const parents = (key: string) => {
    const parent = groups.get(key)!.parent;
    return parent === null ? [] : [parent];
  };
  for (const cycle of findCycles(groups.keys(), parents, (key) => groups.has(key))) {
    issues.error(groups.get(cycle[0]!)!.path, 'cycle', `group nesting loops: ${cycle.join(' -> ')}`);
  }
}

import type { Json } from './collection-spec.js';
import { CUSTOM, type PayloadDeclarations, type SliceNode } from './stored-slice.js';

/**
 * The part of an HRIS' stored graph that a change of its employees, groups and system touches (see
 * `hris-delta-plan.ts`), read by storage: the system, the named employees as they are, with their
 * groups and managers, the named groups with their parents, and the groups and managers the change
 * and those employees name. `hrisSlicePayload`
 * turns it back into a small payload that the change is applied to, validated and derived as any
 * payload is. Group and manager references the stored payload names but does not define left no
 * edge, and are not read back: the whole-state way would warn about them again, as stored data.
 */
export interface HrisSlice {
  /** What the last full payload declared at its top level (name, hris_type, custom_property_definition). */
  declarations: PayloadDeclarations;
  system: SliceNode;
  /** The named employees that exist. */
  employees: HrisSliceEmployee[];
  /** Employees named as managers (by the change or a named employee) that are not named themselves: their nodes only. */
  managers: SliceNode[];
  /** The groups the named employees and groups and the change name that it does not name itself: their nodes only. */
  groups: SliceNode[];
  /** The groups the change names that exist, with their parents (which are among `groups`). */
  namedGroups: SliceNode[];
  nextNodeId: number;
}

export interface HrisSliceEmployee extends SliceNode {
  /** Its groups, each with the field that names it (`groups`, `department`, `cost_center`), by local key. */
  groups: Array<{ key: string; via: string }>;
  /** Local keys of its managers. */
  managers: string[];
}


/** The slice as a full HRIS payload (before the change is applied to it). */
export function hrisSlicePayload(slice: HrisSlice): Json {
  const { system } = slice;
  return {
    ...slice.declarations,
    system: { id: system.localKey, name: system.name, ...fields(system.properties) },
    // Managers stand in without their own groups and managers: only their existence matters, their rows are not written.
    employees: [...slice.managers.map((m) => fields(m.properties)), ...slice.employees.map(employeeItem)],
    groups: [...slice.groups.map((g) => ({ id: g.localKey, name: g.name, ...fields(g.properties, ['parent']) })), ...slice.namedGroups.map((g) => ({ id: g.localKey, name: g.name, ...fields(g.properties) }))],
  };
}

function employeeItem(employee: HrisSliceEmployee): Json {
  const item = fields(employee.properties);
  const groups = employee.groups.filter((g) => g.via === 'groups').map((g) => ({ id: g.key }));
  if (groups.length > 0) item.groups = groups;
  for (const via of ['department', 'cost_center']) {
    const group = employee.groups.find((g) => g.via === via);
    if (group !== undefined) item[via] = { id: group.key };
  }
  if (employee.managers.length > 0) item.managers = employee.managers.map((id) => ({ id }));
  return item;
}

/**
 * A node's properties back as payload fields: built-in ones by name (an employee's `id` is its key
 * as given, also when it was keyed by employee_number), custom ones under `custom_properties`;
 * `without` left out (a stand-in group's parent, which would have to be in the slice too).
 */
function fields(properties: Record<string, unknown>, without: readonly string[] = []): Json {
  const item: Json = {};
  const custom: Json = {};
  for (const [name, value] of Object.entries(properties)) {
    if (name.startsWith(CUSTOM)) custom[name.slice(CUSTOM.length)] = value;
    else if (!without.includes(name)) item[name] = value;
  }
  if (Object.keys(custom).length > 0) item.custom_properties = custom;
  return item;
}

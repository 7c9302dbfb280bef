import { lowerKey, objectList, type Json } from './collection-spec.js';
import type { LeafOperation } from './leaf-delta-plan.js';

/**
 * Which incremental HRIS payloads change the graph by difference (docs/architecture.md,
 * "Incremental pushes"): those that change its employees, groups and system. An employee is a leaf
 * of its graph: only its system and its managers have edges to it, and an HRIS derives no reach and
 * no grants. Its link to an IdP user depends on its own strings and the identity providers' alone.
 * A group is nearly one: its members' edges point at it, and its own edge at its parent (a group
 * moved under one below it would close a cycle, which storage looks for; a deleted one that others
 * name leaves references the whole-state way warns about). The system's own fields are its node's,
 * but its `idp_providers` say which identity providers every employee links to: another list goes
 * the whole-state way.
 */
export interface HrisDeltaPlan {
  /** The employees the change names, by key (id, else employee_number, lower-cased), with their operation. */
  employees: Array<{ key: string; operation: LeafOperation }>;
  /** The groups the change names, by id (lower-cased), with their operation; `parent` (lower-cased, null for none) when a modify gives it. */
  namedGroups: Array<{ key: string; operation: LeafOperation; parent?: string | null }>;
  /** The system's fields the change gives (its node is written anew), if it gives any. */
  system?: Record<string, unknown>;
  /** Keys of the groups (by `groups`, `department` or `cost_center`) and managers the change's employees name. */
  groups: string[];
  managers: string[];
  /** The top-level fields the change repeats (name, hris_type): the stored ones must be the same. */
  repeated: Record<string, unknown>;
}

/** HRIS entities carry no tags: tag operations are for the whole-state way to refuse. */
const OPERATIONS: Record<string, LeafOperation> = { add: 'add', modify: 'modify', delete: 'delete' };
const REPEATABLE = new Set(['name', 'hris_type']);

/** The plan for an incremental HRIS payload (normalised to snake_case) that only changes employees, else undefined. */
export function planHrisDelta(change: Json): HrisDeltaPlan | undefined {
  const repeated: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(change)) {
    if (value === undefined || value === null || field === 'incremental_change' || field === 'employees' || field === 'groups' || field === 'system') continue;
    if (!REPEATABLE.has(field)) return undefined;
    repeated[field] = value;
  }
  const items = objectList(change, 'employees');
  const groups = objectList(change, 'groups');
  const system = change.system;
  if (items === undefined || groups === undefined || (system != null && (typeof system !== 'object' || Array.isArray(system)))) return undefined;
  const plan: HrisDeltaPlan = { employees: [], namedGroups: [], groups: [], managers: [], repeated };
  if (system != null) plan.system = system as Json;
  const groupKeys = new Set<string>();
  for (const group of groups) {
    const key = lowerKey(group.id);
    const operation = OPERATIONS[String(group.operation)];
    const parent = group.parent === null ? null : lowerKey(group.parent);
    // A parent that is not a string is for the whole-state path to report.
    if (key === undefined || operation === undefined || groupKeys.has(key) || (group.parent !== undefined && parent === undefined)) return undefined;
    groupKeys.add(key);
    plan.namedGroups.push({ key, operation, ...(operation === 'modify' && group.parent !== undefined ? { parent: parent ?? null } : {}) });
    if (parent) plan.groups.push(parent);
  }
  if (items.length + groups.length === 0 && plan.system === undefined) return undefined;
  const seen = new Set<string>();
  for (const employee of items) {
    const key = lowerKey(employee.id) ?? lowerKey(employee.employee_number);
    const operation = OPERATIONS[String(employee.operation)];
    // A repeated or unkeyed employee, or an operation it does not take, is for the whole-state path to report.
    if (key === undefined || operation === undefined || seen.has(key)) return undefined;
    seen.add(key);
    plan.employees.push({ key, operation });
    const groups = idsOf(employee.groups);
    const managers = idsOf(employee.managers);
    if (groups === undefined || managers === undefined) return undefined;
    for (const field of ['department', 'cost_center']) {
      const reference = employee[field];
      if (reference === undefined || reference === null) continue;
      const id = typeof reference === 'object' ? lowerKey((reference as Json).id) : undefined;
      if (id === undefined) return undefined;
      groups.push(id);
    }
    plan.groups.push(...groups);
    plan.managers.push(...managers);
  }
  return { ...plan, groups: [...new Set(plan.groups)], managers: [...new Set(plan.managers)] };
}

/** The lower-cased ids of a list of `{id}` references; undefined if it is not one. */
function idsOf(value: unknown): string[] | undefined {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) return undefined;
  const ids: string[] = [];
  for (const entry of value) {
    const id = typeof entry === 'object' && entry !== null ? lowerKey((entry as Json).id) : undefined;
    if (id === undefined) return undefined;
    ids.push(id);
  }
  return ids;
}

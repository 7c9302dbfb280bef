import type { CustomTemplate } from '@accessgraph/contract';
import type { CsvValueKind } from './csv-values.js';

/**
 * What a column can fill: a kind of entity of the template (`destination_type`) and one of its
 * built-in properties (`destination_property`) or a custom property. Names are compared ignoring
 * case, with spaces and hyphens read as underscores; aliases name the same thing.
 */
export interface CsvDestination {
  /** Other spellings of `destination_type`. */
  aliases: readonly string[];
  /** Built-in properties and how their cells are read. */
  properties: Readonly<Record<string, CsvValueKind>>;
  /** Other spellings of a property, e.g. `unique_id` for `id`. */
  propertyAliases?: Readonly<Record<string, string>>;
  /** The properties that identify an entity, preferred first; several entities per cell with `as_list`. */
  keys: readonly string[];
  /** Whether columns may set custom properties of it. */
  custom: boolean;
}

const text = 'string' as const;
const list = 'list' as const;
const bool = 'boolean' as const;
const time = 'timestamp' as const;

const APPLICATION: Record<string, CsvDestination> = {
  application: { aliases: ['app'], properties: {}, keys: [], custom: true },
  local_user: {
    aliases: ['user', 'users', 'local_users'],
    properties: {
      id: text, name: text, email: text, is_active: bool, user_type: text,
      created_at: time, last_login_at: time, deactivated_at: time, password_last_changed_at: time,
      identities: list, groups: list, roles: list, permissions: list,
    },
    propertyAliases: { unique_id: 'id', identity: 'identities', group: 'groups', role: 'roles', permission: 'permissions' },
    keys: ['id', 'name'],
    custom: true,
  },
  local_group: {
    aliases: ['group', 'groups', 'local_groups'],
    properties: { id: text, name: text, created_at: time, identities: list },
    propertyAliases: { unique_id: 'id', identity: 'identities' },
    keys: ['id', 'name'],
    custom: true,
  },
  local_role: {
    aliases: ['role', 'roles', 'local_roles'],
    properties: { id: text, name: text, permissions: list },
    propertyAliases: { unique_id: 'id', permission: 'permissions' },
    keys: ['id', 'name'],
    custom: true,
  },
  permission: {
    aliases: ['permissions'],
    properties: { name: text, permission_type: list },
    propertyAliases: { permission_types: 'permission_type', canonical_type: 'permission_type' },
    keys: ['name'],
    custom: false,
  },
  resource: {
    aliases: ['resources'],
    properties: { id: text, name: text, description: text, resource_type: text },
    propertyAliases: { unique_id: 'id' },
    keys: ['id', 'name'],
    custom: true,
  },
};

const IDENTITY_PROVIDER: Record<string, CsvDestination> = {
  idp_user: {
    aliases: ['user', 'users'],
    properties: {
      identity: text, name: text, email: text, full_name: text, department: text,
      is_active: bool, is_guest: bool, manager_id: text, groups: list,
    },
    propertyAliases: { id: 'identity', unique_id: 'identity', manager: 'manager_id', group: 'groups' },
    keys: ['identity', 'name'],
    custom: true,
  },
  idp_group: {
    aliases: ['group', 'groups'],
    properties: { identity: text, name: text, full_name: text, is_security_group: bool },
    propertyAliases: { id: 'identity', unique_id: 'identity' },
    keys: ['identity', 'name'],
    custom: true,
  },
};

const HRIS: Record<string, CsvDestination> = {
  employee: {
    aliases: ['employees', 'user', 'users'],
    properties: {
      id: text, name: text, employee_number: text, company: text, first_name: text, last_name: text,
      preferred_name: text, display_full_name: text, canonical_name: text, username: text, email: text,
      idp_id: text, personal_email: text, home_location: text, work_location: text, job_title: text,
      primary_time_zone: text, employment_status: text, is_active: bool, start_date: time, termination_date: time,
      employment_types: list, managers: list, groups: list, department: text, cost_center: text,
    },
    propertyAliases: { unique_id: 'id', manager: 'managers', manager_id: 'managers', group: 'groups', employment_type: 'employment_types' },
    keys: ['id', 'employee_number'],
    custom: true,
  },
  hris_group: {
    aliases: ['group', 'groups'],
    properties: { id: text, name: text, group_type: text },
    propertyAliases: { unique_id: 'id' },
    keys: ['id'],
    custom: true,
  },
};

export const CSV_DESTINATIONS: Record<CustomTemplate, Readonly<Record<string, CsvDestination>>> = {
  application: APPLICATION,
  identity_provider: IDENTITY_PROVIDER,
  hris: HRIS,
};

/** The entity kind whose rows the CSV lists: one row per user (or employee), perhaps repeated. */
export const ROW_ENTITY: Record<CustomTemplate, string> = { application: 'local_user', identity_provider: 'idp_user', hris: 'employee' };

export function normaliseName(name: string): string {
  return name.trim().toLowerCase().replace(/[\s-]+/g, '_');
}

/** The canonical kind `destination_type` names in this template, if any. */
export function findDestination(template: CustomTemplate, destinationType: string): string | undefined {
  const wanted = normaliseName(destinationType);
  const destinations = CSV_DESTINATIONS[template];
  if (Object.hasOwn(destinations, wanted)) return wanted;
  return Object.keys(destinations).find((kind) => destinations[kind]!.aliases.includes(wanted));
}

/** The canonical built-in property `destination_property` names on that kind, if any. */
export function findProperty(destination: CsvDestination, property: string): string | undefined {
  const wanted = normaliseName(property);
  if (Object.hasOwn(destination.properties, wanted)) return wanted;
  const alias = destination.propertyAliases?.[wanted];
  return alias !== undefined && Object.hasOwn(destination.propertyAliases!, wanted) ? alias : undefined;
}

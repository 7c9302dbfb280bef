import { CANONICAL_PERMISSIONS, type OaaLocalGroup, type OaaLocalRole, type OaaLocalUser, type OaaPermission, type OaaResource } from '@accessgraph/contract';
import { at } from '../payload/issues.js';
import { cellPath } from './csv-issues.js';
import { appendReference, entitiesOnRow, fillFromFirstRow, keyProperty, type CsvMapContext } from './csv-map-context.js';
import { addUnique, EntityBook } from './entity-book.js';
import type { Cell, RowValues } from './row-values.js';

const APP = 'applications[0]';
/** A permission the CSV names without a column for its canonical types. */
const DEFAULT_PERMISSION_TYPE = ['Uncategorized'] as const;

/** What one user holds, by role or permission key: where it applies, and the cell that first named it. */
export interface Grant {
  key: string;
  onApplication: boolean;
  resources: string[];
  source: { row: number; column: string };
}

export interface UserGrants {
  roles: Map<string, Grant>;
  permissions: Map<string, Grant>;
}

/**
 * The entities of the application, gathered row by row. A user's first row sets its properties;
 * every row adds its identities, groups, roles, permissions and grants. The roles and
 * permissions of a row apply to the row's resources, or to the application when it names none.
 */
export class ApplicationCsvBuilder {
  readonly users = new EntityBook<OaaLocalUser>();
  readonly groups = new EntityBook<OaaLocalGroup>();
  readonly roles = new EntityBook<OaaLocalRole>();
  readonly resources = new EntityBook<OaaResource>();
  readonly permissions = new EntityBook<OaaPermission>();
  /** Per user key (lower case). */
  readonly grants = new Map<string, UserGrants>();
  readonly applicationProperties: Record<string, unknown> = {};
  /** Permissions whose types a row has set. */
  private readonly typed = new Set<number>();

  constructor(
    private readonly ctx: CsvMapContext,
    private readonly settings: { identityProperties: readonly string[]; resourceType: string | undefined },
  ) {}

  addRow(row: RowValues): void {
    this.addApplicationProperties(row);
    const userKey = row.text('local_user', keyProperty(this.ctx, 'local_user') ?? 'name');
    if (!userKey) return; // reported: the key column is required
    const user = this.user(row, userKey);
    const identities = [...row.list('local_user', 'identities'), ...this.settings.identityProperties.flatMap((p) => row.list('local_user', p))];
    for (const cell of identities) appendReference(this.ctx, user.entity, 'identities', cell, user.path, row);
    for (const group of this.groupsOf(row)) appendReference(this.ctx, user.entity, 'groups', group, user.path, row);
    const roles = this.rolesOf(row);
    const permissions = this.permissionsOf(row);
    const resources = this.resourcesOf(row);
    const held = this.grants.get(userKey.value.toLowerCase()) ?? { roles: new Map(), permissions: new Map() };
    this.grants.set(userKey.value.toLowerCase(), held);
    for (const cell of roles) addGrant(held.roles, cell, resources, row);
    for (const cell of permissions) addGrant(held.permissions, cell, resources, row);
  }

  private addApplicationProperties(row: RowValues): void {
    for (const cell of row.customOf('application')) {
      if (cell.name in this.applicationProperties) continue;
      this.applicationProperties[cell.name] = cell.value;
      this.ctx.sources.note(`${APP}.custom_properties.${cell.name}`, row.row, cell.column);
    }
  }

  private user(row: RowValues, key: Cell<string>): { entity: OaaLocalUser; path: string } {
    const keyField = keyProperty(this.ctx, 'local_user') ?? 'name';
    const user = this.users.ensure(key.value, row.row, () => ({ name: key.value }));
    const path = `${APP}.local_users[${user.index}]`;
    if (!user.created) return { entity: user.entity, path };
    this.ctx.sources.note(path, row.row);
    this.ctx.sources.note(at(path, keyField), row.row, key.column);
    if (keyField === 'id') {
      const name = row.text('local_user', 'name');
      user.entity.id = key.value;
      user.entity.name = name?.value ?? key.value;
      if (name) this.ctx.sources.note(at(path, 'name'), row.row, name.column);
    }
    fillFromFirstRow(this.ctx, row, 'local_user', user.entity, path, ['id', 'name']);
    return { entity: user.entity, path };
  }

  /**
   * The groups the row's user is in: those its groups list names and those group columns name.
   * Without a group key column, group columns describe the groups of the list.
   */
  private groupsOf(row: RowValues): Array<Cell<string>> {
    const described = keyProperty(this.ctx, 'local_group') === undefined;
    const listed = row.list('local_user', 'groups').map((cell) => ({ key: cell, name: cell.value, describe: described }));
    const columns = entitiesOnRow(this.ctx, row, 'local_group').map((e) => ({ ...e, describe: true }));
    for (const { key, name, describe } of [...listed, ...columns]) {
      const group = this.ensure(this.groups, 'local_group', 'local_groups', key, name, row);
      if (!describe) continue;
      if (group.created) fillFromFirstRow(this.ctx, row, 'local_group', group.entity, group.path, ['id', 'name']);
      for (const cell of row.list('local_group', 'identities')) appendReference(this.ctx, group.entity, 'identities', cell, group.path, row);
    }
    return [...listed, ...columns].map((g) => g.key);
  }

  /** The roles the row's user holds (as for groups), each given the row's role permissions. */
  private rolesOf(row: RowValues): Array<Cell<string>> {
    const described = keyProperty(this.ctx, 'local_role') === undefined;
    const listed = row.list('local_user', 'roles').map((cell) => ({ key: cell, name: cell.value, describe: described }));
    const columns = entitiesOnRow(this.ctx, row, 'local_role').map((e) => ({ ...e, describe: true }));
    const rolePermissions = row.list('local_role', 'permissions');
    for (const { key, name, describe } of [...listed, ...columns]) {
      const role = this.ensure(this.roles, 'local_role', 'local_roles', key, name, row);
      if (describe && role.created) fillFromFirstRow(this.ctx, row, 'local_role', role.entity, role.path, ['id', 'name']);
      for (const cell of rolePermissions) {
        this.permission(cell, row);
        appendReference(this.ctx, role.entity, 'permissions', cell, role.path, row);
      }
    }
    return [...listed, ...columns].map((r) => r.key);
  }

  /** The permissions granted to the row's user directly; the first row with types for one sets them. */
  private permissionsOf(row: RowValues): Array<Cell<string>> {
    const cells = [...row.list('local_user', 'permissions'), ...row.list('permission', 'name')];
    const types = row.list('permission', 'permission_type');
    for (const cell of cells) {
      const permission = this.permission(cell, row);
      if (types.length === 0 || this.typed.has(permission.index)) continue;
      this.typed.add(permission.index);
      permission.entity.permission_type = types.map((t) => canonicalPermission(t.value)) as OaaPermission['permission_type'];
      this.ctx.sources.note(`permissions[${permission.index}].permission_type`, row.row, types[0]!.column);
    }
    return cells;
  }

  /** The keys of the resources the row names, of its resource_type or the configured one. */
  private resourcesOf(row: RowValues): string[] {
    const keys: string[] = [];
    for (const { key, name } of entitiesOnRow(this.ctx, row, 'resource')) {
      const resourceType = row.text('resource', 'resource_type')?.value ?? this.settings.resourceType;
      if (!resourceType) {
        this.ctx.issues.data.error(cellPath(row.row, key.column), 'required', 'names a resource but the row has no resource_type and the mapping sets none');
        continue;
      }
      const usesId = keyProperty(this.ctx, 'resource') === 'id';
      const resource = this.resources.ensure(key.value, row.row, () => ({ name, resource_type: resourceType, ...(usesId ? { id: key.value } : {}) }));
      const path = `${APP}.resources[${resource.index}]`;
      if (resource.created) {
        this.ctx.sources.note(path, row.row);
        this.ctx.sources.note(at(path, usesId ? 'id' : 'name'), row.row, key.column);
        fillFromFirstRow(this.ctx, row, 'resource', resource.entity, path, ['id', 'name', 'resource_type']);
      }
      keys.push(key.value);
    }
    return keys;
  }

  private permission(cell: Cell<string>, row: RowValues) {
    const found = this.permissions.ensure(cell.value, row.row, () => ({ name: cell.value, permission_type: [...DEFAULT_PERMISSION_TYPE] }));
    if (found.created) this.ctx.sources.note(`permissions[${found.index}]`, row.row, cell.column);
    return found;
  }

  /** A group or role, made with an id when the kind is keyed by id. */
  private ensure<T extends OaaLocalGroup | OaaLocalRole>(book: EntityBook<T>, kind: string, field: string, key: Cell<string>, name: string, row: RowValues) {
    const usesId = keyProperty(this.ctx, kind) === 'id';
    const found = book.ensure(key.value, row.row, () => ({ name, ...(usesId ? { id: key.value } : {}) }) as T);
    const path = `${APP}.${field}[${found.index}]`;
    if (found.created) this.ctx.sources.note(path, row.row, key.column);
    return { ...found, path };
  }
}

function addGrant(held: Map<string, Grant>, cell: Cell<string>, resources: readonly string[], row: RowValues): void {
  const grant = held.get(cell.value.toLowerCase()) ?? { key: cell.value, onApplication: false, resources: [], source: { row: row.row, column: cell.column } };
  held.set(cell.value.toLowerCase(), grant);
  if (resources.length === 0) grant.onApplication = true;
  for (const resource of resources) addUnique(grant.resources, resource);
}

/** A canonical permission type as the template spells it, when the CSV spells it in another case. */
function canonicalPermission(value: string): string {
  return CANONICAL_PERMISSIONS.find((c) => c.toLowerCase() === value.toLowerCase()) ?? value;
}

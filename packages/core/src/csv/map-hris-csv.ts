import type { HrisPayload, OaaHrisEmployee, OaaHrisGroup } from '@accessgraph/contract';
import { entitiesOnRow, fillFromFirstRow, keyProperty, type CsvMapContext } from './csv-map-context.js';
import { customDefinitions } from './custom-definitions.js';
import { EntityBook } from './entity-book.js';
import type { Cell, RowValues } from './row-values.js';

/** The group_type given to the groups that employees' department and cost center cells name. */
const REFERENCE_GROUP_TYPES = { department: 'DEPARTMENT', cost_center: 'COST_CENTER', groups: 'GROUP' } as const;

/**
 * Maps CSV rows onto the HRIS template: the system from the mapping's `hris` settings, one row
 * per employee (or per employee and group). An employee's first row sets its properties; every
 * row adds its managers, groups and employment types. Each group a department, cost center or
 * group cell names becomes a group of the HRIS, unless group columns define it.
 */
export function mapHrisCsv(ctx: CsvMapContext): HrisPayload {
  const settings = ctx.mapping.hris ?? {};
  const name = ctx.overrides.name || settings.hris_name || ctx.providerName;
  const hrisType = ctx.overrides.type || settings.hris_type;

  const employees = new EntityBook<OaaHrisEmployee>();
  const groups = new EntityBook<OaaHrisGroup>();
  const ensureGroup = (id: string, row: RowValues, column: string, make: () => OaaHrisGroup) => {
    const found = groups.ensure(id, row.row, make);
    if (found.created) ctx.sources.note(`groups[${found.index}]`, row.row, column);
    return found;
  };

  for (const row of ctx.rows) {
    const keyField = keyProperty(ctx, 'employee') ?? 'id';
    const key = row.text('employee', keyField);
    if (!key) continue;
    const employee = employees.ensure(key.value, row.row, () => ({ [keyField]: key.value }));
    const path = `employees[${employee.index}]`;
    if (employee.created) {
      ctx.sources.note(path, row.row);
      ctx.sources.note(`${path}.${keyField}`, row.row, key.column);
      fillFromFirstRow(ctx, row, 'employee', employee.entity, path, [keyField, 'department', 'cost_center']);
      for (const field of ['department', 'cost_center'] as const) {
        const cell = row.text('employee', field);
        if (!cell) continue;
        ensureGroup(cell.value, row, cell.column, () => ({ id: cell.value, name: cell.value, group_type: REFERENCE_GROUP_TYPES[field] }));
        employee.entity[field] = { id: cell.value };
        ctx.sources.note(`${path}.${field}`, row.row, cell.column);
      }
    }
    for (const cell of row.list('employee', 'employment_types')) addItem(ctx, employee.entity, 'employment_types', cell, path, row);
    for (const cell of row.list('employee', 'managers')) addReference(ctx, employee.entity, 'managers', cell, path, row);
    for (const cell of row.list('employee', 'groups')) {
      ensureGroup(cell.value, row, cell.column, () => ({ id: cell.value, name: cell.value, group_type: REFERENCE_GROUP_TYPES.groups }));
      addReference(ctx, employee.entity, 'groups', cell, path, row);
    }
    for (const { key: groupKey, name: groupName } of entitiesOnRow(ctx, row, 'hris_group')) {
      const group = ensureGroup(groupKey.value, row, groupKey.column, () => ({ id: groupKey.value, name: groupName }));
      if (group.created) {
        fillFromFirstRow(ctx, row, 'hris_group', group.entity, `groups[${group.index}]`, ['id', 'name']);
      }
      addReference(ctx, employee.entity, 'groups', groupKey, path, row);
    }
  }

  const definitions = customDefinitions(ctx, { employee: 'employee_properties', hris_group: 'group_properties' });
  return {
    name,
    ...(hrisType ? { hris_type: hrisType } : {}),
    system: { id: name, name, ...(settings.hris_url ? { url: settings.hris_url } : {}) },
    employees: employees.items,
    groups: groups.items,
    custom_property_definition: {
      system_properties: {},
      employee_properties: definitions.employee_properties ?? {},
      group_properties: definitions.group_properties ?? {},
    },
  };
}

/** Adds `{id}` to an employee's managers or groups once (ignoring case) and notes its cell. */
function addReference(ctx: CsvMapContext, employee: OaaHrisEmployee, field: 'managers' | 'groups', cell: Cell<string>, path: string, row: RowValues): void {
  const list = (employee[field] ??= []);
  const lower = cell.value.toLowerCase();
  let index = list.findIndex((ref) => ref.id.toLowerCase() === lower);
  if (index < 0) index = list.push({ id: cell.value }) - 1;
  ctx.sources.note(`${path}.${field}[${index}]`, row.row, cell.column);
}

function addItem(ctx: CsvMapContext, employee: OaaHrisEmployee, field: 'employment_types', cell: Cell<string>, path: string, row: RowValues): void {
  const list = (employee[field] ??= []);
  const lower = cell.value.toLowerCase();
  let index = list.findIndex((item) => item.toLowerCase() === lower);
  if (index < 0) index = list.push(cell.value) - 1;
  ctx.sources.note(`${path}.${field}[${index}]`, row.row, cell.column);
}

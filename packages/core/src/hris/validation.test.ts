import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { checkTemplate, expectOnlyTemplateError, expectTemplateValid, type ExpectedIssue } from '../test-support/template-check.js';
import { employeeOf, validHrisPayload } from './test-support/hris-payloads.js';

/** Every rule of the HRIS template that core checks (spec §7, §12, §15.5, §15.29). */

const only = (payload: unknown, expected: ExpectedIssue) => expectOnlyTemplateError('hris', payload, expected);
const valid = (payload: unknown, warnings: ExpectedIssue[] = []) => expectTemplateValid('hris', payload, warnings);

function fixture(name: string): Record<string, unknown> {
  return JSON.parse(readFileSync(new URL(`../../../../test/fixtures/${name}`, import.meta.url), 'utf8')) as Record<string, unknown>;
}

describe("the seeds' HRIS examples", () => {
  it('BambooHR is accepted; each expected field its employees lack is a warning naming the field and the employee', () => {
    const missing = ['first_name', 'last_name', 'employment_status', 'is_active'];
    valid(
      fixture('seed-hris-bamboo.json'),
      [0, 1].flatMap((i) =>
        missing.map((field) => ({ path: `employees[${i}].${field}`, code: 'missing_field', names: `employee "${i === 0 ? '1' : '10'}" has no ${field}` })),
      ),
    );
  });

  it('the Title-Case example is normalised and refused only for its group without an id', () => {
    const { errors, warnings } = checkTemplate('hris', fixture('seed-hris-titlecase.json'));
    expect(errors).toEqual([{ path: 'groups[0].id', code: 'required', message: expect.stringContaining('needs an id') }]);
    // What the normalised payload still lacks or names without defining, each said once.
    expect(warnings.map((w) => `${w.path} ${w.code}`).sort()).toEqual(
      [
        'name missing_field',
        'hris_type missing_field',
        'system.id missing_field',
        'system.name missing_field',
        'employees[0].groups[0] unresolved_group',
        'employees[0].groups[1] unresolved_group',
        'employees[0].department unresolved_group',
        'employees[0].cost_center unresolved_group',
        'employees[0].managers[0] unresolved_manager',
      ].sort(),
    );
  });

  it('the Title-Case example with an id on its group is accepted: its employee keyed by its employee number', () => {
    const payload = fixture('seed-hris-titlecase.json') as { Groups: Array<Record<string, unknown>> };
    payload.Groups[0]!.ID = 'team-1';
    const result = checkTemplate('hris', payload);
    expect(result.errors).toEqual([]);
    const graph = result.graph();
    const employee = graph.nodes.find((n) => n.kind === 'hris_employee')!;
    expect(employee).toMatchObject({ key: 'employee:123456', localKey: '123456', name: 'John Doe' });
    expect(employee.properties).toMatchObject({ idp_id: '1234-5678-9012', employee_number: '123456', is_active: true, employment_types: ['FULL_TIME'] });
    // team-1 now exists: that membership is in the graph, the others stay warnings.
    expect(result.warnings.some((w) => w.path === 'employees[0].groups[0]')).toBe(false);
  });
});

describe('valid payloads', () => {
  it('the test payload breaks no rule and warns about nothing', () => {
    valid(validHrisPayload());
  });

  it('snake_case references may also be bare strings', () => {
    const payload = validHrisPayload() as unknown as { employees: Array<Record<string, unknown>> };
    payload.employees[0]!.managers = ['e2'];
    payload.employees[0]!.department = 'eng';
    valid(payload);
  });
});

describe('identifiers', () => {
  it('an employee without id is keyed by its employee_number', () => {
    const graph = checkTemplate('hris', validHrisPayload()).graph();
    expect(graph.nodes.find((n) => n.key === 'employee:n3')).toMatchObject({ localKey: 'N3', name: 'cy' });
  });

  it('an employee with neither id nor employee_number is an error', () => {
    const payload = validHrisPayload();
    delete employeeOf(payload, 2).employee_number;
    only(payload, { path: 'employees[2]', code: 'required', names: 'id or an employee_number' });
  });

  it('employee ids are unique ignoring case', () => {
    const payload = validHrisPayload();
    employeeOf(payload, 1).id = 'E1';
    only(payload, { path: 'employees[1].id', code: 'duplicate_key', names: '"E1"' });
  });

  it('employee numbers are unique ignoring case', () => {
    const payload = validHrisPayload();
    employeeOf(payload, 1).employee_number = 'n1';
    only(payload, { path: 'employees[1].employee_number', code: 'duplicate_key', names: 'employees[0]' });
  });

  it('a group needs an id', () => {
    const payload = validHrisPayload();
    delete payload.groups![2]!.id;
    only(payload, { path: 'groups[2].id', code: 'required' });
  });

  it('group ids are unique across group types', () => {
    const payload = validHrisPayload();
    payload.groups![2]!.id = 'ENG';
    only(payload, { path: 'groups[2].id', code: 'duplicate_key', names: '"ENG"' });
  });
});

describe('fields', () => {
  it('dates are RFC 3339 timestamps', () => {
    const payload = validHrisPayload();
    employeeOf(payload, 0).start_date = '2020-02-30';
    only(payload, { path: 'employees[0].start_date', code: 'invalid_timestamp', names: '"2020-02-30"' });
  });

  it('built-in strings are at most 256 bytes', () => {
    const payload = validHrisPayload();
    employeeOf(payload, 1).job_title = 'x'.repeat(300);
    only(payload, { path: 'employees[1].job_title', code: 'too_long' });
  });

  it('each missing expected field is a warning, not an error', () => {
    const payload = validHrisPayload();
    delete employeeOf(payload, 1).is_active;
    employeeOf(payload, 1).employment_status = '';
    valid(payload, [
      { path: 'employees[1].employment_status', code: 'missing_field', names: '"e2"' },
      { path: 'employees[1].is_active', code: 'missing_field', names: '"e2"' },
    ]);
  });

  it('custom properties are checked per entity kind', () => {
    const payload = validHrisPayload();
    employeeOf(payload, 0).custom_properties = { level: 'three' };
    only(payload, { path: 'employees[0].custom_properties.level', code: 'property_type' });
    const other = validHrisPayload();
    other.groups![0]!.custom_properties = { level: 1 };
    only(other, { path: 'groups[0].custom_properties.level', code: 'undefined_property' });
    const system = validHrisPayload();
    system.system!.custom_properties = { tenant: 1 };
    only(system, { path: 'system.custom_properties.tenant', code: 'property_type' });
  });

  it('two keys that normalise to one field are an error naming both', () => {
    const payload = validHrisPayload() as unknown as { employees: Array<Record<string, unknown>> };
    payload.employees[0]!['Job Title'] = 'Engineer';
    payload.employees[0]!.job_title = 'Manager';
    only(payload, { path: 'employees[0].job_title', code: 'duplicate_field', names: '"Job Title"' });
  });

  it('operation belongs to incremental payloads', () => {
    const payload = validHrisPayload();
    payload.groups![0]!.operation = 'add';
    only(payload, { path: 'groups[0].operation', code: 'operation_not_incremental' });
  });
});

describe('references', () => {
  it('a group or manager the payload does not define is a warning', () => {
    const payload = validHrisPayload();
    employeeOf(payload, 1).groups!.push({ id: 'sales' });
    employeeOf(payload, 1).managers = [{ id: 'e9' }];
    payload.groups![1]!.parent = 'holding';
    valid(payload, [
      { path: 'employees[1].groups[1]', code: 'unresolved_group', names: '"sales"' },
      { path: 'employees[1].managers[0]', code: 'unresolved_manager', names: '"e9"' },
      { path: 'groups[1].parent', code: 'unresolved_group', names: '"holding"' },
    ]);
  });

  it('an employee is not its own manager', () => {
    const payload = validHrisPayload();
    employeeOf(payload, 1).managers = [{ id: 'E2' }];
    only(payload, { path: 'employees[1].managers[0]', code: 'self_reference' });
  });

  it('a group is not its own parent, and group nesting does not loop', () => {
    const payload = validHrisPayload();
    payload.groups![1]!.parent = 'org';
    only(payload, { path: 'groups[1].parent', code: 'self_reference' });
    const looped = validHrisPayload();
    looped.groups![1]!.parent = 'eng';
    only(looped, { path: 'groups[0]', code: 'cycle', names: 'eng -> org -> eng' });
  });
});

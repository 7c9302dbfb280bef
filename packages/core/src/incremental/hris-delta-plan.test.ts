import { describe, expect, it } from 'vitest';
import { planHrisDelta } from './hris-delta-plan.js';

type Json = Record<string, unknown>;
const change = (body: Json): Json => ({ incremental_change: true, ...body });

describe('planHrisDelta: which HRIS changes are made by difference', () => {
  it('plans employees with their operations, and the groups (by groups, department, cost_center) and managers they name', () => {
    const plan = planHrisDelta(
      change({
        name: 'People',
        employees: [
          { operation: 'add', id: 'E5', groups: [{ id: 'Eng' }], department: { id: 'org' }, cost_center: { id: 'cc1' }, managers: [{ id: 'E1' }] },
          { operation: 'modify', employee_number: 'N3', cost_center: null },
          { operation: 'delete', id: 'e2' },
        ],
      }),
    );
    expect(plan).toEqual({
      employees: [
        { key: 'e5', operation: 'add' },
        { key: 'n3', operation: 'modify' },
        { key: 'e2', operation: 'delete' },
      ],
      namedGroups: [],
      groups: ['eng', 'org', 'cc1'],
      managers: ['e1'],
      repeated: { name: 'People' },
    });
  });

  it('plans groups, with the parent a modify gives (null for none) and one an add names to read, and the system fields given', () => {
    const plan = planHrisDelta(change({ groups: [{ operation: 'add', id: 'Ops', parent: 'Org' }, { operation: 'modify', id: 'eng', parent: null }, { operation: 'modify', id: 'cc1', name: 'Costs' }, { operation: 'delete', id: 'old' }], system: { url: 'https://x.example' } }));
    expect(plan).toMatchObject({
      employees: [],
      namedGroups: [{ key: 'ops', operation: 'add' }, { key: 'eng', operation: 'modify', parent: null }, { key: 'cc1', operation: 'modify' }, { key: 'old', operation: 'delete' }],
      groups: ['org'],
      system: { url: 'https://x.example' },
    });
  });

  it('leaves to the whole-state way definitions, tag operations, and employees and groups it cannot key', () => {
    const employee = { operation: 'add', id: 'e5' };
    expect(planHrisDelta(change({ groups: [{ operation: 'add', name: 'no id' }] }))).toBeUndefined();
    expect(planHrisDelta(change({ groups: [{ operation: 'add', id: 'g' }, { operation: 'delete', id: 'G' }] }))).toBeUndefined();
    expect(planHrisDelta(change({ groups: [{ operation: 'modify', id: 'g', parent: 7 }] }))).toBeUndefined();
    expect(planHrisDelta(change({ system: 'people' }))).toBeUndefined();
    expect(planHrisDelta(change({ employees: [employee], custom_property_definition: {} }))).toBeUndefined();
    expect(planHrisDelta(change({ employees: [] }))).toBeUndefined();
    expect(planHrisDelta(change({ employees: [{ operation: 'add_tag', id: 'e1' }] }))).toBeUndefined();
    expect(planHrisDelta(change({ employees: [{ operation: 'add' }] }))).toBeUndefined();
    expect(planHrisDelta(change({ employees: [employee, { ...employee }] }))).toBeUndefined();
    expect(planHrisDelta(change({ employees: [{ ...employee, managers: ['e1'] }] }))).toBeUndefined();
    expect(planHrisDelta(change({ employees: [{ ...employee, department: 'eng' }] }))).toBeUndefined();
  });
});

import type { HrisPayload, OaaHrisEmployee } from '@accessgraph/contract';

/**
 * A small HRIS payload that breaks no rule and lacks no expected field, built fresh on every
 * call. Employees: e1 ann (managed by e2; in eng through `groups` and `department`, in cc1
 * through `cost_center`), e2 bob (in org), and one keyed by its employee_number N3 (cy).
 * Groups: eng (parent org), org, cc1.
 */
export function validHrisPayload(): HrisPayload {
  const person = (first: string, last: string, number: string): OaaHrisEmployee => ({
    name: first,
    first_name: first,
    last_name: last,
    employee_number: number,
    employment_status: 'ACTIVE',
    is_active: true,
  });
  return {
    name: 'People',
    hris_type: 'PeopleSoft',
    custom_property_definition: { system_properties: { tenant: 'STRING' }, employee_properties: { level: 'NUMBER' }, group_properties: { site: 'STRING' } },
    system: { id: 'people', name: 'People', url: 'https://people.example', idp_providers: ['okta', 'custom'], custom_properties: { tenant: 't1' } },
    employees: [
      {
        ...person('ann', 'Archer', 'N1'),
        id: 'e1',
        email: 'ann@corp.example',
        idp_id: 'u1',
        managers: [{ id: 'e2' }],
        groups: [{ id: 'eng' }],
        department: { id: 'eng' },
        cost_center: { id: 'cc1' },
        start_date: '2020-01-01T00:00:00Z',
        employment_types: ['FULL_TIME'],
        custom_properties: { level: 3 },
      },
      { ...person('bob', 'Baker', 'N2'), id: 'e2', email: 'bob@corp.example', groups: [{ id: 'org' }] },
      { ...person('cy', 'Cole', 'N3'), termination_date: '2024-05-01T12:00:00+02:00', is_active: false, employment_status: 'INACTIVE' },
    ],
    groups: [
      { id: 'eng', name: 'Engineering', group_type: 'Department', parent: 'org', custom_properties: { site: 'north' } },
      { id: 'org', name: 'Company', group_type: 'BUSINESS_UNIT' },
      { id: 'cc1', group_type: 'COST_CENTER' },
    ],
  };
}

export function employeeOf(payload: HrisPayload, index: number): OaaHrisEmployee {
  return payload.employees![index]!;
}

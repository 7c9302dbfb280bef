import { describe, expect, it } from 'vitest';
import { tableRows } from '../graph/graph-tables.js';
import { checkTemplate } from '../test-support/template-check.js';
import { validHrisPayload } from './test-support/hris-payloads.js';

/** The HRIS graph of the test payload, worked out by hand from its description. */

describe('HRIS graph', () => {
  const graph = checkTemplate('hris', validHrisPayload()).graph();
  const key = (id: number) => graph.nodes[id]!.key;

  it('has the system, its employees and groups', () => {
    expect(graph.nodes.map((n) => [n.kind, n.key, n.nodeType]).sort()).toEqual(
      [
        ['hris_system', 'system:people', 'OAA.PeopleSoft.HRISSystem'],
        ['hris_employee', 'employee:e1', 'OAA.PeopleSoft.HRISEmployee'],
        ['hris_employee', 'employee:e2', 'OAA.PeopleSoft.HRISEmployee'],
        ['hris_employee', 'employee:n3', 'OAA.PeopleSoft.HRISEmployee'],
        ['hris_group', 'group:eng', 'OAA.PeopleSoft.HRISGroup'],
        ['hris_group', 'group:org', 'OAA.PeopleSoft.HRISGroup'],
        ['hris_group', 'group:cc1', 'OAA.PeopleSoft.HRISGroup'],
      ].sort(),
    );
  });

  it('has memberships with the field that made each, group parents and managers', () => {
    const edges = tableRows(graph.edges).map((e) => `${e.kind} ${key(e.from)} -> ${key(e.to)}${e.properties ? ` ${JSON.stringify(e.properties)}` : ''}`);
    const contained = ['employee:e1', 'employee:e2', 'employee:n3', 'group:cc1', 'group:eng', 'group:org'];
    expect(edges.sort()).toEqual(
      [
        ...contained.map((k) => `contains system:people -> ${k}`),
        'member_of group:eng -> group:org',
        'member_of employee:e1 -> group:eng {"via":"groups"}',
        'member_of employee:e1 -> group:eng {"via":"department"}',
        'member_of employee:e1 -> group:cc1 {"via":"cost_center"}',
        'member_of employee:e2 -> group:org {"via":"groups"}',
        'manages employee:e2 -> employee:e1',
      ].sort(),
    );
  });

  it('has no reach rows: HRIS data grants nothing', () => {
    expect(graph.reach.length).toBe(0);
  });

  it('keeps the fields as properties, grants nothing, and counts', () => {
    const ann = graph.nodes.find((n) => n.key === 'employee:e1')!;
    expect(ann.properties).toEqual({
      id: 'e1',
      name: 'ann',
      first_name: 'ann',
      last_name: 'Archer',
      employee_number: 'N1',
      employment_status: 'ACTIVE',
      is_active: true,
      email: 'ann@corp.example',
      idp_id: 'u1',
      start_date: '2020-01-01T00:00:00Z',
      employment_types: ['FULL_TIME'],
      customprop_level: 3,
    });
    expect(graph.nodes.find((n) => n.key === 'system:people')!.properties).toEqual({
      url: 'https://people.example',
      idp_providers: ['okta', 'custom'],
      customprop_tenant: 't1',
    });
    expect(graph.nodes.find((n) => n.key === 'group:cc1')).toMatchObject({ name: 'cc1', properties: { group_type: 'COST_CENTER' } });
    expect(graph.grants.length).toBe(0);
    expect(graph.types.hris_types).toEqual(['PeopleSoft']);
    expect(graph.counts).toEqual({ employees: 3, groups: 3 });
  });
});

import type { DerivedGraph } from '../graph/derived-graph.js';
import { GraphBuilder } from '../graph/graph-builder.js';
import { hrisNodeKey } from '../graph/node-keys.js';
import { ASK } from '../linking/identity-keys.js';
import type { HrisModel } from './read-hris.js';

/**
 * Derives an HRIS data source's graph (spec §13): the system, its employees and groups, group
 * memberships (from `groups`, `department` and `cost_center`, the field kept on the edge),
 * group parents and managers. References the payload does not define were warned about and are
 * left out. No grants and no reach: HRIS data grants no access.
 */
export function deriveHrisGraph(model: HrisModel): DerivedGraph {
  const b = new GraphBuilder();
  const type = `OAA.${model.hrisType}`;
  const system = b.node({ kind: 'hris_system', key: hrisNodeKey('system', model.system.key), localKey: model.system.localKey, name: model.system.name, nodeType: `${type}.HRISSystem`, properties: model.system.properties });
  const groups = new Map<string, number>();
  for (const group of model.groups.values()) {
    const id = b.node({ kind: 'hris_group', key: hrisNodeKey('group', group.key), localKey: group.localKey, name: group.name, nodeType: `${type}.HRISGroup`, properties: group.properties });
    b.edge('contains', system, id);
    groups.set(group.key, id);
  }
  const employees = new Map<string, number>();
  for (const employee of model.employees.values()) {
    const id = b.node({ kind: 'hris_employee', key: hrisNodeKey('employee', employee.key), localKey: employee.localKey, name: employee.name, nodeType: `${type}.HRISEmployee`, properties: employee.properties });
    b.edge('contains', system, id);
    employees.set(employee.key, id);
    // What the employee is matched to an IdP user by, in the documented order (spec §7.3).
    if (employee.idpId) b.identityRefs.push({ node: id, identity: employee.idpId, source: ASK.employeeIdpId });
    if (employee.email) b.identityRefs.push({ node: id, identity: employee.email, source: ASK.employeeEmail });
    b.identityRefs.push({ node: id, identity: employee.localKey, source: ASK.employeeId });
  }
  // References to groups the HRIS does not define leave no edge (they were warned about): a group added under such a key later gets them.
  const unresolvedGroups = new Set<string>();
  for (const group of model.groups.values()) {
    const parent = group.parent === null ? undefined : groups.get(group.parent);
    if (parent === undefined && group.parent !== null) unresolvedGroups.add(group.parent);
    if (parent === undefined) continue;
    b.edge('member_of', groups.get(group.key)!, parent);
  }
  const unresolvedManagers = new Set<string>();
  for (const employee of model.employees.values()) {
    const id = employees.get(employee.key)!;
    for (const { key, via } of employee.groups) {
      const group = groups.get(key);
      if (group !== undefined) b.edge('member_of', id, group, { via });
      else unresolvedGroups.add(key);
    }
    for (const { key } of employee.managers) {
      const manager = employees.get(key);
      if (manager !== undefined && manager !== id) b.edge('manages', manager, id);
      else if (manager === undefined) unresolvedManagers.add(key);
    }
  }
  // No reach rows: HRIS data grants nothing (membership stays in the member_of edges).
  return b.finish({ types: { hris_types: [model.hrisType] }, counts: { employees: model.employees.size, groups: model.groups.size }, unresolvedManagers: [...unresolvedManagers], unresolvedGroups: [...unresolvedGroups] });
}

import type { Kysely } from 'kysely';
import { hrisNodeKey, type HrisDeltaPlan, type HrisSlice, type HrisSliceEmployee } from '@accessgraph/core';
import type { Database } from './database.js';
import type { GraphStorage } from './graph-writer.js';
import { readDeltaBasis } from './delta-basis.js';
import { groupBy, NodeReader, uniqueNodes as unique } from './node-reader.js';

/** A slice to apply a change of HRIS employees to, with the state it was read from; or why the change has to go the whole-state way. */
export type HrisSliceRead = { slice: HrisSlice; pushedAt: string } | { whole: string };

/**
 * Reads what a change of an HRIS' employees touches in its stored graph (`HrisSlice`): the named
 * employees with their groups (and the field that names each) and managers; the groups and managers
 * they and the change name. A few index lookups per named employee, whatever the size of the HRIS.
 * Says `whole` when the stored state cannot take the change by difference; the push then applies it
 * to the whole state.
 */
export async function readHrisSlice(db: Kysely<Database>, graphs: GraphStorage, dataSourceId: string, plan: HrisDeltaPlan): Promise<HrisSliceRead> {
  const read = await readDeltaBasis(db, dataSourceId);
  if ('whole' in read) return read;
  const { basis, ds, pushedAt } = read;
  if (basis.container === null) return { whole: 'the state was stored before differences were kept' };
  for (const [field, value] of Object.entries(plan.repeated)) {
    if (JSON.stringify(basis.declarations[field as keyof typeof basis.declarations]) !== JSON.stringify(value)) return { whole: `the change replaces the HRIS' ${field}` };
  }
  // Employees whose managers name no employee would get a manager: they are not named, so the whole-state way derives them.
  const unresolved = new Set(basis.unresolvedManagers);
  if (plan.employees.some((e) => e.operation === 'add' && unresolved.has(e.key))) return { whole: 'an added employee is the manager other employees name' };

  const nodes = new NodeReader(graphs.reader(db, ds), ds);
  const [system] = await nodes.byKeys([basis.container]);
  if (system === undefined) return { whole: 'the HRIS has no system' };
  const found = (await nodes.byKeys(plan.employees.map((e) => hrisNodeKey('employee', e.key)))).filter((n) => n.kind === 'hris_employee');
  const ids = found.map((n) => n.id);
  const named = new Set(ids);
  const groupEdges = await nodes.edgesFrom(ids, ['member_of']);
  const managerEdges = await nodes.edgesTo(ids, ['manages']);
  const linked = new Map((await nodes.byIds([...new Set([...groupEdges.map((e) => e.to), ...managerEdges.map((e) => e.from)])])).map((n) => [n.id, n]));
  const groupsOf = groupBy(groupEdges, (e) => e.from, (e) => ({ key: linked.get(e.to)!.localKey, via: String(e.properties?.via ?? 'groups') }));
  const managersOf = groupBy(managerEdges, (e) => e.to, (e) => linked.get(e.from)!.localKey);
  const employees: HrisSliceEmployee[] = found.map((node) => ({ ...node, groups: groupsOf.get(node.id) ?? [], managers: managersOf.get(node.id) ?? [] }));
  const managers = unique([...managerEdges.map((e) => linked.get(e.from)!), ...(await nodes.byKeys(plan.managers.map((k) => hrisNodeKey('employee', k))))]).filter((n) => n.kind === 'hris_employee' && !named.has(n.id));
  const groups = unique([...groupEdges.map((e) => linked.get(e.to)!), ...(await nodes.byKeys(plan.groups.map((k) => hrisNodeKey('group', k))))]).filter((n) => n.kind === 'hris_group');
  return { slice: { declarations: basis.declarations, system, employees, managers, groups, nextNodeId: basis.nextNodeId }, pushedAt };
}

import type { Kysely } from 'kysely';
import { hrisNodeKey, type HrisDeltaPlan, type HrisSlice, type HrisSliceEmployee } from '@accessgraph/core';
import type { Database } from './database.js';
import type { GraphStorage } from './graph-writer.js';
import { readDeltaBasis } from './delta-basis.js';
import { groupBy, NodeReader, uniqueNodes as unique, walkLevels, type StoredNode } from './node-reader.js';
import { MOVED_UNDER_ITSELF } from './moved-principals.js';

/** A slice to apply a change of HRIS employees to, with the state it was read from; or why the change has to go the whole-state way. */
export type HrisSliceRead = { slice: HrisSlice; pushedAt: string } | { whole: string };

/**
 * Reads what a change of an HRIS' employees, groups and system touches in its stored graph
 * (`HrisSlice`): the named employees with their groups (and the field that names each) and
 * managers; the named groups and their parents; the groups and managers they and the change name. A few index lookups per named employee, whatever the size of the HRIS.
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
  // Likewise employees and groups whose references name no group get an added one as theirs.
  const unresolvedGroups = new Set(basis.unresolvedGroups);
  if (plan.namedGroups.some((g) => g.operation === 'add' && unresolvedGroups.has(g.key))) return { whole: 'an added group is one other employees or groups name' };

  const nodes = new NodeReader(graphs.reader(db, ds), ds);
  const [system] = await nodes.byKeys([basis.container]);
  if (system === undefined) return { whole: 'the HRIS has no system' };
  const systemChange = systemProblem(system, plan.system);
  if (systemChange !== undefined) return { whole: systemChange };
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
  const namedGroups = (await nodes.byKeys(plan.namedGroups.map((g) => hrisNodeKey('group', g.key)))).filter((n) => n.kind === 'hris_group');
  const groupProblem = await namedGroupProblem(nodes, plan, namedGroups);
  if (groupProblem !== undefined) return { whole: groupProblem };
  // A named group's parent, which its stored item names.
  const parents = await nodes.byIds((await nodes.edgesFrom(namedGroups.map((n) => n.id), ['member_of'])).map((e) => e.to));
  const namedIds = new Set(namedGroups.map((n) => n.id));
  const groups = unique([...groupEdges.map((e) => linked.get(e.to)!), ...parents, ...(await nodes.byKeys(plan.groups.map((k) => hrisNodeKey('group', k))))]).filter((n) => n.kind === 'hris_group' && !namedIds.has(n.id));
  return { slice: { declarations: basis.declarations, system, employees, managers, groups, namedGroups, nextNodeId: basis.nextNodeId }, pushedAt };
}

/**
 * Why a change of the system's fields must go the whole-state way: another id is another system
 * (every employee's `contains` edge), other `idp_providers` say which identity providers every
 * employee links to.
 */
function systemProblem(system: StoredNode, fields: Record<string, unknown> | undefined): string | undefined {
  if (fields === undefined) return undefined;
  // A system without an id is keyed by its name: another name, another key (the small payload's system carries its key as its id).
  if (fields.id === undefined && fields.name !== undefined && fields.name !== system.name && system.localKey === system.name) return "the change renames the HRIS' system, which its name keys";
  if (fields.id !== undefined && (typeof fields.id !== 'string' || fields.id.toLowerCase() !== system.localKey.toLowerCase())) return "the change gives the HRIS' system another id";
  if (fields.idp_providers !== undefined && JSON.stringify(fields.idp_providers) !== JSON.stringify(system.properties.idp_providers)) return "the change replaces the identity providers the HRIS' employees link to";
  return undefined;
}

/**
 * Why a change of groups must go the whole-state way: a deleted group that employees or groups
 * name (the references left behind are what the whole state warns about, at their paths), or a
 * group moved under one below it (a cycle, which the whole state reports).
 */
async function namedGroupProblem(nodes: NodeReader, plan: HrisDeltaPlan, namedGroups: readonly StoredNode[]): Promise<string | undefined> {
  const byKey = new Map(namedGroups.map((n) => [n.key, n]));
  const deleted = plan.namedGroups.filter((g) => g.operation === 'delete').flatMap((g) => byKey.get(hrisNodeKey('group', g.key)) ?? []);
  const moved = plan.namedGroups.filter((g) => g.parent !== undefined).flatMap((g) => byKey.get(hrisNodeKey('group', g.key)) ?? []);
  // Groups the change moves or deletes too name their parents anew.
  const renaming = new Set([...deleted, ...moved].map((n) => n.id));
  if ((await nodes.edgesTo(deleted.map((n) => n.id), ['member_of'])).some((e) => !renaming.has(e.from))) return 'a deleted group is named by employees or groups';
  if (moved.length === 0) return undefined;
  const below = await walkLevels(moved.map((n) => n.id), (frontier) => nodes.membersOfKind(frontier, 'hris_group'));
  const parents = await nodes.byKeys(plan.namedGroups.flatMap((g) => (g.parent ? [hrisNodeKey('group', g.parent)] : [])), true);
  return parents.some((p) => below.has(p.id)) ? MOVED_UNDER_ITSELF : undefined;
}

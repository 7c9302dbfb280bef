import type { Kysely } from 'kysely';
import { tracelessRoles, type DerivedGraph, type PayloadDeclarations, type TracelessRole } from '@accessgraph/core';
import type { Database } from './database.js';

/**
 * What a change of leaves needs to know about a data source's stored state besides the rows it
 * touches (`leaf-slice.ts`), kept as JSON beside the state (`data_source_states.delta_basis`) so
 * that the change reads none of the rest: the payload's top-level declarations, the first free
 * node and grant ids, whether roles hold grants of their own, how users and resources are keyed,
 * the roles whose assignments may leave no grant, and the state's counts.
 */
export interface DeltaBasis {
  /** BASIS_VERSION when written; a basis of another version is not read (the next whole push writes it anew). */
  version: number;
  declarations: PayloadDeclarations;
  nextNodeId: number;
  nextGrantId: number;
  rolesHoldGrants: boolean;
  /** Of an application data source: its applications' keys (lower-cased names), each of which a top-level permission has a node in. */
  apps: string[];
  /** Node keys of the applications whose users, groups and roles carry ids. */
  usersKeyedById: string[];
  groupsKeyedById: string[];
  rolesKeyedById: string[];
  /** The state's entity counts, for the push record of a change that counts only what it changed. */
  counts: Record<string, number>;
  /** Per application node key, the resource types (lower-cased) whose resources carry ids. */
  resourceTypesKeyedById: Record<string, string[]>;
  /**
   * The roles whose assignment on a resource can grant nothing there: those whose permissions all
   * apply to some resource types only and not to sub-resources (or that have none). Each with those
   * types (lower-cased): a resource of another type may be named by an assignment of it that left
   * no grant, which a deleted resource's check looks for. Kept exact by every change made by
   * difference (`LeafDelta.roleTraces`).
   */
  tracelessRoles: TracelessRole[];
  /**
   * Of an identity provider or an HRIS: the managers (lower-cased) its people name that are none of
   * them. A person added under such a key becomes their manager, which a change made by difference
   * does not look for (those people are not named): it goes the whole-state way.
   */
  unresolvedManagers: string[];
  /**
   * Of an HRIS: the groups (lower-cased ids) its employees and groups name that it does not define.
   * A group added under such a key gets their memberships, which a change made by difference does
   * not look for (those employees and groups are not named): it goes the whole-state way.
   */
  unresolvedGroups: string[];
  /** Of an identity provider: whether it has mapping rules (they compare every user's properties). */
  identityMappings: boolean;
  /** Of an identity provider, its domain's node key; of an HRIS, its system's: what holds its people. */
  container: string | null;
}

/** The basis of a graph a push stores whole. */
export function deltaBasisOf(graph: DerivedGraph, declarations: PayloadDeclarations): DeltaBasis {
  const { nodes, grants } = graph;
  let rolesHoldGrants = false;
  for (let i = 0; i < grants.length && !rolesHoldGrants; i++) rolesHoldGrants = nodes[grants.col.holder[i]!]!.kind === 'local_role';
  const keyedById = (kind: string) => {
    const apps = new Set<number>();
    for (const node of nodes) if (node.kind === kind && node.localKey !== node.name && node.appId !== null) apps.add(node.appId);
    return [...apps].map((id) => nodes[id]!.key);
  };
  return {
    version: BASIS_VERSION,
    declarations,
    nextNodeId: nodes.length,
    nextGrantId: grants.length,
    rolesHoldGrants,
    apps: nodes.filter((n) => n.kind === 'application').map((n) => n.localKey.toLowerCase()),
    usersKeyedById: keyedById('local_user'),
    groupsKeyedById: keyedById('local_group'),
    rolesKeyedById: keyedById('local_role'),
    counts: graph.counts,
    resourceTypesKeyedById: resourceTypesKeyedById(graph),
    tracelessRoles: tracelessRoles(graph),
    unresolvedManagers: graph.unresolvedManagers ?? [],
    unresolvedGroups: graph.unresolvedGroups ?? [],
    container: nodes.find((n) => n.kind === 'idp_domain' || n.kind === 'hris_system')?.key ?? null,
    identityMappings: nodes.some((n) => n.kind === 'idp_domain' && Array.isArray(n.properties.identity_mappings) && n.properties.identity_mappings.length > 0),
  };
}


function resourceTypesKeyedById(graph: DerivedGraph): Record<string, string[]> {
  const { nodes } = graph;
  const types: Record<string, Set<string>> = {};
  for (const node of nodes) {
    if (node.kind !== 'resource' || node.appId === null || node.resourceType === null) continue;
    const parent = node.parentId === null ? undefined : nodes[node.parentId]!;
    const own = parent === undefined ? node.localKey : node.localKey.slice(parent.localKey.length + 1);
    if (own !== node.name) (types[nodes[node.appId]!.key] ??= new Set()).add(node.resourceType.toLowerCase());
  }
  return Object.fromEntries(Object.entries(types).map(([app, set]) => [app, [...set]]));
}

/** Changes with what the basis holds, or what the graph keeps for changes by difference (5: bindings keep their scopes on their edges where their grants cannot tell them; 6: by their lower-cased keys; 7: the applications' keys; 8: the empty entries' identities; 9: an HRIS' unresolved groups); a state stored with another version goes the whole-state way once. */
const BASIS_VERSION = 9;

export function parseDeltaBasis(json: string | null): DeltaBasis | undefined {
  const basis = json === null ? undefined : (JSON.parse(json) as Partial<DeltaBasis>);
  return basis?.version === BASIS_VERSION ? (basis as DeltaBasis) : undefined;
}

/** A data source's basis with its sequence number and the state's time; or why its changes cannot be made by difference. */
export async function readDeltaBasis(db: Kysely<Database>, dataSourceId: string): Promise<{ basis: DeltaBasis; ds: number; pushedAt: string } | { whole: string }> {
  const state = await db
    .selectFrom('data_sources as d')
    .innerJoin('data_source_states as s', 's.ds', 'd.seq')
    .select(['d.seq', 's.pushed_at', 's.delta_basis'])
    .where('d.id', '=', dataSourceId.toLowerCase())
    .executeTakeFirst();
  if (!state) return { whole: 'no stored state' };
  const basis = parseDeltaBasis(state.delta_basis);
  if (basis === undefined) return { whole: 'the state was stored before differences were kept' };
  return { basis, ds: Number(state.seq), pushedAt: state.pushed_at };
}

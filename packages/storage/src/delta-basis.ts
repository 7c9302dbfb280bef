import type { DerivedGraph, PayloadDeclarations } from '@accessgraph/core';

/**
 * What a change of local users needs to know about a data source's stored state besides the rows
 * it touches (`leaf-slice.ts`), kept as JSON beside the state (`data_source_states.delta_basis`)
 * so that the change reads none of the rest: the payload's top-level declarations, the first free
 * node and grant ids, whether roles hold grants of their own, which applications key their users
 * by id, and the state's counts.
 */
export interface DeltaBasis {
  declarations: PayloadDeclarations;
  nextNodeId: number;
  nextGrantId: number;
  rolesHoldGrants: boolean;
  /** Node keys of the applications whose users carry ids. */
  usersKeyedById: string[];
  /** The state's entity counts, for the push record of a change that counts only what it changed. */
  counts: Record<string, number>;
}

/** The basis of a graph a push stores whole (application data sources only). */
export function deltaBasisOf(graph: DerivedGraph, declarations: PayloadDeclarations): DeltaBasis {
  const { nodes, grants } = graph;
  let rolesHoldGrants = false;
  for (let i = 0; i < grants.length && !rolesHoldGrants; i++) rolesHoldGrants = nodes[grants.col.holder[i]!]!.kind === 'local_role';
  const keyedById = new Set<number>();
  for (const node of nodes) if (node.kind === 'local_user' && node.localKey !== node.name && node.appId !== null) keyedById.add(node.appId);
  return {
    declarations,
    nextNodeId: nodes.length,
    nextGrantId: grants.length,
    rolesHoldGrants,
    usersKeyedById: [...keyedById].map((id) => nodes[id]!.key),
    counts: graph.counts,
  };
}

export function parseDeltaBasis(json: string | null): DeltaBasis | undefined {
  return json === null ? undefined : (JSON.parse(json) as DeltaBasis);
}

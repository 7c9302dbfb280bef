import type { NodeSummary } from '@accessgraph/contract';
import { encodeNodeId } from '@accessgraph/core';

/** A graph node row as the query API names it (its stable id from data source id and node key). */
export function nodeSummary(
  ds: { id: string; provider_id: string },
  node: { kind: string; node_key: string; local_key: string; name: string; node_type: string },
  application: string | null,
): NodeSummary {
  return {
    id: encodeNodeId(ds.id, node.node_key),
    type: node.kind,
    node_type: node.node_type,
    key: node.local_key,
    name: node.name,
    application,
    data_source_id: ds.id,
    provider_id: ds.provider_id,
  };
}

/**
 * The stable id of a node in the query API: its data source's id and its node key (both stable
 * across pushes: a node keeps its key while the payload keeps its entity), base64url-encoded so
 * that it is one opaque path segment. Internal node ids (positions in a derivation) are never
 * shown: they mean nothing outside one graph.
 */
export function encodeNodeId(dataSourceId: string, nodeKey: string): string {
  return Buffer.from(`${dataSourceId.toLowerCase()}\n${nodeKey}`, 'utf8').toString('base64url');
}

/** The data source id and node key of a node id, or undefined when it is not one. */
export function decodeNodeId(id: string): { dataSourceId: string; nodeKey: string } | undefined {
  if (!/^[A-Za-z0-9_-]+$/.test(id)) return undefined;
  const text = Buffer.from(id, 'base64url').toString('utf8');
  const newline = text.indexOf('\n');
  if (newline <= 0 || newline === text.length - 1) return undefined;
  const dataSourceId = text.slice(0, newline);
  const nodeKey = text.slice(newline + 1);
  // Re-encoding must give the same id: anything else (bad padding, stray bytes) is not an id we made.
  return encodeNodeId(dataSourceId, nodeKey) === id ? { dataSourceId, nodeKey } : undefined;
}

/**
 * A question that applies to some kinds of node only. The store checks the kind on the node it
 * reads for the answer anyway, so the caller need not read the node first in a transaction of
 * its own (two queries and a transaction per request).
 */
export interface KindCheck {
  /** When given, a node of another kind is refused with a NodeKindError instead of answered. */
  kinds?: readonly string[];
}

/** The asked node is of a kind the question does not apply to. */
export class NodeKindError extends Error {
  constructor(readonly kind: string) {
    super(`the question does not apply to ${kind} nodes`);
    this.name = 'NodeKindError';
  }
}

export function checkKind(kind: string, check: KindCheck): void {
  if (check.kinds !== undefined && !check.kinds.includes(kind)) throw new NodeKindError(kind);
}

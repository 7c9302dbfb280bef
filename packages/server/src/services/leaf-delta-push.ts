import { promisify } from 'node:util';
import { gzip, constants as zlibConstants } from 'node:zlib';
import { applyToSlice, planLeafDelta, type DerivedGraph, type PayloadTemplate, type PayloadWarning, type LeafDelta } from '@accessgraph/core';
import type { Store } from '@accessgraph/storage';
import { ApiError } from '../http/api-error.js';
import { withUnlisted } from './payload-errors.js';
import { payloadShapeViolations } from './payload-schemas.js';

const gzipAsync = promisify(gzip);

/** A change of local users made by difference, ready to commit; why it must go the whole-state way; or why it is refused. */
export type LeafDeltaOutcome =
  | { kind: 'delta'; delta: LeafDelta; graph: DerivedGraph; change: Promise<Uint8Array>; basePushedAt: string; warnings: PayloadWarning[] }
  | { kind: 'whole'; reason: string }
  | { kind: 'refused'; error: ApiError };

/**
 * An incremental application payload that changes local users only (`planLeafDelta`), made by
 * difference (docs/architecture.md, "Incremental pushes"): the slice of the stored graph it
 * touches is read (`Store.readLeafSlice`) and the change applied to it (`applyToSlice`). The
 * change itself (gzipped) is what the commit logs after the stored state.
 */
export async function tryLeafDelta(store: Store, dataSourceId: string, change: Record<string, unknown>, reader: PayloadTemplate): Promise<LeafDeltaOutcome> {
  const plan = planLeafDelta(change);
  if (plan === undefined) return { kind: 'whole', reason: 'the change is not one of local users only' };
  const read = await store.readLeafSlice(dataSourceId, plan);
  if ('whole' in read) return { kind: 'whole', reason: read.whole };
  const outcome = applyToSlice(read.slice, plan, change, reader, (payload) => payloadShapeViolations('application', payload));
  if (outcome.kind === 'whole') return outcome;
  if (outcome.kind === 'refused') {
    return { kind: 'refused', error: ApiError.invalid(withUnlisted(outcome.violations, outcome.unlisted), 'INVALID_PAYLOAD') };
  }
  const state = gzipAsync(JSON.stringify(change), { level: zlibConstants.Z_BEST_SPEED });
  state.catch(() => undefined); // awaited at the commit; a rejection must not go unhandled meanwhile
  return { kind: 'delta', delta: outcome.delta, graph: outcome.graph, warnings: outcome.warnings, change: state, basePushedAt: read.pushedAt };
}

import { promisify } from 'node:util';
import { gzip, constants as zlibConstants } from 'node:zlib';
import type { CustomTemplate } from '@accessgraph/contract';
import { applyToHrisSlice, applyToIdpSlice, applyToSlice, planHrisDelta, planIdpDelta, planLeafDelta, type DerivedGraph, type PayloadTemplate, type PayloadWarning, type LeafDelta, type SliceOutcome } from '@accessgraph/core';
import type { Store } from '@accessgraph/storage';
import { ApiError } from '../http/api-error.js';
import { withUnlisted } from './payload-errors.js';
import { payloadShapeViolations } from './payload-schemas.js';

const gzipAsync = promisify(gzip);

/** A change of leaves made by difference, ready to commit; why it must go the whole-state way; or why it is refused. */
export type LeafDeltaOutcome =
  | { kind: 'delta'; template: CustomTemplate; delta: LeafDelta; graph: DerivedGraph; change: Promise<Uint8Array>; basePushedAt: string; warnings: PayloadWarning[] }
  | { kind: 'whole'; reason: string }
  | { kind: 'refused'; error: ApiError };

/**
 * An incremental payload that changes only leaves, made by difference (docs/architecture.md,
 * "Incremental pushes"): an application's local users, resources and entities changed in place
 * (`planLeafDelta`), an identity provider's users (`planIdpDelta`), an HRIS' employees
 * (`planHrisDelta`). The slice of the stored graph it touches is read (`Store.readLeafSlice`,
 * `readIdpSlice`, `readHrisSlice`) and the change applied to it (`applyToSlice`,
 * `applyToIdpSlice`, `applyToHrisSlice`). The change itself (gzipped) is what the commit logs after
 * the stored state.
 */
export async function tryLeafDelta(store: Store, dataSourceId: string, template: CustomTemplate, change: Record<string, unknown>, reader: PayloadTemplate): Promise<LeafDeltaOutcome> {
  const outcome = await applyToStoredSlice(store, dataSourceId, template, change, reader);
  if (outcome.kind === 'whole') return outcome;
  if (outcome.kind === 'refused') {
    return { kind: 'refused', error: ApiError.invalid(withUnlisted(outcome.violations, outcome.unlisted), 'INVALID_PAYLOAD') };
  }
  const state = gzipAsync(JSON.stringify(change), { level: zlibConstants.Z_BEST_SPEED });
  state.catch(() => undefined); // awaited at the commit; a rejection must not go unhandled meanwhile
  return { kind: 'delta', template: outcome.template, delta: outcome.delta, graph: outcome.graph, warnings: outcome.warnings, change: state, basePushedAt: outcome.basePushedAt };
}

type SliceApplied = Exclude<SliceOutcome, { kind: 'delta' }> | (Extract<SliceOutcome, { kind: 'delta' }> & { template: CustomTemplate; basePushedAt: string });

async function applyToStoredSlice(store: Store, dataSourceId: string, template: CustomTemplate, change: Record<string, unknown>, reader: PayloadTemplate): Promise<SliceApplied> {
  const shape = (payload: unknown) => payloadShapeViolations(template, payload);
  if (template === 'application') {
    const plan = planLeafDelta(change);
    if (plan === undefined) return { kind: 'whole', reason: 'the change is not one of leaves only' };
    const read = await store.readLeafSlice(dataSourceId, plan);
    if ('whole' in read) return { kind: 'whole', reason: read.whole };
    const outcome = applyToSlice(read.slice, read.plan, change, reader, shape);
    return outcome.kind === 'delta' ? { ...outcome, template, basePushedAt: read.pushedAt } : outcome;
  }
  if (template === 'identity_provider') {
    const plan = planIdpDelta(change);
    if (plan === undefined) return { kind: 'whole', reason: 'the change is not one of users only' };
    const read = await store.readIdpSlice(dataSourceId, plan);
    if ('whole' in read) return { kind: 'whole', reason: read.whole };
    const outcome = applyToIdpSlice(read.slice, plan, change, reader, shape);
    return outcome.kind === 'delta' ? { ...outcome, template, basePushedAt: read.pushedAt } : outcome;
  }
  const plan = planHrisDelta(change);
  if (plan === undefined) return { kind: 'whole', reason: 'the change is not one of employees only' };
  const read = await store.readHrisSlice(dataSourceId, plan);
  if ('whole' in read) return { kind: 'whole', reason: read.whole };
  const outcome = applyToHrisSlice(read.slice, plan, change, reader, shape);
  return outcome.kind === 'delta' ? { ...outcome, template, basePushedAt: read.pushedAt } : outcome;
}

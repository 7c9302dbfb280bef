import type { CustomTemplate, FieldViolation } from '@accessgraph/contract';
import type { DerivedGraph } from '../graph/derived-graph.js';
import { IssueCollector, type PayloadWarning } from '../payload/issues.js';
import type { PayloadTemplate } from '../payload-templates.js';
import { applyIncremental } from './apply-changes.js';
import type { PathOrigins } from './path-origins.js';
import { slicePayload, type StoredSlice } from './stored-slice.js';
import { emptyEntryIdentities } from './payload-declarations.js';
import { leafDelta, type LeafDelta } from './leaf-delta.js';
import type { LeafDeltaPlan } from './leaf-delta-plan.js';
import { HRIS_EMPLOYEES, IDP_PRINCIPALS, peopleDelta } from './people-delta.js';
import { hrisNodeKey, idpNodeKey } from '../graph/node-keys.js';
import type { HrisDeltaPlan } from './hris-delta-plan.js';
import { hrisSlicePayload, type HrisSlice } from './hris-slice.js';
import type { IdpDeltaPlan } from './idp-delta-plan.js';
import { idpSlicePayload, type IdpSlice } from './idp-slice.js';

/** A change of local users applied to its slice: the delta to commit, why it must go the whole-state way, or its problems. */
export type SliceOutcome =
  | { kind: 'delta'; delta: LeafDelta; graph: DerivedGraph; warnings: PayloadWarning[] }
  | { kind: 'whole'; reason: string }
  | { kind: 'refused'; violations: FieldViolation[]; unlisted: number };

/**
 * Applies a change of local users to the slice of the stored graph it touches (`StoredSlice`):
 * the slice is read back as a small payload, the change is applied to it with the same engine as
 * to a whole state, and the result is checked (`shapeViolations`, the template's schema) and
 * derived as any payload is; the named users' rows of that derivation are the delta. A problem of
 * the change's own entities refuses it, named by its path in the change. A problem elsewhere in
 * the small payload cannot be told from an artefact of reading it back (a collection keyed partly
 * by id, say), so the change goes the whole-state way, which decides. Warnings are those about
 * the change's own entities.
 */
export function applyToSlice(
  slice: StoredSlice,
  plan: LeafDeltaPlan,
  change: Record<string, unknown>,
  reader: PayloadTemplate,
  shapeViolations: (payload: unknown) => FieldViolation[],
): SliceOutcome {
  return applyToSmallPayload('application', slicePayload(slice), change, reader, shapeViolations, (graph, payload) => {
    const delta = leafDelta(graph, slice, plan);
    if (plan.changedPermissions.length > 0) delta.permissions = payload.permissions;
    // Entries the change leaves without bindings (the small payload holds every entry it touches).
    delta.emptyEntries = emptyEntryIdentities(payload);
    return delta;
  });
}

/** The same for a change of an identity provider's users (`planIdpDelta`), applied to its slice (`IdpSlice`). */
export function applyToIdpSlice(
  slice: IdpSlice,
  plan: IdpDeltaPlan,
  change: Record<string, unknown>,
  reader: PayloadTemplate,
  shapeViolations: (payload: unknown) => FieldViolation[],
): SliceOutcome {
  const stored = [slice.domain, ...slice.users, ...slice.namedGroups, ...slice.namedApps, ...slice.managers, ...slice.groups, ...slice.apps, ...slice.externals];
  // Written anew like the named people (node, tags, own edges): the named apps, and the domain when the change names it.
  const domain = plan.domain === undefined ? [] : [slice.domain];
  const named = [
    ...plan.users.map((u) => ({ key: idpNodeKey('user', u.key), count: 'users' })),
    ...plan.namedGroups.map((g) => ({ key: idpNodeKey('group', g.key), count: 'groups' })),
    ...plan.namedApps.map((a) => ({ key: idpNodeKey('app', a.key), count: 'apps' })),
    ...domain.map((d) => ({ key: d.key, count: 'domains' })),
  ];
  return applyToSmallPayload('identity_provider', idpSlicePayload(slice), change, reader, shapeViolations, (graph) =>
    peopleDelta(graph, { stored, people: [...slice.users, ...slice.namedGroups, ...slice.namedApps, ...domain], externals: slice.externals, nextNodeId: slice.nextNodeId }, named, IDP_PRINCIPALS),
  );
}

/** The same for a change of an HRIS' employees (`planHrisDelta`), applied to its slice (`HrisSlice`). */
export function applyToHrisSlice(
  slice: HrisSlice,
  plan: HrisDeltaPlan,
  change: Record<string, unknown>,
  reader: PayloadTemplate,
  shapeViolations: (payload: unknown) => FieldViolation[],
): SliceOutcome {
  const stored = [slice.system, ...slice.employees, ...slice.namedGroups, ...slice.managers, ...slice.groups];
  // Written anew like the named employees (node, own edges): the named groups, and the system when the change gives its fields.
  const system = plan.system === undefined ? [] : [slice.system];
  const named = [
    ...plan.employees.map((e) => ({ key: hrisNodeKey('employee', e.key), count: 'employees' })),
    ...plan.namedGroups.map((g) => ({ key: hrisNodeKey('group', g.key), count: 'groups' })),
    ...system.map((s) => ({ key: s.key })),
  ];
  return applyToSmallPayload('hris', hrisSlicePayload(slice), change, reader, shapeViolations, (graph) =>
    peopleDelta(graph, { stored, people: [...slice.employees, ...slice.namedGroups, ...system], externals: [], nextNodeId: slice.nextNodeId }, named, HRIS_EMPLOYEES),
  );
}

function applyToSmallPayload(
  template: CustomTemplate,
  payload: Record<string, unknown>,
  change: Record<string, unknown>,
  reader: PayloadTemplate,
  shapeViolations: (payload: unknown) => FieldViolation[],
  deltaOf: (graph: DerivedGraph, payload: Record<string, unknown>) => LeafDelta,
): SliceOutcome {
  const issues = new IssueCollector();
  const stored = reader.normalise(payload, issues) as Record<string, unknown>;
  const applied = applyIncremental(template, stored, structuredClone(change), issues);
  // What the engine refuses (an add of an existing user, a modify of a missing one) it names by the change's own paths.
  if (issues.hasErrors) return refused(issues.errors.map((e) => ({ field: e.path, description: e.message })), issues);
  const shape = ownProblems(shapeViolations(applied.payload), applied.origins);
  if (shape === 'elsewhere') return { kind: 'whole', reason: 'the read-back state has a shape problem outside the change' };
  if (shape.length > 0) return refused(shape, issues);
  const derive = reader.read(applied.payload, issues);
  if (issues.hasErrors) {
    const own = ownProblems(issues.errors.map((e) => ({ field: e.path, description: e.message })), applied.origins);
    return own === 'elsewhere' ? { kind: 'whole', reason: 'the read-back state has a problem outside the change' } : refused(own, issues);
  }
  const warnings: PayloadWarning[] = [];
  for (const warning of issues.warnings) {
    const path = applied.origins.fromChange(warning.path);
    if (path !== undefined) warnings.push({ ...warning, path });
  }
  const graph = derive();
  return { kind: 'delta', delta: deltaOf(graph, applied.payload), graph, warnings };
}

function refused(violations: FieldViolation[], issues: IssueCollector): SliceOutcome {
  return { kind: 'refused', violations, unlisted: issues.totalErrors - issues.errors.length };
}

/** The violations at their paths in the change, or 'elsewhere' when any of them is in stored data. */
function ownProblems(violations: readonly FieldViolation[], origins: PathOrigins): FieldViolation[] | 'elsewhere' {
  const own: FieldViolation[] = [];
  for (const violation of violations) {
    const field = origins.fromChange(violation.field);
    if (field === undefined) return 'elsewhere';
    own.push({ field, description: violation.description });
  }
  return own;
}

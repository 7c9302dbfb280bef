import { randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import { gzip, constants as zlibConstants } from 'node:zlib';
import type { FastifyBaseLogger } from 'fastify';
import type { CustomTemplate, FieldViolation, PushRecord, PushRequest, PushResponse, PushWarning } from '@accessgraph/contract';
import {
  IssueCollector,
  PAYLOAD_TEMPLATES,
  applyIncremental,
  decodePush,
  templateMismatch,
  type Compression,
  type DecodedPush,
  type DerivedGraph,
  type PayloadTemplate,
  payloadDeclarations,
  type PayloadDeclarations,
  type PayloadWarning,
  type TagRemoval,
} from '@accessgraph/core';
import { StoreError, type DataSourceState, type Store } from '@accessgraph/storage';
import { ApiError } from '../http/api-error.js';
import type { Caller } from './api-key-service.js';
import type { DataSourceService } from './data-source-service.js';
import { KeyedMutex } from './keyed-mutex.js';
import { changeShapeViolations, payloadShapeViolations } from './payload-schemas.js';
import { inChange, payloadError, withMore } from './payload-errors.js';
import { tryLeafDelta, type LeafDeltaOutcome } from './leaf-delta-push.js';
import { foldLogIfLarge, wholeState } from './stored-state.js';
import type { ProviderService } from './provider-service.js';

const gzipAsync = promisify(gzip);

/**
 * How often an incremental push is applied again when another replica's push to the same data
 * source commits in between (pushes within one process already queue per data source).
 */
const INCREMENTAL_ATTEMPTS = 3;

export interface PushInput {
  providerId: string;
  dataSourceId: string;
  body: PushRequest;
  caller: Caller | undefined;
  log: FastifyBaseLogger;
}

/** Phase timings of one push, for logs and the benchmark; `link` (identity links) is part of `store`. */
type Phases = Record<'decode' | 'validate' | 'derive' | 'store' | 'link', number>;

/**
 * One push, end to end (design: "One push, end to end"): decode, check shape and meaning,
 * derive the graph, and commit it atomically; a rejected push changes nothing but its record.
 */
export class PushService {
  private readonly mutex = new KeyedMutex();

  constructor(
    private readonly store: Store,
    private readonly providers: ProviderService,
    private readonly dataSources: DataSourceService,
    private readonly maxInflatedBytes?: number,
  ) {}

  async push(input: PushInput): Promise<PushResponse> {
    const provider = await this.providers.get(input.providerId);
    const dataSource = await this.dataSources.get(provider.id, input.dataSourceId);
    checkEnvelopeIds(input.body, provider.id, dataSource.id);
    return this.mutex.run(dataSource.id, () => this.process(input, provider.id, dataSource.id, provider.custom_template));
  }

  private async process(input: PushInput, providerId: string, dataSourceId: string, template: CustomTemplate): Promise<PushResponse> {
    const started = new Date();
    const clock = phaseClock();
    const record: PushRecord = {
      id: randomUUID(),
      data_source_id: dataSourceId,
      started_at: started.toISOString(),
      duration_ms: 0,
      key_id: input.caller?.keyId ?? null,
      size_bytes: typeof input.body.json_data === 'string' ? Buffer.byteLength(input.body.json_data) : 0,
      compression: 'none',
      incremental: false,
      outcome: 'SUCCESS',
      counts: {},
      warnings: [],
      errors: [],
    };
    const reject = async (error: ApiError): Promise<never> => {
      record.outcome = 'REJECTED';
      record.errors = error.options.violations ?? [{ field: '', description: error.message }];
      record.duration_ms = Date.now() - started.getTime();
      await this.recordQuietly(record, input.log);
      throw error;
    };

    try {
      const stored: StoredState = {
        load: () => this.store.getDataSourceState(dataSourceId),
        tryDelta: (change, reader) => tryLeafDelta(this.store, dataSourceId, template, change, reader),
      };
      for (let attempt = 1; ; attempt++) {
        const accepted = await accept(input.body, template, this.maxInflatedBytes, clock, stored);
        record.compression = accepted.compression ?? record.compression;
        record.incremental = accepted.incremental ?? record.incremental;
        if (!accepted.ok) return await reject(accepted.error);
        if (accepted.kind === 'delta') {
          const warnings: PushWarning[] = accepted.warnings.map(toWarning);
          record.warnings = warnings;
          clock.lap('derive');
          record.duration_ms = Date.now() - started.getTime();
          let committed;
          try {
            const { delta, graph, change, basePushedAt } = accepted;
            committed = await this.store.commitLeafDelta({ providerId, dataSourceId, template: accepted.template, delta, graph, change: await change, basePushedAt, record, now: new Date().toISOString() });
          } catch (error) {
            if (!(error instanceof StoreError && error.code === 'conflict')) throw error;
            input.log.info({ data_source_id: dataSourceId, attempt }, 'incremental push: the data source changed meanwhile; applying it again');
            if (attempt < INCREMENTAL_ATTEMPTS) continue;
            return await reject(conflictError(attempt));
          }
          record.counts = committed.counts;
          const answer = this.accepted(input, dataSourceId, record, warnings, committed, clock, 'by difference');
          await foldLogIfLarge(this.store, dataSourceId, template, PAYLOAD_TEMPLATES[template], committed.state, input.log);
          return answer;
        }
        const { graph, state } = accepted;
        // Warnings about the payload itself; the store adds those about identities that link to nothing.
        const warnings: PushWarning[] = accepted.warnings.map(toWarning);
        record.counts = graph.counts;
        record.warnings = warnings;
        clock.lap('derive');

        input.log.debug({ data_source_id: dataSourceId }, 'push: storing');
        record.duration_ms = Date.now() - started.getTime();
        let committed;
        try {
          committed = await this.store.commitPush({
            providerId,
            dataSourceId,
            template,
            graph,
            state: await state,
            record,
            now: new Date().toISOString(),
            ...(accepted.base ? { basePushedAt: accepted.base.pushedAt, tagRemovals: accepted.base.tagRemovals } : {}),
            ...(accepted.declarations ? { declarations: accepted.declarations } : {}),
          });
        } catch (error) {
          if (!(error instanceof StoreError && error.code === 'conflict')) throw error;
          input.log.info({ data_source_id: dataSourceId, attempt }, 'incremental push: the data source changed meanwhile; applying it again');
          if (attempt < INCREMENTAL_ATTEMPTS) continue;
          return await reject(conflictError(attempt));
        }
        return this.accepted(input, dataSourceId, record, warnings, committed, clock, accepted.wholeReason === undefined ? undefined : { whole: accepted.wholeReason });
      }
    } catch (error) {
      if (error instanceof ApiError) throw error;
      record.outcome = 'FAILED';
      record.errors = [{ field: '', description: 'internal error while processing the push; see the server log' }];
      record.duration_ms = Date.now() - started.getTime();
      await this.recordQuietly(record, input.log);
      throw error;
    }
  }

  private accepted(
    input: PushInput,
    dataSourceId: string,
    record: PushRecord,
    warnings: PushWarning[],
    { linkWarnings, linkMs, linkChanges }: { linkWarnings: PushWarning[]; linkMs: number; linkChanges: unknown },
    clock: PhaseClock,
    incremental: 'by difference' | { whole: string } | undefined,
  ): PushResponse {
    warnings.push(...linkWarnings);
    clock.lap('store');
    clock.phases.link = linkMs;
    input.log.info(
      {
        data_source_id: dataSourceId,
        push_id: record.id,
        bytes: record.size_bytes,
        phases_ms: clock.phases,
        counts: record.counts,
        ...(incremental === undefined ? {} : incremental === 'by difference' ? { by_difference: true } : { by_difference: false, whole_state_because: incremental.whole }),
        warnings: warnings.length,
        links: linkChanges,
      },
      'push accepted',
    );
    return { warnings };
  }

  /** Records a push that changed nothing; a failure to record must not hide the real answer. */
  private async recordQuietly(record: PushRecord, log: FastifyBaseLogger): Promise<void> {
    try {
      await this.store.recordFailedPush(record, new Date().toISOString());
    } catch (error) {
      log.error({ err: error, push_id: record.id }, 'could not record a failed push');
    }
  }
}

/** What the push record learns from the body, also when the payload is then refused. */
interface Envelope {
  compression: Compression;
  incremental: boolean;
}

type Refused = { ok: false; error: ApiError } & Partial<Envelope>;
/** What an incremental push commits besides its graph: the state it was applied to, and the tags it removes. */
interface IncrementalBase {
  pushedAt: string;
  tagRemovals: TagRemoval[];
}
/** A payload to store whole, with its declarations (what later changes made by difference are checked against). */
interface Whole {
  ok: true;
  kind: 'whole';
  state: Promise<Uint8Array>;
  warnings: PayloadWarning[];
  base?: IncrementalBase;
  declarations?: PayloadDeclarations;
  /** For an incremental push, why it was applied to the whole state rather than by difference (logged). */
  wholeReason?: string;
}
/** A change of leaves to commit by difference. */
type ByDifference = { ok: true } & Extract<LeafDeltaOutcome, { kind: 'delta' }> & Envelope;
type Validated = (Whole & { derive: () => DerivedGraph } & Envelope) | ByDifference;
type Accepted = (Whole & { graph: DerivedGraph } & Envelope) | ByDifference | Refused;
/** What an incremental push reads of the data source: its whole state, or the slice a change of leaves touches. */
interface StoredState {
  load(): Promise<DataSourceState | undefined>;
  tryDelta(change: Record<string, unknown>, reader: PayloadTemplate): Promise<LeafDeltaOutcome>;
}

/**
 * Validation and derivation of one push body: the graph to store, or why not. Each step runs in
 * a frame of its own so that what it no longer needs is garbage before the next one starts: the
 * parsed payload (most of a gigabyte of objects at 100 MB) before the derivation, whose full
 * garbage collections would otherwise walk it again and again; the model before the store.
 */
async function accept(body: PushRequest, template: CustomTemplate, maxInflatedBytes: number | undefined, clock: PhaseClock, stored: StoredState): Promise<Accepted> {
  const validated = await validate(body, template, maxInflatedBytes, clock, stored);
  if (!validated.ok || validated.kind === 'delta') return validated;
  const graph = validated.derive();
  return { ...validated, ok: true, graph };
}

/** Decode, shape and meaning: the validated model, or why the payload is refused. */
async function validate(body: PushRequest, template: CustomTemplate, maxInflatedBytes: number | undefined, clock: PhaseClock, stored: StoredState): Promise<Validated | Refused> {
  const decoded = decodePush(body.json_data, body.compression_type, maxInflatedBytes);
  if (!decoded.ok) return { ok: false, error: ApiError.fromIssues(decoded.issues, 'INVALID_JSON_DATA') };
  const { payload } = decoded.value;
  const envelope: Envelope = { compression: decoded.value.compression, incremental: payload.incremental_change === true };
  const mismatch = templateMismatch(payload, template);
  if (mismatch) return { ...envelope, ok: false, error: ApiError.invalid([{ field: '', description: mismatch }], 'TEMPLATE_MISMATCH') };
  const reader = PAYLOAD_TEMPLATES[template];
  const issues = new IssueCollector();
  const normalised = reader.normalise(payload, issues);
  if (issues.hasErrors) return { ...envelope, ok: false, error: payloadError(issues) };
  if (envelope.incremental) return validateIncremental(normalised as Record<string, unknown>, template, reader, envelope, clock, stored);

  const state = storedState(decoded.value, body.json_data as string);
  clock.lap('decode');
  const shape = payloadShapeViolations(template, normalised);
  if (shape.length > 0) return { ...envelope, ok: false, error: ApiError.invalid(shape, 'INVALID_PAYLOAD') };
  const derive = reader.read(normalised, issues);
  if (issues.hasErrors) return { ...envelope, ok: false, error: payloadError(issues) };
  clock.lap('validate');
  return { ...envelope, ok: true, kind: 'whole', derive, state, warnings: issues.warnings, ...declarationsOf(template, normalised) };
}

/** A payload's top-level declarations (`payloadDeclarations`), for the commit. */
function declarationsOf(template: CustomTemplate, payload: unknown): { declarations: PayloadDeclarations } {
  return { declarations: payloadDeclarations(template, payload) };
}

function conflictError(attempts: number): ApiError {
  return new ApiError('Unavailable', 'PUSH_CONFLICT', `other pushes to the data source committed during ${attempts} attempts to apply this incremental push; retry it`, { retryAfter: 1 });
}

/**
 * An incremental payload (spec §11): its changes are checked against the template's schema with
 * nothing required. A change of leaves only (an application's local users, resources and
 * entities changed in place, an identity provider's users, an HRIS' employees) is made by
 * difference (`tryLeafDelta`). Any other is applied to the stored state — the last payload stored whole with
 * the changes logged since — and the result is validated and derived as a full push, so every
 * rule holds for the state the data source is left in. Problems name paths in the incremental
 * payload where the entity came from it, else say they are in stored data. The result becomes the
 * stored state, so a later incremental push applies to it.
 */
async function validateIncremental(
  change: Record<string, unknown>,
  template: CustomTemplate,
  reader: PayloadTemplate,
  envelope: Envelope,
  clock: PhaseClock,
  stored: StoredState,
): Promise<Validated | Refused> {
  const refused = (error: ApiError): Refused => ({ ...envelope, ok: false, error });
  const shape = changeShapeViolations(template, change);
  if (shape.length > 0) return refused(ApiError.invalid(shape, 'INVALID_PAYLOAD'));
  const outcome = await stored.tryDelta(change, reader);
  if (outcome.kind === 'refused') return refused(outcome.error);
  if (outcome.kind === 'delta') {
    clock.lap('validate');
    return { ...envelope, ...outcome, ok: true };
  }
  const whole = outcome.reason;
  const base = await stored.load();
  if (!base) {
    return refused(
      new ApiError('FailedPrecondition', 'INCREMENTAL_NEEDS_FULL_PUSH', 'the data source has no pushed state yet: its first push must be a full payload, without incremental_change', {
        violations: [{ field: 'incremental_change', description: 'the first push to a data source must be a full payload' }],
      }),
    );
  }
  const issues = new IssueCollector();
  const state = await wholeState(template, reader, base);
  clock.lap('decode');
  const applied = applyIncremental(template, state, change, issues);
  if (issues.hasErrors) return refused(payloadError(issues));

  const mergedShape = payloadShapeViolations(template, applied.payload);
  if (mergedShape.length > 0) return refused(ApiError.invalid(mergedShape.map((v) => inChange(v, applied.origins)), 'INVALID_PAYLOAD'));
  const derive = reader.read(applied.payload, issues);
  if (issues.hasErrors) {
    const violations = issues.errors.map((e) => inChange({ field: e.path, description: e.message }, applied.origins));
    return refused(ApiError.invalid(withMore(violations, issues), 'INVALID_PAYLOAD'));
  }
  const warnings = issues.warnings.map((w) => {
    const { field, description } = inChange({ field: w.path, description: w.message }, applied.origins);
    return { ...w, path: field, message: description };
  });
  const gzipped = gzipAsync(JSON.stringify(applied.payload), { level: zlibConstants.Z_BEST_SPEED });
  gzipped.catch(() => undefined); // awaited later; a rejection must not go unhandled meanwhile
  clock.lap('validate');
  const appliedTo = { pushedAt: base.pushedAt, tagRemovals: applied.tagRemovals };
  return { ...envelope, ok: true, kind: 'whole', derive, state: gzipped, warnings, base: appliedTo, wholeReason: whole, ...declarationsOf(template, applied.payload) };
}

function checkEnvelopeIds(body: PushRequest, providerId: string, dataSourceId: string): void {
  const violations: FieldViolation[] = [];
  if (body.id !== undefined && body.id.toLowerCase() !== providerId) {
    violations.push({ field: 'id', description: `provider id "${body.id}" in the body differs from "${providerId}" in the path` });
  }
  if (body.data_source_id !== undefined && body.data_source_id.toLowerCase() !== dataSourceId) {
    violations.push({ field: 'data_source_id', description: `data source id "${body.data_source_id}" in the body differs from "${dataSourceId}" in the path` });
  }
  if (violations.length > 0) throw ApiError.invalid(violations, 'ID_MISMATCH');
}

/**
 * The bytes kept as the data source's state: the gzip as received, or the JSON gzipped at the
 * fastest level, started now so it runs on the thread pool while the payload is validated.
 */
function storedState(decoded: DecodedPush, jsonData: string): Promise<Uint8Array> {
  if (decoded.gzipped) return Promise.resolve(decoded.gzipped);
  const pending = gzipAsync(jsonData, { level: zlibConstants.Z_BEST_SPEED });
  pending.catch(() => undefined); // awaited later; a rejection must not go unhandled meanwhile
  return pending;
}



function toWarning(warning: { path: string; code: string; message: string }): PushWarning {
  return warning.path ? { message: warning.message, path: warning.path, code: warning.code } : { message: warning.message, code: warning.code };
}

type PhaseClock = ReturnType<typeof phaseClock>;

function phaseClock() {
  let last = performance.now();
  const phases: Partial<Phases> = {};
  return {
    phases,
    lap(phase: keyof Phases) {
      const now = performance.now();
      phases[phase] = Math.round(now - last);
      last = now;
    },
  };
}

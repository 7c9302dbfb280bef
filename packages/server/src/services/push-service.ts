import { randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import { gzip, constants as zlibConstants } from 'node:zlib';
import type { FastifyBaseLogger } from 'fastify';
import type { CustomTemplate, FieldViolation, PushRecord, PushRequest, PushResponse, PushWarning } from '@accessgraph/contract';
import {
  IssueCollector,
  PAYLOAD_TEMPLATES,
  decodePush,
  templateMismatch,
  type Compression,
  type DecodedPush,
  type DerivedGraph,
  type PayloadWarning,
} from '@accessgraph/core';
import type { Store } from '@accessgraph/storage';
import { ApiError } from '../http/api-error.js';
import type { Caller } from './api-key-service.js';
import type { DataSourceService } from './data-source-service.js';
import { KeyedMutex } from './keyed-mutex.js';
import { payloadShapeViolations } from './payload-schemas.js';
import type { ProviderService } from './provider-service.js';

const gzipAsync = promisify(gzip);

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
      const accepted = accept(input.body, template, this.maxInflatedBytes, clock);
      record.compression = accepted.compression ?? record.compression;
      record.incremental = accepted.incremental ?? record.incremental;
      if (!accepted.ok) return await reject(accepted.error);
      const { graph, state } = accepted;
      // Warnings about the payload itself; the store adds those about identities that link to nothing.
      const warnings: PushWarning[] = accepted.warnings.map(toWarning);
      record.counts = graph.counts;
      record.warnings = warnings;
      clock.lap('derive');

      input.log.debug({ data_source_id: dataSourceId }, 'push: storing');
      record.duration_ms = Date.now() - started.getTime();
      const { linkWarnings, linkMs, linkChanges } = await this.store.commitPush({ providerId, dataSourceId, template, graph, state: await state, record, now: new Date().toISOString() });
      warnings.push(...linkWarnings);
      clock.lap('store');
      clock.phases.link = linkMs;
      input.log.info(
        { data_source_id: dataSourceId, push_id: record.id, bytes: record.size_bytes, phases_ms: clock.phases, counts: graph.counts, warnings: warnings.length, links: linkChanges },
        'push accepted',
      );
      return { warnings };
    } catch (error) {
      if (error instanceof ApiError) throw error;
      record.outcome = 'FAILED';
      record.errors = [{ field: '', description: 'internal error while processing the push; see the server log' }];
      record.duration_ms = Date.now() - started.getTime();
      await this.recordQuietly(record, input.log);
      throw error;
    }
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
type Validated = { ok: true; derive: () => DerivedGraph; state: Promise<Uint8Array>; warnings: PayloadWarning[] } & Envelope;
type Accepted = ({ ok: true; graph: DerivedGraph; state: Promise<Uint8Array>; warnings: PayloadWarning[] } & Envelope) | Refused;

/**
 * Validation and derivation of one push body: the graph to store, or why not. Each step runs in
 * a frame of its own so that what it no longer needs is garbage before the next one starts: the
 * parsed payload (most of a gigabyte of objects at 100 MB) before the derivation, whose full
 * garbage collections would otherwise walk it again and again; the model before the store.
 */
function accept(body: PushRequest, template: CustomTemplate, maxInflatedBytes: number | undefined, clock: PhaseClock): Accepted {
  const validated = validate(body, template, maxInflatedBytes, clock);
  if (!validated.ok) return validated;
  const graph = validated.derive();
  return { ok: true, graph, state: validated.state, warnings: validated.warnings, compression: validated.compression, incremental: validated.incremental };
}

/** Decode, shape and meaning: the validated model, or why the payload is refused. */
function validate(body: PushRequest, template: CustomTemplate, maxInflatedBytes: number | undefined, clock: PhaseClock): Validated | Refused {
  const decoded = decodePush(body.json_data, body.compression_type, maxInflatedBytes);
  if (!decoded.ok) return { ok: false, error: ApiError.fromIssues(decoded.issues, 'INVALID_JSON_DATA') };
  const { payload } = decoded.value;
  const envelope: Envelope = { compression: decoded.value.compression, incremental: payload.incremental_change === true };
  const state = storedState(decoded.value, body.json_data as string);
  clock.lap('decode');

  const mismatch = templateMismatch(payload, template);
  if (mismatch) return { ...envelope, ok: false, error: ApiError.invalid([{ field: '', description: mismatch }], 'TEMPLATE_MISMATCH') };
  const reader = PAYLOAD_TEMPLATES[template];
  const issues = new IssueCollector();
  const normalised = reader.normalise(payload, issues);
  if (issues.hasErrors) return { ...envelope, ok: false, error: payloadError(issues) };
  const shape = payloadShapeViolations(template, normalised);
  if (shape.length > 0) return { ...envelope, ok: false, error: ApiError.invalid(shape, 'INVALID_PAYLOAD') };
  const derive = reader.read(normalised, issues);
  if (issues.hasErrors) return { ...envelope, ok: false, error: payloadError(issues) };
  clock.lap('validate');
  return { ...envelope, ok: true, derive, state, warnings: issues.warnings };
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

function payloadError(issues: IssueCollector): ApiError {
  const violations = issues.errors.map((e) => ({ field: e.path, description: e.message }));
  if (issues.totalErrors > issues.errors.length) {
    violations.push({ field: '', description: `${issues.totalErrors - issues.errors.length} more errors not listed` });
  }
  return ApiError.invalid(violations, 'INVALID_PAYLOAD');
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

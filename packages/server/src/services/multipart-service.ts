import { randomUUID } from 'node:crypto';
import type { FastifyBaseLogger } from 'fastify';
import type { FieldViolation, PartsRequest, PartsResponse, PushRequest } from '@accessgraph/contract';
import type { Store, UploadRecord } from '@accessgraph/storage';
import { ApiError } from '../http/api-error.js';
import type { Caller } from './api-key-service.js';
import { systemClock, type Clock } from './clock.js';
import type { DataSourceService } from './data-source-service.js';
import type { PushService } from './push-service.js';

/** An upload untouched (no start, chunk or completion) for this long expires. */
export const UPLOAD_IDLE_MS = 60 * 60 * 1000;

/**
 * Largest assembled payload: the OAA push limit is 100 MB, and the assembled JSON must fit in
 * one JavaScript string (about 512 MiB), which the push path parses.
 */
export const MAX_ASSEMBLED_BYTES = 512 * 1024 * 1024;

export interface PartsInput {
  providerId: string;
  dataSourceId: string;
  body: PartsRequest;
  caller: Caller | undefined;
  log: FastifyBaseLogger;
}

export interface MultipartOptions {
  clock?: Clock;
  idleMs?: number;
  maxAssembledBytes?: number;
}

/** The fields each operation takes besides `operation`; any other is refused, by name. */
const FIELDS: Record<PartsRequest['operation'], ReadonlyArray<keyof PartsRequest>> = {
  start: [],
  upload: ['upload_id', 'sequence_number', 'data'],
  complete: ['upload_id', 'sequence_count'],
};

/**
 * Standard base64, padded: checked as a character class plus the length, since a pattern of
 * repeated 4-character groups runs out of stack on a chunk of oaaclient's size (66.7 MB).
 */
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
const isBase64 = (text: string) => text.length % 4 === 0 && BASE64.test(text);

/**
 * Multipart upload of a push (spec §2.7): `start` opens an upload, `upload` stores a chunk,
 * `complete` joins the chunks as bytes and hands them to the push path, which decodes,
 * validates, derives and stores them as it does a `:push`. Chunks are kept in the database, so
 * any replica can take any of them. Idle uploads expire: one found expired is deleted when it
 * is used, and every `start` deletes all the expired ones.
 */
export class MultipartService {
  private readonly clock: Clock;
  private readonly idleMs: number;
  private readonly maxAssembledBytes: number;

  constructor(
    private readonly store: Store,
    private readonly dataSources: DataSourceService,
    private readonly pushes: PushService,
    options: MultipartOptions = {},
  ) {
    this.clock = options.clock ?? systemClock;
    this.idleMs = options.idleMs ?? UPLOAD_IDLE_MS;
    this.maxAssembledBytes = options.maxAssembledBytes ?? MAX_ASSEMBLED_BYTES;
  }

  async parts(input: PartsInput): Promise<PartsResponse> {
    const dataSource = await this.dataSources.get(input.providerId, input.dataSourceId);
    checkFields(input.body);
    switch (input.body.operation) {
      case 'start':
        return this.start(dataSource.id, input.log);
      case 'upload':
        return this.upload(dataSource.id, input.body);
      case 'complete':
        return this.complete(input, dataSource.id);
    }
  }

  private async start(dataSourceId: string, log: FastifyBaseLogger): Promise<PartsResponse> {
    const swept = await this.store.deleteIdleUploads(this.idleCutoff());
    const id = randomUUID();
    await this.store.createUpload({ id, dataSourceId, now: this.now() });
    log.info({ data_source_id: dataSourceId, upload_id: id, expired_uploads_deleted: swept }, 'multipart upload started');
    return { upload_id: id };
  }

  private async upload(dataSourceId: string, body: PartsRequest): Promise<PartsResponse> {
    const uploadId = body.upload_id!;
    const data = body.data!;
    if (!isBase64(data)) throw ApiError.invalid([{ field: 'data', description: 'is not base64 (standard alphabet, padded with =)' }]);
    await this.openUpload(uploadId, dataSourceId);
    const stored = await this.store.putUploadPart({ uploadId, sequenceNumber: body.sequence_number!, data: Buffer.from(data, 'base64'), now: this.now() });
    if (!stored) throw completed(uploadId);
    return {};
  }

  private async complete(input: PartsInput, dataSourceId: string): Promise<PartsResponse> {
    const uploadId = input.body.upload_id!;
    const count = input.body.sequence_count!;
    const upload = await this.openUpload(uploadId, dataSourceId);
    checkComplete(upload, count);
    const size = upload.parts.filter((p) => p.sequenceNumber <= count).reduce((sum, p) => sum + p.sizeBytes, 0);
    if (size > this.maxAssembledBytes) {
      throw new ApiError('ResourceExhausted', 'BODY_TOO_LARGE', `upload_id: the assembled payload of ${size} bytes is larger than the server accepts (${this.maxAssembledBytes} bytes)`);
    }
    const parts = await this.store.takeUploadParts(uploadId, this.now());
    if (!parts) throw completed(uploadId);
    // Joined as bytes: oaaclient cuts the UTF-8 text at fixed offsets, inside characters too.
    const assembled = Buffer.concat(parts.filter((p) => p.sequenceNumber <= count).map((p) => p.data));
    input.log.info({ data_source_id: dataSourceId, upload_id: uploadId, parts: count, bytes: assembled.byteLength }, 'multipart upload assembled');
    return this.pushes.push({
      providerId: input.providerId,
      dataSourceId,
      body: asPushBody(assembled),
      caller: input.caller,
      log: input.log,
    });
  }

  /** The upload, if it is this data source's, open and not expired; else 404 saying which. */
  private async openUpload(uploadId: string, dataSourceId: string): Promise<UploadRecord> {
    const upload = await this.store.getUpload(uploadId);
    if (!upload || upload.dataSourceId !== dataSourceId) throw ApiError.notFound('upload', uploadId);
    const cutoff = this.idleCutoff();
    if (upload.touchedAt < cutoff) {
      await this.store.deleteIdleUploads(cutoff);
      throw new ApiError('NotFound', 'NOT_FOUND', `upload_id: upload "${uploadId}" expired after ${this.idleMs / 60_000} minutes without a chunk; start a new one`, {
        resource: { type: 'upload', id: uploadId },
      });
    }
    if (upload.completedAt !== null) throw completed(uploadId);
    return upload;
  }

  private now(): string {
    return this.clock().toISOString();
  }

  private idleCutoff(): string {
    return new Date(this.clock().getTime() - this.idleMs).toISOString();
  }
}

function completed(uploadId: string): ApiError {
  return new ApiError('NotFound', 'NOT_FOUND', `upload_id: upload "${uploadId}" was already completed; start a new one`, {
    resource: { type: 'upload', id: uploadId },
  });
}

/** Every field the operation needs is there, and none it does not take. */
function checkFields(body: PartsRequest): void {
  const wanted = FIELDS[body.operation];
  const violations: FieldViolation[] = [];
  for (const field of wanted) {
    if (body[field] === undefined) violations.push({ field, description: `is required by operation "${body.operation}"` });
  }
  for (const field of Object.keys(body) as Array<keyof PartsRequest>) {
    if (field !== 'operation' && !wanted.includes(field)) violations.push({ field, description: `is not taken by operation "${body.operation}"` });
  }
  if (violations.length > 0) throw ApiError.invalid(violations);
}

/** Chunks 1..count are all there and none above count; else 400 naming the numbers. */
function checkComplete(upload: UploadRecord, count: number): void {
  const held = new Set(upload.parts.map((p) => p.sequenceNumber));
  const missing = Array.from({ length: count }, (_, i) => i + 1).filter((n) => !held.has(n));
  const extra = [...held].filter((n) => n > count);
  const violations: FieldViolation[] = [];
  if (missing.length > 0) {
    violations.push({ field: 'sequence_number', description: `chunk${missing.length > 1 ? 's' : ''} ${missing.join(', ')} of 1..${count} not uploaded` });
  }
  if (extra.length > 0) {
    violations.push({ field: 'sequence_count', description: `is ${count} but chunk${extra.length > 1 ? 's' : ''} ${extra.join(', ')} were uploaded too` });
  }
  if (violations.length === 0) return;
  const message = violations.map((v) => `${v.field}: ${v.description}`).join('; ');
  throw new ApiError('FailedPrecondition', 'UPLOAD_INCOMPLETE', `Upload incomplete: ${message}`, { violations });
}

/**
 * The push body of the assembled bytes: gzip (magic 1F 8B) as base64 with GZIP, anything else
 * as UTF-8 text, which must decode without a bad sequence.
 */
function asPushBody(bytes: Buffer): PushRequest {
  if (bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b) return { json_data: bytes.toString('base64'), compression_type: 'GZIP' };
  try {
    return { json_data: new TextDecoder('utf-8', { fatal: true }).decode(bytes), compression_type: 'none' };
  } catch {
    throw ApiError.invalid([{ field: 'data', description: 'the assembled chunks are not UTF-8 text (nor gzip)' }], 'INVALID_JSON_DATA');
  }
}

import type { FastifyBaseLogger } from 'fastify';
import type { CsvPushRequest, FieldViolation, PushRequest, PushResponse, PushWarning } from '@accessgraph/contract';
import { cellPath, CsvSourceMap, mapCsvToPayload, rowPath, type CsvMapped, type CsvToPayloadInput } from '@accessgraph/core';
import { ApiError } from '../http/api-error.js';
import type { Caller } from './api-key-service.js';
import type { DataSourceService } from './data-source-service.js';
import type { ProviderService } from './provider-service.js';
import type { PushService } from './push-service.js';

export interface CsvPushInput {
  providerId: string;
  dataSourceId: string;
  body: CsvPushRequest;
  caller: Caller | undefined;
  log: FastifyBaseLogger;
}

/**
 * CSV push (spec §2.6): the CSV is mapped by the provider's `csv_mapping_configuration` onto
 * the template's payload, which is then pushed as a `:push` of that JSON, so that validation,
 * derivation, storage and history are the push's own. A CSV that cannot be mapped changes
 * nothing (and is not recorded: no payload was pushed); problems the payload validation finds
 * are told by the CSV row and column they came from.
 */
export class CsvPushService {
  constructor(
    private readonly providers: ProviderService,
    private readonly dataSources: DataSourceService,
    private readonly pushes: PushService,
    private readonly maxInflatedBytes?: number,
  ) {}

  async push(input: CsvPushInput): Promise<PushResponse> {
    const provider = await this.providers.get(input.providerId);
    const dataSource = await this.dataSources.get(provider.id, input.dataSourceId);
    const mapping = provider.csv_mapping_configuration;
    if (!mapping) {
      const description = 'the provider has no csv_mapping_configuration; create the provider with one to push CSV to it';
      throw new ApiError('FailedPrecondition', 'CSV_MAPPING_UNUSABLE', `csv_mapping_configuration: ${description}`, {
        violations: [{ field: 'csv_mapping_configuration', description }],
      });
    }
    const { body } = input;
    const mappingInput: CsvToPayloadInput = {
      template: provider.custom_template,
      mapping,
      csvData: body.csv_data,
      compressionType: body.compression_type,
      overrides: { name: body.name, type: body.type },
      providerName: provider.name,
      ...(this.maxInflatedBytes !== undefined ? { maxInflatedBytes: this.maxInflatedBytes } : {}),
      trackSources: false,
    };
    const mapped = mapCsvToPayload(mappingInput);
    if (!mapped.ok) throw mappingError(mapped);
    input.log.info({ data_source_id: dataSource.id, rows: mapped.rows, csv_bytes: body.csv_data.length }, 'csv push mapped');

    const push: PushRequest = {
      ...(body.id !== undefined ? { id: body.id } : {}),
      ...(body.data_source_id !== undefined ? { data_source_id: body.data_source_id } : {}),
      json_data: JSON.stringify(mapped.payload),
      compression_type: 'none',
      ...(body.priority_push !== undefined ? { priority_push: body.priority_push } : {}),
    };
    // The same mapping again, recording sources, only when there is something to locate.
    const sources = lazySources(() => mapCsvToPayload({ ...mappingInput, trackSources: true }));
    try {
      const response = await this.pushes.push({ providerId: provider.id, dataSourceId: dataSource.id, body: push, caller: input.caller, log: input.log });
      if (!response.warnings.some((warning) => warning.path)) return response;
      return { warnings: response.warnings.map((warning) => locateWarning(warning, sources())) };
    } catch (error) {
      if (error instanceof ApiError && error.options.violations?.some((v) => v.field)) throw locateError(error, sources());
      throw error;
    }
  }
}

function lazySources(map: () => CsvMapped): () => CsvSourceMap {
  let sources: CsvSourceMap | undefined;
  return () => {
    if (!sources) {
      const mapped = map();
      // It mapped once; a mapping is deterministic, so it maps again.
      sources = mapped.ok ? mapped.sources : new CsvSourceMap(false);
    }
    return sources;
  };
}

function mappingError(mapped: Extract<CsvMapped, { ok: false }>): ApiError {
  const violations: FieldViolation[] = mapped.issues.map((i) => ({ field: i.path, description: i.message }));
  if (mapped.totalIssues > mapped.issues.length) violations.push({ field: '', description: `${mapped.totalIssues - mapped.issues.length} more errors not listed` });
  if (mapped.stage === 'data') return ApiError.invalid(violations, 'INVALID_CSV_DATA');
  const shown = violations.slice(0, 3).map((v) => `${v.field}: ${v.description}`).join('; ');
  return new ApiError('FailedPrecondition', 'CSV_MAPPING_UNUSABLE', `The provider's csv_mapping_configuration cannot map a CSV: ${shown}`, { violations });
}

/** The error of the push, its violations told by CSV row and column where the payload path came from one. */
function locateError(error: ApiError, sources: CsvSourceMap): ApiError {
  const violations = error.options.violations!.map((violation) => {
    const source = violation.field ? sources.locate(violation.field) : undefined;
    if (!source) return violation;
    return {
      field: source.column === undefined ? rowPath(source.row) : cellPath(source.row, source.column),
      description: `${violation.description} (payload path ${violation.field})`,
    };
  });
  if (error.code === 'InvalidArgument') return ApiError.invalid(violations, error.reason);
  return new ApiError(error.code, error.reason, error.message, { ...error.options, violations });
}

/** A warning with its CSV row and column added to the message (after the text connectors match on). */
function locateWarning(warning: PushWarning, sources: CsvSourceMap): PushWarning {
  const source = warning.path ? sources.locate(warning.path) : undefined;
  if (!source) return warning;
  const where = source.column === undefined ? rowPath(source.row) : cellPath(source.row, source.column);
  return { ...warning, message: `${warning.message} (CSV ${where})` };
}

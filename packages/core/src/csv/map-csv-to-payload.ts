import type { CsvMappingConfiguration, CustomTemplate } from '@accessgraph/contract';
import { IssueCollector } from '../payload/issues.js';
import type { ValidationIssue } from '../validation-issue.js';
import { bindColumns, type CsvColumns } from './bind-columns.js';
import type { CsvMapContext } from './csv-map-context.js';
import { CsvSourceMap } from './csv-source-map.js';
import { decodeCsvData } from './decode-csv-data.js';
import { mapApplicationCsv } from './map-application-csv.js';
import { mapHrisCsv } from './map-hris-csv.js';
import { mapIdpCsv } from './map-idp-csv.js';
import { parseCsv, type CsvRow } from './parse-csv.js';
import { RowValues } from './row-values.js';

export interface CsvToPayloadInput {
  template: CustomTemplate;
  mapping: CsvMappingConfiguration;
  /** The request's `csv_data`: base64 of the CSV file, gzipped first with compression GZIP. */
  csvData: string;
  compressionType: unknown;
  /** The push's `name` and `type`, which take the place of the configured ones. */
  overrides?: { name?: string | undefined; type?: string | undefined };
  providerName: string;
  maxInflatedBytes?: number;
  /** Record where each part of the payload came from (default true); see CsvSourceMap. */
  trackSources?: boolean;
}

/**
 * The template payload a CSV maps to, with where each part of it came from; or why not:
 * `configuration` when the provider's mapping cannot work, `data` when the CSV breaks it (each
 * issue naming its row and column).
 */
export type CsvMapped =
  | { ok: true; payload: Record<string, unknown>; sources: CsvSourceMap; rows: number }
  | { ok: false; stage: 'configuration' | 'data'; issues: ValidationIssue[]; totalIssues: number };

/** The list delimiter when the mapping sets none. */
export const DEFAULT_LIST_DELIMITER = ',';

const MAPPERS: Record<CustomTemplate, (ctx: CsvMapContext) => object> = {
  application: mapApplicationCsv,
  identity_provider: mapIdpCsv,
  hris: mapHrisCsv,
};

const TEMPLATE_NAMES: Record<string, CustomTemplate> = {
  application: 'application',
  custom_application: 'application',
  identity_provider: 'identity_provider',
  idp: 'identity_provider',
  custom_idp: 'identity_provider',
  hris: 'hris',
};

/**
 * CSV push, before the push pipeline: decode `csv_data`, parse the CSV, bind the mapped columns
 * to the header, read every row and build the template's payload. Pure: the caller pushes the
 * payload as a JSON push, so validation and derivation are the same.
 */
export function mapCsvToPayload(input: CsvToPayloadInput): CsvMapped {
  const configuration = new IssueCollector();
  const data = new IssueCollector();
  const fail = (stage: 'configuration' | 'data', issues: IssueCollector): CsvMapped => ({ ok: false, stage, issues: issues.errors, totalIssues: issues.totalErrors });

  checkTemplateType(input, configuration);
  if (configuration.hasErrors) return fail('configuration', configuration);
  const decoded = decodeCsvData(input.csvData, input.compressionType, input.maxInflatedBytes);
  if (!decoded.ok) return { ok: false, stage: 'data', issues: decoded.issues, totalIssues: decoded.issues.length };
  const table = parseCsv(decoded.value.text);
  if (!table.ok) return { ok: false, stage: 'data', issues: table.issues, totalIssues: table.issues.length };

  const columns = bindColumns(input.template, input.mapping, table.value.header, { configuration, data });
  if (configuration.hasErrors) return fail('configuration', configuration);
  const delimiter = input.mapping.advanced?.list_delimiter || DEFAULT_LIST_DELIMITER;
  // Rows are read as the mapper comes to them, so that only one row's values live at a time.
  const counted = { rows: 0 };
  const rows = readRows(table.value.rows, columns, delimiter, data, counted);

  const sources = new CsvSourceMap(input.trackSources ?? true);
  const ctx: CsvMapContext = {
    template: input.template,
    mapping: input.mapping,
    rows,
    columns,
    overrides: input.overrides ?? {},
    providerName: input.providerName,
    issues: { configuration, data },
    sources,
  };
  const payload = MAPPERS[input.template](ctx) as Record<string, unknown>;
  if (counted.rows === 0 && !data.hasErrors) data.error('csv_data', 'no_rows', 'every data row of the CSV is empty');
  if (configuration.hasErrors) return fail('configuration', configuration);
  if (data.hasErrors) return fail('data', data);
  return { ok: true, payload, sources, rows: counted.rows };
}

function* readRows(rows: readonly CsvRow[], columns: CsvColumns, delimiter: string, issues: IssueCollector, counted: { rows: number }): Generator<RowValues> {
  for (const row of rows) {
    const values = RowValues.read(row, columns, delimiter, issues);
    if (values.blank) continue;
    counted.rows++;
    yield values;
  }
}

function checkTemplateType(input: CsvToPayloadInput, issues: IssueCollector): void {
  const declared = input.mapping.template_type;
  if (declared === undefined || declared.trim() === '') return;
  const template = TEMPLATE_NAMES[declared.trim().toLowerCase().replace(/[\s-]+/g, '_')];
  if (template === input.template) return;
  issues.error(
    'csv_mapping_configuration.template_type',
    'template_mismatch',
    template ? `is "${declared}" but the provider's custom_template is "${input.template}"` : `"${declared}" is not a template (application, identity_provider, hris)`,
  );
}

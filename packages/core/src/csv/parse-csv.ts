import { CsvError, parse } from 'csv-parse/sync';
import { issue, type Checked } from '../validation-issue.js';
import { rowPath } from './csv-issues.js';

/** One data row: `number` counts data rows from 1 (the header is not counted, nor blank lines). */
export interface CsvRow {
  number: number;
  cells: string[];
}

export interface CsvTable {
  /** The header's column names, as written (a leading BOM removed). */
  header: string[];
  rows: CsvRow[];
}

/**
 * Parses CSV text (RFC 4180): comma-separated, fields quoted with `"` may hold commas, quotes
 * (doubled) and line breaks; CRLF or LF line ends; a UTF-8 byte order mark is dropped; blank lines
 * are skipped. Every row must have as many fields as the header. A syntax error is reported with
 * the data row it is in.
 */
export function parseCsv(text: string): Checked<CsvTable> {
  let records: string[][];
  try {
    records = parse(text, { bom: true, skip_empty_lines: true }) as string[][];
  } catch (error) {
    if (!(error instanceof CsvError)) throw error;
    // csv-parse counts the records it completed, the header included: the failing one is the next.
    const records = (error as CsvError & { records?: number }).records ?? 0;
    const path = records === 0 ? 'header' : rowPath(records);
    return { ok: false, issues: [issue(path, 'invalid_csv', `the CSV cannot be parsed: ${describe(error)}`)] };
  }
  const [header, ...data] = records;
  if (!header) return { ok: false, issues: [issue('csv_data', 'empty', 'the CSV file is empty: it needs a header row')] };
  if (data.length === 0) return { ok: false, issues: [issue('csv_data', 'no_rows', 'the CSV file has a header but no data rows')] };
  return { ok: true, value: { header: header.map((name) => name.trim()), rows: data.map((cells, i) => ({ number: i + 1, cells })) } };
}

/** csv-parse's message without its internal wording of counts, which reads oddly to a CSV author. */
function describe(error: CsvError): string {
  if (error.code === 'CSV_RECORD_INCONSISTENT_FIELDS_LENGTH') {
    const { lines } = error as CsvError & { lines?: number };
    return `${error.message.replace(/^Invalid Record Length: expect (\d+), got (\d+).*$/, 'it has $2 fields but the header has $1')}${lines ? ` (line ${lines})` : ''}`;
  }
  return error.message;
}

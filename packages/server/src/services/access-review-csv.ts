import { pipeline, Readable } from 'node:stream';
import { stringify } from 'csv-stringify';
import { ACCESS_REVIEW_COLUMNS, type AccessReviewRow } from '@accessgraph/contract';

/** How a list sits in one cell: readable in a spreadsheet, and no entry of ours holds "; ". */
const LIST_SEPARATOR = '; ';

/** A row as CSV cells, in column order: lists joined, booleans as true/false, null as an empty cell. */
export function csvRecord(row: AccessReviewRow): string[] {
  return ACCESS_REVIEW_COLUMNS.map((column) => {
    const value = row[column];
    if (value === null) return '';
    if (Array.isArray(value)) return value.join(LIST_SEPARATOR);
    return String(value);
  });
}

/**
 * The rows of `pages` as one CSV stream: a header line, then a line per row (RFC 4180: CRLF,
 * fields with commas, quotes or line breaks quoted, quotes doubled). Rows are pulled one at a time
 * as the client reads, so a page is read from storage only when the previous one has been written
 * out and memory stays bounded however long the export. Cells that a spreadsheet would run as a
 * formula (starting with =, +, -, @, tab or carriage return) get a leading quote: names come from
 * pushed payloads, and an export is made to be opened in a spreadsheet.
 */
export function accessReviewCsv(pages: AsyncIterable<AccessReviewRow[]>): Readable {
  async function* records() {
    for await (const rows of pages) for (const row of rows) yield csvRecord(row);
  }
  // quote_record_delimiter: with a record delimiter given, csv-stringify would otherwise quote only
  // fields holding the whole CRLF, and a name with a bare line break would split its line.
  const csv = stringify({ header: true, columns: ACCESS_REVIEW_COLUMNS, record_delimiter: 'windows', quote_record_delimiter: true, escape_formulas: true });
  // A failure while reading a later page destroys the CSV stream; the HTTP layer then ends the
  // response early (the status line is long sent) and logs it, so the client sees a truncated
  // download rather than a file that looks complete.
  return pipeline(Readable.from(records()), csv, () => {});
}

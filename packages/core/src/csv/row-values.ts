import type { IssueCollector } from '../payload/issues.js';
import type { BoundColumn, CsvColumns } from './bind-columns.js';
import { cellPath } from './csv-issues.js';
import { readCell, type CellValue } from './csv-values.js';
import type { CsvRow } from './parse-csv.js';

/** A value read from a cell, with the column it came from (to name it in errors). */
export interface Cell<T extends CellValue = CellValue> {
  value: T;
  column: string;
}

/** A custom property's value on a row. */
export interface CustomCell extends Cell {
  name: string;
}

/**
 * The typed values of one data row, by destination. Empty cells are absent; a bad or missing
 * required value is reported at `row N, column "C"` and is absent too. Values sit at their
 * column's position (a CSV may have a million rows: no per-row maps or keys).
 */
export class RowValues {
  private constructor(
    readonly row: number,
    readonly blank: boolean,
    private readonly values: ReadonlyArray<CellValue | undefined>,
    private readonly columns: CsvColumns,
  ) {}

  static read(row: CsvRow, columns: CsvColumns, delimiter: string, issues: IssueCollector): RowValues {
    if (row.cells.every((cell) => cell.trim() === '')) return new RowValues(row.number, true, [], columns);
    const values = columns.columns.map((bound) => readValue(row, bound, delimiter, issues));
    return new RowValues(row.number, false, values, columns);
  }

  get(kind: string, property: string): Cell | undefined {
    const slot = this.columns.slots.get(kind)?.get(property);
    const value = slot === undefined ? undefined : this.values[slot];
    return value === undefined ? undefined : { value, column: this.columns.columns[slot!]!.column };
  }

  /** A one-value property (the first item of a list cell). */
  text(kind: string, property: string): Cell<string> | undefined {
    const cell = this.get(kind, property);
    if (!cell) return undefined;
    return { value: Array.isArray(cell.value) ? cell.value[0]! : String(cell.value), column: cell.column };
  }

  /** A property's values: every item of a list cell, or the one value of a plain cell. */
  list(kind: string, property: string): Array<Cell<string>> {
    const cell = this.get(kind, property);
    if (!cell) return [];
    const items = Array.isArray(cell.value) ? cell.value : [String(cell.value)];
    return items.map((value) => ({ value, column: cell.column }));
  }

  customOf(kind: string): CustomCell[] {
    const cells: CustomCell[] = [];
    for (const slot of this.columns.customSlots.get(kind) ?? []) {
      const value = this.values[slot];
      const bound = this.columns.columns[slot]!;
      if (value !== undefined) cells.push({ value, column: bound.column, name: bound.custom!.name });
    }
    return cells;
  }
}

function readValue(row: CsvRow, bound: BoundColumn, delimiter: string, issues: IssueCollector): CellValue | undefined {
  const text = row.cells[bound.index]!.trim();
  const read = text === '' ? undefined : readCell(text, bound.read, delimiter);
  if (read && !read.ok) {
    issues.error(cellPath(row.number, bound.column), 'invalid_value', read.message);
    return undefined;
  }
  if (!read || (Array.isArray(read.value) && read.value.length === 0)) {
    if (bound.required) issues.error(cellPath(row.number, bound.column), 'required', `is empty, but ${describe(bound)} is required on every row`);
    return undefined;
  }
  return read.value;
}

function describe(bound: BoundColumn): string {
  return bound.property ? `${bound.kind}.${bound.property}` : `${bound.kind} custom property "${bound.custom!.name}"`;
}

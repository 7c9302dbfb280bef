/**
 * How CSV problems are located. Rows are data rows counted from 1: the header is not a row, and
 * blank lines are not counted. Columns are named as the header spells them.
 */
export const rowPath = (row: number) => `row ${row}`;
export const columnPath = (column: string) => `column "${column}"`;
export const cellPath = (row: number, column: string) => `row ${row}, column "${column}"`;

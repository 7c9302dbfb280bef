import { isTimestamp } from '../payload/strings.js';

/** The kinds of value a CSV cell can be read as. */
export type CsvValueKind = 'string' | 'list' | 'boolean' | 'number' | 'timestamp';

export type CellValue = string | string[] | boolean | number;

export type ReadCell = { ok: true; value: CellValue } | { ok: false; message: string };

// Spreadsheet exports spell booleans many ways; these are the ones Veza's CSV upload documents.
const TRUE = new Set(['true', 't', 'yes', 'y', '1', 'active', 'enabled']);
const FALSE = new Set(['false', 'f', 'no', 'n', '0', 'inactive', 'disabled']);

/**
 * Reads one non-empty, trimmed cell as `kind`. Lists are split at `delimiter`, each item trimmed,
 * empty items dropped.
 */
export function readCell(text: string, kind: CsvValueKind, delimiter: string): ReadCell {
  switch (kind) {
    case 'string':
      return { ok: true, value: text };
    case 'list':
      return { ok: true, value: splitList(text, delimiter) };
    case 'boolean': {
      const lower = text.toLowerCase();
      if (TRUE.has(lower)) return { ok: true, value: true };
      if (FALSE.has(lower)) return { ok: true, value: false };
      return { ok: false, message: `"${clip(text)}" is not a boolean (true/false, yes/no, y/n, t/f, 1/0, active/inactive, enabled/disabled)` };
    }
    case 'number': {
      const value = Number(text);
      if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text) || !Number.isFinite(value)) {
        return { ok: false, message: `"${clip(text)}" is not a number` };
      }
      return { ok: true, value };
    }
    case 'timestamp': {
      const value = toRfc3339(text);
      if (value === undefined) {
        return { ok: false, message: `"${clip(text)}" is not a timestamp (RFC 3339 such as 2024-05-01T09:30:00Z, or 2024-05-01 09:30:00, or 2024-05-01; UTC when no offset)` };
      }
      return { ok: true, value };
    }
  }
}

export function splitList(text: string, delimiter: string): string[] {
  return text
    .split(delimiter)
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

const TIMESTAMP = /^(\d{4}-\d{2}-\d{2})(?:[Tt ](\d{2}:\d{2})(:\d{2}(?:\.\d+)?)?\s*([Zz]|[+-]\d{2}:?\d{2})?)?$/;

/**
 * A spreadsheet's timestamp as RFC 3339: a date alone is midnight UTC, seconds default to :00,
 * no offset means UTC, `+0200` becomes `+02:00`. Undefined when it is not a real date and time.
 */
export function toRfc3339(text: string): string | undefined {
  const match = TIMESTAMP.exec(text);
  if (!match) return undefined;
  const [, date, time = '00:00', seconds = ':00', zone = 'Z'] = match;
  const offset = zone.length === 5 ? `${zone.slice(0, 3)}:${zone.slice(3)}` : zone.toUpperCase();
  const value = `${date}T${time}${seconds}${offset}`;
  return isTimestamp(value) ? value : undefined;
}

function clip(text: string): string {
  return text.length > 64 ? `${text.slice(0, 61)}...` : text;
}

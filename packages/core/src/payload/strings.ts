import { at, type IssueCollector } from './issues.js';

/** Longest built-in string of a payload, in UTF-8 bytes (OAA limit). */
export const MAX_BUILT_IN_BYTES = 256;
/** Longest custom property string, in characters. */
export const MAX_PROPERTY_STRING = 4096;

/**
 * RFC 3339 date-time: `2001-01-01T01:01:01Z`, with optional fractional seconds and a `Z` or
 * `±hh:mm` offset. Checked by hand because JSON Schema's `date-time` format is not applied to
 * payloads (their shape schema stays lenient and core reports every problem with its path).
 */
const RFC3339 = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])[Tt]([01]\d|2[0-3]):[0-5]\d:([0-5]\d|60)(\.\d+)?([Zz]|[+-]([01]\d|2[0-3]):[0-5]\d)$/;

export function isTimestamp(value: string): boolean {
  // test() allocates no match array; month and day sit at fixed places once the pattern matched.
  if (!RFC3339.test(value)) return false;
  const day = twoDigits(value, 8);
  // Every month has 28 days: only later days need the calendar (most timestamps stop here).
  if (day <= 28) return true;
  // Date.parse rolls 2022-02-30 over to March; the day must exist in its month.
  return day <= new Date(Date.UTC(Number(value.slice(0, 4)), twoDigits(value, 5), 0)).getUTCDate();
}

function twoDigits(value: string, index: number): number {
  return (value.charCodeAt(index) - 48) * 10 + value.charCodeAt(index + 1) - 48;
}

/** Checks a built-in string: well-formed Unicode (valid UTF-8 once encoded) and at most 256 bytes. */
export function checkString(value: string | null | undefined, path: string, issues: IssueCollector): void {
  if (value === null || value === undefined || isValidBuiltIn(value)) return;
  reportString(value, path, issues);
}

/**
 * checkString for `parent.segment`, building that path only when reporting: nearly every
 * string is fine, and a payload holds millions of them.
 */
export function checkField(value: string | null | undefined, parent: string, segment: string | number, issues: IssueCollector): void {
  if (value === null || value === undefined || isValidBuiltIn(value)) return;
  reportString(value, at(parent, segment), issues);
}

/** Checks each string of a list (identities, group references, ...) at `parent.segment[i]`. */
export function checkStrings(values: readonly string[] | null | undefined, parent: string, segment: string, issues: IssueCollector): void {
  if (!values) return;
  for (let i = 0; i < values.length; i++) {
    if (!isValidBuiltIn(values[i]!)) reportString(values[i]!, at(at(parent, segment), i), issues);
  }
}

/** Checks an optional built-in timestamp field `parent.field` (the path is built only to report). */
export function checkTimestamp(value: string | null | undefined, parent: string, field: string, issues: IssueCollector): void {
  if (value === null || value === undefined || isTimestamp(value)) return;
  issues.error(at(parent, field), 'invalid_timestamp', `"${value.slice(0, 64)}" is not an RFC 3339 timestamp such as 2022-01-26T20:48:12.460Z`);
}

function isValidBuiltIn(value: string): boolean {
  // Most strings are short; only measure bytes when the character count could exceed the limit.
  return isWellFormed(value) && (value.length * 3 <= MAX_BUILT_IN_BYTES || Buffer.byteLength(value, 'utf8') <= MAX_BUILT_IN_BYTES);
}

function reportString(value: string, path: string, issues: IssueCollector): void {
  if (!isWellFormed(value)) {
    issues.error(path, 'invalid_utf8', 'is not valid UTF-8 (it contains an unpaired surrogate)');
  } else {
    issues.error(path, 'too_long', `is ${Buffer.byteLength(value, 'utf8')} bytes long; the limit is ${MAX_BUILT_IN_BYTES} bytes`);
  }
}

/** String.prototype.isWellFormed (in Node 20, typed only from the ES2024 library). */
function isWellFormed(value: string): boolean {
  return (value as string & { isWellFormed(): boolean }).isWellFormed();
}

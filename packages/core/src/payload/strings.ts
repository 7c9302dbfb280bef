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
  const match = RFC3339.exec(value);
  if (!match) return false;
  // Date.parse rolls 2022-02-30 over to March; the day must exist in its month.
  const [year, month, day] = [Number(value.slice(0, 4)), Number(match[1]), Number(match[2])];
  return day <= new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** Checks a built-in string: well-formed Unicode (valid UTF-8 once encoded) and at most 256 bytes. */
export function checkString(value: string | null | undefined, path: string, issues: IssueCollector): void {
  if (value === null || value === undefined) return;
  if (!isWellFormed(value)) {
    issues.error(path, 'invalid_utf8', 'is not valid UTF-8 (it contains an unpaired surrogate)');
    return;
  }
  // Most strings are short; only measure bytes when the character count could exceed the limit.
  if (value.length * 3 > MAX_BUILT_IN_BYTES) {
    const bytes = Buffer.byteLength(value, 'utf8');
    if (bytes > MAX_BUILT_IN_BYTES) {
      issues.error(path, 'too_long', `is ${bytes} bytes long; the limit is ${MAX_BUILT_IN_BYTES} bytes`);
    }
  }
}

/** Checks each string of a list (identities, group references, ...). */
export function checkStrings(values: readonly string[] | null | undefined, path: string, issues: IssueCollector): void {
  values?.forEach((v, i) => checkString(v, at(path, i), issues));
}

/** Checks an optional built-in timestamp field. */
export function checkTimestamp(value: string | null | undefined, path: string, issues: IssueCollector): void {
  if (value === null || value === undefined) return;
  if (!isTimestamp(value)) {
    issues.error(path, 'invalid_timestamp', `"${value.slice(0, 64)}" is not an RFC 3339 timestamp such as 2022-01-26T20:48:12.460Z`);
  }
}

/** String.prototype.isWellFormed (in Node 20, typed only from the ES2024 library). */
function isWellFormed(value: string): boolean {
  return (value as string & { isWellFormed(): boolean }).isWellFormed();
}

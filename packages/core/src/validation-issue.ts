/**
 * One broken rule, as data: core never throws for bad input, it returns every issue at once so
 * a caller can report them all (`path` is a JSON path such as `applications[0].local_users[3]`).
 */
export interface ValidationIssue {
  path: string;
  code: string;
  message: string;
}

/** The outcome of parsing or checking something that may be invalid. */
export type Checked<T> = { ok: true; value: T } | { ok: false; issues: ValidationIssue[] };

export function issue(path: string, code: string, message: string): ValidationIssue {
  return { path, code, message };
}

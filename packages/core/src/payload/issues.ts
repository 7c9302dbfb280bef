import type { ValidationIssue } from '../validation-issue.js';

/** A warning about an accepted payload (never blocks a push). */
export interface PayloadWarning {
  path: string;
  code: string;
  message: string;
}

/**
 * Collects every error and warning of one payload, so a connector author sees them all at once.
 * Errors are capped: a payload with a million broken references should not answer a 100 MB error.
 */
export class IssueCollector {
  readonly errors: ValidationIssue[] = [];
  readonly warnings: PayloadWarning[] = [];
  private errorCount = 0;

  constructor(private readonly maxErrors = 1000) {}

  error(path: string, code: string, message: string): void {
    this.errorCount++;
    if (this.errors.length < this.maxErrors) this.errors.push({ path, code, message });
  }

  warn(path: string, code: string, message: string): void {
    this.warnings.push({ path, code, message });
  }

  get hasErrors(): boolean {
    return this.errorCount > 0;
  }

  /** How many errors were found, including those beyond the cap. */
  get totalErrors(): number {
    return this.errorCount;
  }
}

/** Joins JSON path segments the OAA way: `applications[0].local_users[3].name`. */
export function at(path: string, segment: string | number): string {
  if (typeof segment === 'number') return `${path}[${segment}]`;
  return path ? `${path}.${segment}` : segment;
}

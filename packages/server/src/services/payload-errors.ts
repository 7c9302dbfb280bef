import type { FieldViolation } from '@accessgraph/contract';
import type { IssueCollector, PathOrigins } from '@accessgraph/core';
import { ApiError } from '../http/api-error.js';

/** A payload's errors as the push's 400 answer. */
export function payloadError(issues: IssueCollector): ApiError {
  return ApiError.invalid(withMore(issues.errors.map((e) => ({ field: e.path, description: e.message })), issues), 'INVALID_PAYLOAD');
}

/** The violations, and how many more the collector counted than it kept. */
export function withMore(violations: FieldViolation[], issues: IssueCollector): FieldViolation[] {
  return withUnlisted(violations, issues.totalErrors - issues.errors.length);
}

/** The violations, and a line saying how many more were found but not kept. */
export function withUnlisted(violations: FieldViolation[], unlisted: number): FieldViolation[] {
  if (unlisted > 0) violations.push({ field: '', description: `${unlisted} more errors not listed` });
  return violations;
}

/** A problem of the resulting state, named by its path in the incremental payload, or said to be in stored data. */
export function inChange(violation: FieldViolation, origins: PathOrigins): FieldViolation {
  const field = origins.fromChange(violation.field);
  if (field !== undefined) return { field, description: violation.description };
  return { field: violation.field, description: `in the data source's state after this change (stored data the change did not send): ${violation.description}` };
}

import { expect } from 'vitest';
import type { ApplicationPayload } from '@accessgraph/contract';
import { IssueCollector } from '../../payload/issues.js';
import { issueLike, type ExpectedIssue } from '../../test-support/template-check.js';
import { readApplicationPayload } from '../read-application.js';

/** Runs core's semantic validation and returns everything it reported, plus the model. */
export function check(payload: ApplicationPayload) {
  const issues = new IssueCollector();
  const model = readApplicationPayload(payload, issues);
  return { errors: issues.errors, warnings: issues.warnings, model };
}

export type { ExpectedIssue };

/** Asserts the payload breaks exactly one rule, once, at `path`. */
export function expectOnlyError(payload: ApplicationPayload, expected: ExpectedIssue) {
  const result = check(payload);
  expect(result.errors).toEqual([issueLike(expected)]);
  return result;
}

/** Asserts the payload has no error and exactly the given warnings (none by default). */
export function expectValid(payload: ApplicationPayload, warnings: ExpectedIssue[] = []) {
  const result = check(payload);
  expect(result.errors).toEqual([]);
  expect(result.warnings).toEqual(warnings.map(issueLike));
  return result;
}

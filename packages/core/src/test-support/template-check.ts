import { expect } from 'vitest';
import type { CustomTemplate } from '@accessgraph/contract';
import type { DerivedGraph } from '../graph/derived-graph.js';
import { IssueCollector } from '../payload/issues.js';
import { PAYLOAD_TEMPLATES } from '../payload-templates.js';

/**
 * Runs a template's normalisation and semantic validation (not the schema, which the server
 * checks) and returns everything reported, plus the derivation when there was no error.
 */
export function checkTemplate(template: CustomTemplate, payload: unknown) {
  const issues = new IssueCollector();
  const reader = PAYLOAD_TEMPLATES[template];
  const normalised = reader.normalise(structuredClone(payload), issues);
  const derive = issues.hasErrors ? undefined : reader.read(normalised, issues);
  const graph = (): DerivedGraph => {
    expect(issues.errors).toEqual([]);
    return derive!();
  };
  return { errors: issues.errors, warnings: issues.warnings, graph };
}

export interface ExpectedIssue {
  path: string;
  code: string;
  /** Text the message must contain: the offending value, so a connector author can find it. */
  names?: string;
}

export function issueLike({ path, code, names }: ExpectedIssue) {
  return { path, code, message: names === undefined ? expect.any(String) : expect.stringContaining(names) };
}

/** Asserts the payload breaks exactly one rule, once, at `path`. */
export function expectOnlyTemplateError(template: CustomTemplate, payload: unknown, expected: ExpectedIssue) {
  const result = checkTemplate(template, payload);
  expect(result.errors).toEqual([issueLike(expected)]);
  return result;
}

/** Asserts the payload has no error and exactly the given warnings (none by default). */
export function expectTemplateValid(template: CustomTemplate, payload: unknown, warnings: ExpectedIssue[] = []) {
  const result = checkTemplate(template, payload);
  expect(result.errors).toEqual([]);
  expect(result.warnings).toEqual(warnings.map(issueLike));
  return result;
}

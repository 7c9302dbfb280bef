import type { LightMyRequestResponse } from 'fastify';
import { expect } from 'vitest';

const TYPE = 'type.googleapis.com/';
export const USER_FACING_ERROR_INFO = `${TYPE}errorstatus.v1.UserFacingErrorInfo`;
export const BAD_REQUEST = `${TYPE}google.rpc.BadRequest`;
export const RESOURCE_INFO = `${TYPE}errorstatus.v1.ResourceInfo`;

export interface FieldViolationShape {
  field: string;
  description: string;
}

export interface ErrorBodyShape {
  code: string;
  message: string;
  request_id: string;
  timestamp: string;
  details: Record<string, unknown>[];
}

export interface ExpectedError {
  status: number;
  code: string;
  reason: string;
  /** A field that must be named in a google.rpc.BadRequest field violation. */
  field?: string;
  /** Text the violation of `field` must contain (a string) or match (a RegExp). */
  description?: string | RegExp;
}

const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

/**
 * Asserts the Veza-style error body: status, gRPC-style code, a message, a 32-hex request id equal
 * to the x-request-id header, an ISO timestamp, and a UserFacingErrorInfo detail with the reason;
 * when `field` is given, a BadRequest detail whose violations name it. Returns the body.
 */
export function expectError(res: LightMyRequestResponse, expected: ExpectedError): ErrorBodyShape {
  expect({ status: res.statusCode, body: res.body.slice(0, 500) }).toMatchObject({ status: expected.status });
  expect(res.headers['content-type']).toMatch(/^application\/json/);
  const body = res.json<ErrorBodyShape>();
  expect(Object.keys(body).sort()).toEqual(['code', 'details', 'message', 'request_id', 'timestamp']);
  expect(body.code).toBe(expected.code);
  expect(typeof body.message).toBe('string');
  expect(body.message.length).toBeGreaterThan(0);
  expect(body.request_id).toMatch(/^[0-9a-f]{32}$/);
  expect(res.headers['x-request-id']).toBe(body.request_id);
  expect(body.timestamp).toMatch(ISO_UTC);
  expect(Math.abs(Date.parse(body.timestamp) - Date.now())).toBeLessThan(60_000);
  expect(Array.isArray(body.details)).toBe(true);
  const info = body.details.find((d) => d['@type'] === USER_FACING_ERROR_INFO);
  expect(info, `UserFacingErrorInfo in ${res.body}`).toBeDefined();
  expect(info?.reason).toBe(expected.reason);
  if (expected.field !== undefined) {
    const violation = violationsOf(res).find((v) => v.field === expected.field);
    expect(violation, `violation of "${expected.field}" in ${res.body}`).toBeDefined();
    if (expected.description instanceof RegExp) expect(violation?.description).toMatch(expected.description);
    else if (expected.description !== undefined) expect(violation?.description).toContain(expected.description);
    // The summary message names the field too, so a client printing only `message` sees it.
    expect(body.message).toContain(expected.field);
  }
  return body;
}

/** The field violations of an error answer ([] when there is no BadRequest detail). */
export function violationsOf(res: LightMyRequestResponse): FieldViolationShape[] {
  const body = res.json<ErrorBodyShape>();
  const badRequest = body.details.find((d) => d['@type'] === BAD_REQUEST);
  return (badRequest?.field_violations as FieldViolationShape[] | undefined) ?? [];
}

/** Asserts a 200 JSON answer that carries its request id, as every answer does. */
function expectOk(res: LightMyRequestResponse): void {
  expect({ status: res.statusCode, body: res.body.slice(0, 500) }).toMatchObject({ status: 200 });
  expect(res.headers['content-type']).toMatch(/^application\/json/);
  expect(res.headers['x-request-id']).toMatch(/^[0-9a-f]{32}$/);
}

/** Asserts `{"value": ...}` with status 200 and nothing else at the top level; returns the value. */
export function expectValue<T = Record<string, unknown>>(res: LightMyRequestResponse): T {
  expectOk(res);
  const body = res.json<{ value: T }>();
  expect(Object.keys(body)).toEqual(['value']);
  return body.value;
}

export interface ValuesPage<T> {
  values: T[];
  next_page_token: string;
  has_more: boolean;
}

/** Asserts the list envelope with status 200 and exactly its three keys; returns it. */
export function expectValues<T = Record<string, unknown>>(res: LightMyRequestResponse): ValuesPage<T> {
  expectOk(res);
  const body = res.json<ValuesPage<T>>();
  expect(Object.keys(body).sort()).toEqual(['has_more', 'next_page_token', 'values']);
  expect(Array.isArray(body.values)).toBe(true);
  expect(typeof body.next_page_token).toBe('string');
  expect(typeof body.has_more).toBe('boolean');
  return body;
}

/** Asserts the `{}` answer of deletes and icon uploads. */
export function expectEmpty(res: LightMyRequestResponse): void {
  expectOk(res);
  expect(res.json()).toEqual({});
}

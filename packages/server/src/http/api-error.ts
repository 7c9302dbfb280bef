import { ERROR_REASONS, ERROR_STATUS, type ErrorCode, type ErrorReason, type FieldViolation } from '@accessgraph/contract';
import type { ValidationIssue } from '@accessgraph/core';

export interface ApiErrorOptions {
  violations?: FieldViolation[];
  /** The missing object, for NotFound (`resource_type` and id, as Veza's ResourceInfo). */
  resource?: { type: string; id: string };
  /** Seconds a client should wait before retrying (429/503). */
  retryAfter?: number;
  cause?: unknown;
}

/**
 * The one error class of the HTTP layer. It carries a gRPC-style code (which fixes the HTTP
 * status), a stable reason, a message naming the JSON path and rule, and the details the
 * Veza-compatible error body needs.
 */
export class ApiError extends Error {
  readonly status: number;

  constructor(
    readonly code: ErrorCode,
    readonly reason: ErrorReason,
    message: string,
    readonly options: ApiErrorOptions = {},
  ) {
    super(message, { cause: options.cause });
    this.name = 'ApiError';
    this.status = ERROR_STATUS[code];
  }

  /** A bad request whose violations are listed; the message names them all (up to a few). */
  static invalid(violations: FieldViolation[], reason: ErrorReason = 'INVALID_ARGUMENTS'): ApiError {
    return new ApiError('InvalidArgument', reason, summarise(violations), { violations });
  }

  static fromIssues(issues: ValidationIssue[], reason: ErrorReason = 'INVALID_ARGUMENTS'): ApiError {
    return ApiError.invalid(
      issues.map((i) => ({ field: i.path, description: i.message })),
      reason,
    );
  }

  static notFound(resourceType: string, id: string): ApiError {
    return new ApiError('NotFound', 'NOT_FOUND', `${resourceType} "${id}" was not found`, {
      resource: { type: resourceType, id },
    });
  }

  static unauthenticated(message: string): ApiError {
    return new ApiError('Unauthenticated', 'UNAUTHENTICATED', message);
  }

  static permissionDenied(message: string): ApiError {
    return new ApiError('PermissionDenied', 'PERMISSION_DENIED', message);
  }

  get resolution(): string {
    return ERROR_REASONS[this.reason];
  }
}

const SHOWN_VIOLATIONS = 5;

function summarise(violations: FieldViolation[]): string {
  const shown = violations.slice(0, SHOWN_VIOLATIONS).map((v) => (v.field ? `${v.field}: ${v.description}` : v.description));
  const more = violations.length > SHOWN_VIOLATIONS ? `; and ${violations.length - SHOWN_VIOLATIONS} more` : '';
  return `Invalid arguments: ${shown.join('; ')}${more}`;
}

import { Type, type Static } from '@sinclair/typebox';

/**
 * The gRPC-style status codes Veza answers with, and the HTTP status of each. The `code` field
 * of every error body is one of these, exactly as Veza spells it, because connectors print it.
 */
export const ERROR_STATUS = {
  InvalidArgument: 400,
  FailedPrecondition: 400,
  Unauthenticated: 401,
  PermissionDenied: 403,
  NotFound: 404,
  ResourceExhausted: 413,
  Internal: 500,
  Unavailable: 503,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

/**
 * The closed set of stable reasons, carried in the `UserFacingErrorInfo` detail. A reason says
 * what went wrong more precisely than the gRPC code; clients and the CLI may branch on it.
 */
export const ERROR_REASONS = {
  INVALID_ARGUMENTS: 'The request has fields that break a rule; see field_violations.',
  INVALID_FILTER: 'The filter or order_by expression cannot be parsed or names an unknown field.',
  INVALID_PAGE_TOKEN: 'The page_token was not issued for this list or has been tampered with.',
  DUPLICATE_NAME: 'Another object already has this name (names are compared case-insensitively).',
  ID_MISMATCH: 'The id in the request body differs from the id in the path.',
  INVALID_ICON: 'The icon is not a base64 PNG or SVG of at most 64 KB.',
  MALFORMED_BODY: 'The request body is not a JSON object.',
  INVALID_JSON_DATA: 'json_data could not be decoded: check compression_type, base64, gzip and JSON.',
  INVALID_PAYLOAD: "The payload breaks a rule of its provider's template; every problem is listed in field_violations.",
  TEMPLATE_MISMATCH: "The payload belongs to another template than its provider's (e.g. an identity provider payload pushed to an application provider).",
  INVALID_CSV_DATA: 'csv_data could not be decoded, parsed or mapped: every problem is listed with its row and column.',
  CSV_MAPPING_UNUSABLE: "The provider has no csv_mapping_configuration, or one that cannot map a CSV onto its template; see field_violations.",
  INCREMENTAL_NEEDS_FULL_PUSH: 'An incremental push changes a stored state: push the full payload first (incremental_change false or absent).',
  PUSH_CONFLICT: 'Other pushes to the data source kept committing while this incremental push was applied to its state; retry it.',
  UPLOAD_INCOMPLETE: 'The multipart upload lacks chunks or has more than sequence_count; upload them (or fix sequence_count) and complete again.',
  QUERY_IN_USE: 'The saved query is part of a report; delete it with force=true to remove it from the reports too.',
  BODY_TOO_LARGE: 'The request body is larger than the server accepts.',
  NOT_FOUND: 'Requested resource was not found.',
  UNAUTHENTICATED: 'The request has no valid API key.',
  PERMISSION_DENIED: 'The API key is valid but its role does not allow this operation.',
  INTERNAL: 'Something failed inside the server; it has been logged.',
  UNAVAILABLE: 'The server is shutting down or its database is unreachable; retry later.',
} as const;

export type ErrorReason = keyof typeof ERROR_REASONS;

/** One rule broken by one field, named by its JSON path (`applications[0].local_users[3].name`). */
export const FieldViolation = Type.Object({
  field: Type.String(),
  description: Type.String(),
});
export type FieldViolation = Static<typeof FieldViolation>;

/**
 * The error body every failed request answers with. Its shape is the one Veza's live API returns
 * (oaaclient reads `code`, `message`, `request_id`, `timestamp` and `details`).
 */
export const ErrorBody = Type.Object(
  {
    code: Type.String({ description: 'gRPC-style status code, e.g. InvalidArgument, NotFound.' }),
    message: Type.String({ description: 'What went wrong, naming the JSON path and the rule.' }),
    request_id: Type.String(),
    timestamp: Type.String({ format: 'date-time' }),
    details: Type.Array(Type.Record(Type.String(), Type.Unknown()), {
      description:
        'google.rpc.BadRequest with field_violations, ResourceInfo for missing objects, and ' +
        'UserFacingErrorInfo carrying the stable `reason`.',
    }),
  },
  { description: 'Veza-compatible error body.' },
);
export type ErrorBody = Static<typeof ErrorBody>;

import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { StoreError } from '@accessgraph/storage';
import { ApiError } from './api-error.js';
import { errorBody } from './error-body.js';
import { schemaViolations, type SchemaError } from './ajv-errors.js';

/**
 * The one error handler: every failure becomes the Veza-style error body with the right status.
 * Client mistakes are logged at info, server faults at error with their stack.
 */
export function installErrorHandling(app: FastifyInstance, bodyLimit: number): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const apiError = toApiError(error, request.routeOptions.bodyLimit ?? bodyLimit);
    if (apiError.status >= 500) request.log.error({ err: error }, 'request failed');
    else request.log.info({ code: apiError.code, reason: apiError.reason, detail: apiError.message }, 'request refused');
    return send(apiError, request, reply);
  });
  app.setNotFoundHandler((request, reply) =>
    send(new ApiError('NotFound', 'NOT_FOUND', `no route for ${request.method} ${request.url.split('?')[0]}`), request, reply),
  );
}

export function send(error: ApiError, request: FastifyRequest, reply: FastifyReply) {
  // Also set here: answers to errors raised before routing skip the onSend hook.
  reply.header('x-request-id', request.id);
  if (error.options.retryAfter !== undefined) reply.header('retry-after', String(error.options.retryAfter));
  return reply.code(error.status).type('application/json').send(errorBody(error, request.id));
}

/**
 * Errors Fastify raises before routing (a URL that cannot be decoded, a parameter longer than
 * the router takes): no route can match such a URL, so they answer 404 in the same body shape.
 */
export function frameworkError(error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  request.log.info({ code: error.code }, 'request refused before routing');
  return send(new ApiError('NotFound', 'NOT_FOUND', `no route for ${request.method} ${request.url.split('?')[0]}`), request, reply);
}

function toApiError(error: FastifyError, bodyLimit: number): ApiError {
  if (error instanceof ApiError) return error;
  if (error.validation) {
    const errors = error.validation as SchemaError[];
    const part = error.validationContext ?? 'body';
    if (part === 'body' && errors.some((e) => e.instancePath === '' && e.keyword === 'type')) {
      return new ApiError('InvalidArgument', 'MALFORMED_BODY', 'request body must be a JSON object');
    }
    return ApiError.invalid(schemaViolations(errors, part));
  }
  if (error instanceof StoreError) {
    if (error.code === 'invalid_cursor') {
      return ApiError.invalid([{ field: 'page_token', description: 'not a token issued for this list' }], 'INVALID_PAGE_TOKEN');
    }
    return error.code === 'unavailable'
      ? new ApiError('Unavailable', 'UNAVAILABLE', 'The database is unavailable; retry later', { retryAfter: 5, cause: error })
      : new ApiError('Internal', 'INTERNAL', 'Internal Server Error, please retry', { cause: error });
  }
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new ApiError(
        'ResourceExhausted',
        'BODY_TOO_LARGE',
        `request body is larger than the server accepts (${formatBytes(bodyLimit)})`,
      );
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new ApiError('InvalidArgument', 'MALFORMED_BODY', 'request body is empty; send a JSON object');
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new ApiError('InvalidArgument', 'MALFORMED_BODY', 'request body does not match its Content-Length');
  }
  if (error instanceof SyntaxError || error.code === 'FST_ERR_CTP_INVALID_JSON_BODY') {
    return new ApiError('InvalidArgument', 'MALFORMED_BODY', 'request body is not valid JSON');
  }
  if (error.statusCode === 400 && /prototype|constructor/i.test(error.message)) {
    return new ApiError('InvalidArgument', 'MALFORMED_BODY', `request body is refused: ${error.message}`);
  }
  if (error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500) {
    return new ApiError('InvalidArgument', 'INVALID_ARGUMENTS', error.message);
  }
  return new ApiError('Internal', 'INTERNAL', 'Internal Server Error, please retry', { cause: error });
}

function formatBytes(bytes: number): string {
  if (bytes % (1024 * 1024) === 0) return `${bytes / (1024 * 1024)} MiB`;
  if (bytes % 1024 === 0) return `${bytes / 1024} KiB`;
  return `${bytes} bytes`;
}

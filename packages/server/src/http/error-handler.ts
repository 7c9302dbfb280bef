import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { StoreError } from '@accessgraph/storage';
import { ApiError } from './api-error.js';
import { errorBody } from './error-body.js';
import { schemaViolations, type SchemaError } from './ajv-errors.js';

/**
 * The one error handler: every failure becomes the Veza-style error body with the right status.
 * Client mistakes are logged at info, server faults at error with their stack.
 */
export function installErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const apiError = toApiError(error);
    if (apiError.status >= 500) request.log.error({ err: error }, 'request failed');
    else request.log.info({ code: apiError.code, reason: apiError.reason, msg: apiError.message }, 'request refused');
    return send(apiError, request, reply);
  });
  app.setNotFoundHandler((request, reply) =>
    send(new ApiError('NotFound', 'NOT_FOUND', `no route for ${request.method} ${request.url.split('?')[0]}`), request, reply),
  );
}

export function send(error: ApiError, request: FastifyRequest, reply: FastifyReply) {
  if (error.options.retryAfter !== undefined) reply.header('retry-after', String(error.options.retryAfter));
  return reply.code(error.status).type('application/json').send(errorBody(error, request.id));
}

function toApiError(error: FastifyError): ApiError {
  if (error instanceof ApiError) return error;
  if (error.validation) {
    return ApiError.invalid(schemaViolations(error.validation as SchemaError[], error.validationContext ?? 'body'));
  }
  if (error instanceof StoreError) {
    return error.code === 'unavailable'
      ? new ApiError('Unavailable', 'UNAVAILABLE', 'The database is unavailable; retry later', { retryAfter: 5, cause: error })
      : new ApiError('Internal', 'INTERNAL', 'Internal Server Error, please retry', { cause: error });
  }
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new ApiError('ResourceExhausted', 'BODY_TOO_LARGE', 'request body is larger than the server accepts (100 MiB)');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new ApiError('InvalidArgument', 'MALFORMED_BODY', 'request body is empty; send a JSON object');
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new ApiError('InvalidArgument', 'MALFORMED_BODY', 'request body does not match its Content-Length');
  }
  if (error instanceof SyntaxError || error.code === 'FST_ERR_CTP_INVALID_JSON_BODY') {
    return new ApiError('InvalidArgument', 'MALFORMED_BODY', `request body is not valid JSON: ${error.message}`);
  }
  if (error.statusCode === 400 && /prototype|constructor/i.test(error.message)) {
    return new ApiError('InvalidArgument', 'MALFORMED_BODY', `request body is refused: ${error.message}`);
  }
  if (error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500) {
    return new ApiError('InvalidArgument', 'INVALID_ARGUMENTS', error.message);
  }
  return new ApiError('Internal', 'INTERNAL', 'Internal Server Error, please retry', { cause: error });
}

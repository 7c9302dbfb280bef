import type { ErrorBody } from '@accessgraph/contract';
import type { ApiError } from './api-error.js';

const TYPE_PREFIX = 'type.googleapis.com/';

/**
 * Renders an ApiError as the body Veza answers with: gRPC code and message at the top, then
 * google.rpc.BadRequest (field violations), ResourceInfo (what was not found) and
 * UserFacingErrorInfo (the stable reason and how to resolve it).
 */
export function errorBody(error: ApiError, requestId: string, now: Date = new Date()): ErrorBody {
  const details: ErrorBody['details'] = [];
  if (error.options.violations?.length) {
    details.push({ '@type': `${TYPE_PREFIX}google.rpc.BadRequest`, field_violations: error.options.violations });
  }
  if (error.options.resource) {
    details.push({
      '@type': `${TYPE_PREFIX}errorstatus.v1.ResourceInfo`,
      resource_type: error.options.resource.type,
      resource: error.options.resource.id,
    });
  }
  details.push({
    '@type': `${TYPE_PREFIX}errorstatus.v1.UserFacingErrorInfo`,
    reason: error.reason,
    metadata: {},
    message: error.message,
    resolution: error.resolution,
  });
  return { code: error.code, message: error.message, request_id: requestId, timestamp: now.toISOString(), details };
}

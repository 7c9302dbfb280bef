import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { DataSourceParams, PartsRequest, PartsResponse } from '@accessgraph/contract';
import type { Services } from '../services/services.js';
import { PATHS } from './paths.js';
import { PUSH_BODY_FACTOR } from './push-routes.js';

/**
 * `POST .../datasources/{data_source_id}:parts`: multipart upload of a push (spec §2.7).
 * A chunk's body is as large as a push's: oaaclient allows parts up to its 100 MB payload limit,
 * 133 MB once in base64 (its default 50 MB part is 66.7 MB), so the route takes the push limit.
 */
export const multipartRoutes: FastifyPluginAsyncTypebox<{ services: Services; bodyLimit: number }> = async (app, { services, bodyLimit }) => {
  app.post(
    PATHS.dataSourceVerb('parts'),
    {
      config: { access: 'writer' },
      bodyLimit: PUSH_BODY_FACTOR * bodyLimit,
      schema: {
        tags: ['Pushes'],
        summary: 'Multipart push: start an upload, upload base64 chunks numbered 1..99, complete it (then it is pushed as :push would)',
        params: DataSourceParams,
        body: PartsRequest,
        response: { 200: PartsResponse },
      },
    },
    (request) =>
      services.multipart.parts({
        providerId: request.params.id,
        dataSourceId: request.params.data_source_id,
        body: request.body,
        caller: request.caller,
        log: request.log,
      }),
  );
};

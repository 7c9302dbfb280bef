import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { CsvPushRequest, DataSourceParams, PushResponse } from '@accessgraph/contract';
import type { Services } from '../services/services.js';
import { PATHS } from './paths.js';
import { PUSH_BODY_FACTOR } from './push-routes.js';

/**
 * `POST .../datasources/{data_source_id}:push_csv` (spec §2.6): a CSV file, base64 in `csv_data`,
 * mapped by the provider's `csv_mapping_configuration` and pushed as `:push` would push the
 * payload it maps to. Its body is as large as a push's: base64 makes the file a third larger.
 */
export const csvPushRoutes: FastifyPluginAsyncTypebox<{ services: Services; bodyLimit: number }> = async (app, { services, bodyLimit }) => {
  app.post(
    PATHS.dataSourceVerb('push_csv'),
    {
      config: { access: 'writer' },
      bodyLimit: PUSH_BODY_FACTOR * bodyLimit,
      schema: {
        tags: ['Pushes'],
        summary: "CSV push: a CSV file mapped onto the template by the provider's csv_mapping_configuration, then pushed as :push would push it",
        params: DataSourceParams,
        body: CsvPushRequest,
        response: { 200: PushResponse },
      },
    },
    (request) =>
      services.csvPushes.push({
        providerId: request.params.id,
        dataSourceId: request.params.data_source_id,
        body: request.body,
        caller: request.caller,
        log: request.log,
      }),
  );
};

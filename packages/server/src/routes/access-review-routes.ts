import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply } from 'fastify';
import { Type } from '@sinclair/typebox';
import { AccessReviewQuery, AccessReviewRow, CountedValuesEnvelope, DataSourceParams, NodeParams } from '@accessgraph/contract';
import type { AccessReviewAnswer } from '../services/access-review-service.js';
import type { Services } from '../services/services.js';
import { PATHS } from './paths.js';

const tags = ['Access review'];

/** Both answers: JSON pages, or one CSV file (the OpenAPI document shows the two media types). A fresh object per route: the OpenAPI hook adds error answers to it. */
const response = () => ({
  200: {
    description: 'format=json: a page of rows. format=csv: every row, as a CSV file with a header line.',
    content: {
      'application/json': { schema: CountedValuesEnvelope(AccessReviewRow) },
      'text/csv': { schema: Type.String({ description: 'The columns of AccessReviewRow in order; lists joined with "; ".' }) },
    },
  },
});

/** Sends a CSV answer as a stream, or returns the JSON page for Fastify to serialise. */
function send(reply: FastifyReply, answer: AccessReviewAnswer) {
  if (answer.format === 'json') return answer.body;
  return reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="${answer.filename}"`).send(answer.stream);
}

/** The access review export: who reaches an application, a resource or an application data source, and the person behind each account. */
export const accessReviewRoutes: FastifyPluginAsyncTypebox<{ services: Services }> = async (app, { services }) => {
  app.get(
    PATHS.nodeAccessReview,
    {
      config: { access: 'reader' },
      schema: {
        tags,
        summary: 'Access review of an application (with its resources) or a resource: every account that reaches it, the person behind it, the permissions and how they are held; JSON pages or a streamed CSV file',
        params: NodeParams,
        querystring: AccessReviewQuery,
        response: response(),
      },
    },
    async (request, reply) => send(reply, await services.accessReview.ofNode(request.params.node_id, request.query)),
  );

  app.get(
    PATHS.dataSourceAccessReview,
    {
      config: { access: 'reader' },
      schema: {
        tags,
        summary: 'Access review of a whole application data source: every account that reaches any of its applications and resources, the person behind it, the permissions and how they are held; JSON pages or a streamed CSV file',
        params: DataSourceParams,
        querystring: AccessReviewQuery,
        response: response(),
      },
    },
    async (request, reply) => send(reply, await services.accessReview.ofDataSource(request.params.id, request.params.data_source_id, request.query)),
  );
};

import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import {
  DataSourceParams,
  EffectivePermission,
  EffectivePermissionsQuery,
  IdentityLinkRow,
  IdentityLinksQuery,
  PushHistoryQuery,
  PushRecord,
  PushRequest,
  PushResponse,
  ValuesEnvelope,
} from '@accessgraph/contract';
import type { Services } from '../services/services.js';
import { PATHS } from './paths.js';

const tags = ['Pushes'];

/**
 * A push may carry a json_data of up to 100 MB (the OAA limit, which oaaclient checks on the
 * string itself); sent uncompressed, JSON escaping of that string inflates the request body, so
 * push bodies may be twice the limit of other routes.
 */
export const PUSH_BODY_FACTOR = 2;

export const pushRoutes: FastifyPluginAsyncTypebox<{ services: Services; bodyLimit: number }> = async (app, { services, bodyLimit }) => {
  app.post(
    PATHS.dataSourceVerb('push'),
    {
      config: { access: 'writer' },
      bodyLimit: PUSH_BODY_FACTOR * bodyLimit,
      schema: {
        tags,
        summary: 'Push a payload: it becomes the data source\'s state if valid; an invalid one changes nothing',
        params: DataSourceParams,
        body: PushRequest,
        response: { 200: PushResponse },
      },
    },
    (request) =>
      services.pushes.push({
        providerId: request.params.id,
        dataSourceId: request.params.data_source_id,
        body: request.body,
        caller: request.caller,
        log: request.log,
      }),
  );

  app.get(
    `${PATHS.dataSource}/pushes`,
    {
      config: { access: 'reader' },
      schema: {
        tags,
        summary: 'Push history of a data source, newest first',
        params: DataSourceParams,
        querystring: PushHistoryQuery,
        response: { 200: ValuesEnvelope(PushRecord) },
      },
    },
    (request) => services.readBack.pushes(request.params.id, request.params.data_source_id, request.query),
  );

  app.get(
    `${PATHS.dataSource}/effective_permissions`,
    {
      config: { access: 'reader' },
      schema: {
        tags,
        summary: 'Effective permissions derived from the data source: who has which permission on what, and why',
        params: DataSourceParams,
        querystring: EffectivePermissionsQuery,
        response: { 200: ValuesEnvelope(EffectivePermission) },
      },
    },
    (request) => services.readBack.effectivePermissions(request.params.id, request.params.data_source_id, request.query),
  );

  app.get(
    `${PATHS.dataSource}/identity_links`,
    {
      config: { access: 'reader' },
      schema: {
        tags,
        summary: 'Identity links that touch the data source, both ways, with the rule that made each; or its identity strings that link to nothing',
        params: DataSourceParams,
        querystring: IdentityLinksQuery,
        response: { 200: ValuesEnvelope(IdentityLinkRow) },
      },
    },
    (request) => services.readBack.identityLinks(request.params.id, request.params.data_source_id, request.query),
  );
};

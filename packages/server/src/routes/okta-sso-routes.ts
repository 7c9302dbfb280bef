import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import {
  IntegrationConfiguration,
  IntegrationConfigurationListQuery,
  IntegrationConfigurationParams,
  IntegrationConfigurationPut,
  IntegrationConfigurationPutResult,
  OktaSystemLogImport,
  OktaSystemLogImported,
  OktaUsersImport,
  OktaUsersImported,
  ValuesEnvelope,
} from '@accessgraph/contract';
import type { Services } from '../services/services.js';
import { PATHS } from './paths.js';

const tags = ['Okta SSO enrichment'];

/**
 * Okta SSO last-login enrichment: the seed's private configurations API (the matching property)
 * and the imports of Okta activity (`services/okta-sso-service.ts`). Settings and imports change
 * what every user of the API reads, so they are for admins; the list is for any key.
 */
export const oktaSsoRoutes: FastifyPluginAsyncTypebox<{ services: Services }> = async (app, { services }) => {
  const { oktaSso } = services;

  app.get(
    PATHS.integrationConfigurations,
    {
      config: { access: 'reader' },
      schema: { tags, summary: 'List integration settings (okta_sso_user_matching_property)', querystring: IntegrationConfigurationListQuery, response: { 200: ValuesEnvelope(IntegrationConfiguration) } },
    },
    async () => ({ values: await oktaSso.listConfigurations(), next_page_token: '', has_more: false }),
  );

  app.put(
    PATHS.integrationConfiguration,
    {
      config: { access: 'admin' },
      schema: {
        tags,
        summary: 'Set an integration setting; okta_sso_user_matching_property recomputes sso_last_login_at',
        params: IntegrationConfigurationParams,
        body: IntegrationConfigurationPut,
        response: { 200: IntegrationConfigurationPutResult },
      },
    },
    async (request) => {
      const result = await oktaSso.putConfiguration(request.params.key, request.body.value);
      request.log.info({ setting: request.params.key, value: request.body.value, by: request.caller?.keyId }, 'integration setting changed');
      return result;
    },
  );

  app.post(
    PATHS.oktaSystemLog,
    {
      config: { access: 'admin' },
      schema: { tags, summary: 'Import Okta System Log events (user.authentication.sso sign-ins); recomputes sso_last_login_at', body: OktaSystemLogImport, response: { 200: OktaSystemLogImported } },
    },
    (request) => oktaSso.importSystemLog(request.body),
  );

  app.post(
    PATHS.oktaUsers,
    {
      config: { access: 'admin' },
      schema: { tags, summary: 'Import Okta users (profiles to match on email or custom attributes); recomputes sso_last_login_at', body: OktaUsersImport, response: { 200: OktaUsersImported } },
    },
    (request) => oktaSso.importUsers(request.body),
  );
};

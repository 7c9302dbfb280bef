/**
 * Route paths. OAA paths end some segments with a colon verb (`{id}:icon`, `{ds}:push`); in
 * Fastify a literal colon is written `::`, and a parameter followed by one needs a pattern that
 * stops at the colon. Requests may also spell the colon `%3A`; the router accepts both.
 */
const ID = ':id(^[^:/]+)';
const DS = ':data_source_id(^[^:/]+)';

export const PATHS = {
  templates: '/api/v1/providers/custom/templates',
  providers: '/api/v1/providers/custom',
  provider: '/api/v1/providers/custom/:id',
  providerIcon: `/api/v1/providers/custom/${ID}::icon`,
  iconByType: '/api/v1/providers/custom::icon',
  dataSources: '/api/v1/providers/custom/:id/datasources',
  dataSource: '/api/v1/providers/custom/:id/datasources/:data_source_id',
  dataSourceVerb: (verb: string) => `/api/v1/providers/custom/${ID}/datasources/${DS}::${verb}`,
  nodes: '/api/v1/graph/nodes',
  node: '/api/v1/graph/nodes/:node_id',
  nodeAccessReview: '/api/v1/graph/nodes/:node_id/access_review',
  dataSourceAccessReview: '/api/v1/providers/custom/:id/datasources/:data_source_id/access_review',
  savedQueries: '/api/v1/assessments/queries',
  savedQuery: '/api/v1/assessments/queries/:query_id',
  savedQueryVerb: (verb: 'nodes' | 'result') => `/api/v1/assessments/queries/:query_id(^[^:/]+)::${verb}`,
  reports: '/api/preview/assessments/reports',
  report: '/api/preview/assessments/reports/:report_id',
  reportQuery: '/api/preview/assessments/reports/:report_id/queries/:query_id',
  querySpecVerb: (verb: 'nodes' | 'result') => `/api/v1/assessments/query_spec::${verb}`,
  apiKeys: '/api/v1/api_keys',
  apiKey: '/api/v1/api_keys/:key_id',
  integrationConfigurations: '/api/private/namespaces/integrations/configurations',
  integrationConfiguration: '/api/private/namespaces/integrations/configurations/:key',
  oktaSystemLog: '/api/private/okta/system_log',
  oktaUsers: '/api/private/okta/users',
  health: '/healthz',
  openapi: '/api/openapi.json',
} as const;

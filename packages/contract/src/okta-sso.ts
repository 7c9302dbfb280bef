import { Type, type Static } from '@sinclair/typebox';
import { Nullable } from './nullable.js';

/** The settings `/api/private/namespaces/integrations/configurations` knows, in the order it lists them. */
export const INTEGRATION_CONFIGURATION_KEYS = ['okta_sso_user_matching_property'] as const;
export type IntegrationConfigurationKey = (typeof INTEGRATION_CONFIGURATION_KEYS)[number];

/** One integration setting; a known setting that was never set is listed with `value` and `updated_at` null. */
export const IntegrationConfiguration = Type.Object({
  key: Type.String({ description: 'The setting, e.g. okta_sso_user_matching_property.' }),
  value: Nullable(Type.String({ description: 'Its value; null while it has not been set.' })),
  updated_at: Nullable(Type.String({ description: 'When it was last set (RFC 3339); null while it has not been set.' })),
});
export type IntegrationConfiguration = Static<typeof IntegrationConfiguration>;

/** Body of `PUT .../configurations/{key}` (the seed's `{"value": "<okta_user_property_name>"}`). */
export const IntegrationConfigurationPut = Type.Object(
  { value: Type.String({ description: 'For okta_sso_user_matching_property: the Okta user property local users\' identities are matched with (login, email, id, or a custom attribute such as customprop_employee_id).' }) },
  { additionalProperties: false },
);
export type IntegrationConfigurationPut = Static<typeof IntegrationConfigurationPut>;

export const IntegrationConfigurationParams = Type.Object({ key: Type.String() });

/** Query of the configurations list: one page holds every setting, but the seed's curl sends page_size. */
export const IntegrationConfigurationListQuery = Type.Object({
  page_size: Type.Optional(Type.Integer({ minimum: 1 })),
  page_token: Type.Optional(Type.String()),
});

/** What a recomputation of `sso_last_login_at` did. */
export const SsoEnrichmentResult = Type.Object({
  considered: Type.Integer({ description: 'Local users of applications with an okta_app_id.' }),
  enriched: Type.Integer({ description: 'Of those, the ones that now carry sso_last_login_at.' }),
  changed: Type.Integer({ description: 'Nodes whose sso_last_login_at was set, changed or removed.' }),
});
export type SsoEnrichmentResult = Static<typeof SsoEnrichmentResult>;

/** Answer of `PUT .../configurations/{key}`. */
export const IntegrationConfigurationPutResult = Type.Object({
  value: IntegrationConfiguration,
  local_users: Type.Optional(SsoEnrichmentResult),
});

/** Body of `POST /api/private/okta/system_log`: Okta System Log events as `/api/v1/logs` returns them. */
export const OktaSystemLogImport = Type.Array(Type.Unknown(), { description: 'LogEvent objects (eventType, published, actor, target[], outcome).' });

/** Answer of `POST /api/private/okta/system_log`: every event counted once. */
export const OktaSystemLogImported = Type.Object({
  events_read: Type.Integer(),
  events_used: Type.Integer({ description: 'Successful user.authentication.sso events.' }),
  ignored: Type.Object({
    other_event_type: Type.Integer({ description: 'Events of any other type.' }),
    failed_outcome: Type.Integer({ description: 'user.authentication.sso events whose outcome.result is not SUCCESS.' }),
  }),
  logins_recorded: Type.Integer({ description: 'Sign-ins that were new, or later than the stored one of their application and user.' }),
  local_users: SsoEnrichmentResult,
});
export type OktaSystemLogImported = Static<typeof OktaSystemLogImported>;

/** Body of `POST /api/private/okta/users`: Okta users as `/api/v1/users` returns them. */
export const OktaUsersImport = Type.Array(Type.Unknown(), { description: 'User objects (id, profile.login, profile.email, custom profile attributes).' });

export const OktaUsersImported = Type.Object({
  users_read: Type.Integer(),
  users_recorded: Type.Integer(),
  local_users: SsoEnrichmentResult,
});
export type OktaUsersImported = Static<typeof OktaUsersImported>;

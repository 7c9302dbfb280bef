/** Shapes of the Okta SSO enrichment tables (migration 0010). Times are ISO-8601 UTC text. */
export interface OktaSsoTables {
  integration_settings: { name: string; value: string; updated_at: string };
  /** `profile` is a JSON object of string attributes ('{}' until a users export names the user). */
  okta_users: { id: string; login: string | null; profile: string; updated_at: string };
  okta_sso_logins: { app_id: string; user_id: string; last_login_at: string };
  /** `identities` is a JSON array of strings, in payload order. */
  okta_sso_accounts: { ds: number; node: number; app_id: string; identities: string };
}

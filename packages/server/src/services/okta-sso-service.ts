import {
  INTEGRATION_CONFIGURATION_KEYS,
  type IntegrationConfiguration,
  type IntegrationConfigurationKey,
  type OktaSystemLogImported,
  type OktaUsersImported,
  type SsoEnrichmentResult,
} from '@accessgraph/contract';
import { readMatchingProperty, readOktaUsers, readSystemLog, type Checked } from '@accessgraph/core';
import type { SsoEnrichmentCounts, Store } from '@accessgraph/storage';
import { ApiError } from '../http/api-error.js';
import { nowIso } from './clock.js';

/**
 * Okta SSO last-login enrichment: the matching-property setting (the seed's private
 * configurations API) and the imports of Okta activity a self-hosted server can have, System Log
 * and users exports. Core reads and checks the exports; the store records them and recomputes
 * `sso_last_login_at` in the same transaction. A refused export changes nothing.
 */
export class OktaSsoService {
  constructor(private readonly store: Store) {}

  /** Every known setting, set or not (the seed: "look for the okta_sso_user_matching_property key"). */
  async listConfigurations(): Promise<IntegrationConfiguration[]> {
    const stored = new Map((await this.store.listIntegrationSettings()).map((s) => [s.name, s]));
    return INTEGRATION_CONFIGURATION_KEYS.map((key) => {
      const setting = stored.get(key);
      return { key, value: setting?.value ?? null, updated_at: setting?.updatedAt ?? null };
    });
  }

  async putConfiguration(key: string, value: string): Promise<{ value: IntegrationConfiguration; local_users?: SsoEnrichmentResult }> {
    if (!INTEGRATION_CONFIGURATION_KEYS.includes(key as IntegrationConfigurationKey)) throw ApiError.notFound('configuration', key);
    const property = valid(readMatchingProperty(value));
    const { setting, enrichment } = await this.store.putIntegrationSetting({ name: key, value: property, now: nowIso() });
    const answer = { key: setting.name, value: setting.value, updated_at: setting.updatedAt };
    return enrichment ? { value: answer, local_users: enrichment } : { value: answer };
  }

  /** Imports System Log events: successful `user.authentication.sso` sign-ins and who signed in. */
  async importSystemLog(events: readonly unknown[]): Promise<OktaSystemLogImported> {
    const read = valid(readSystemLog(events));
    const imported = await this.store.importOktaActivity({ logins: read.logins, users: read.users, profiles: [], now: nowIso() });
    return { ...read.counts, logins_recorded: imported.logins_recorded, local_users: enrichmentOf(imported.enrichment) };
  }

  /** Imports Okta users: the profiles that matching on email or custom attributes compares. */
  async importUsers(users: readonly unknown[]): Promise<OktaUsersImported> {
    const profiles = valid(readOktaUsers(users));
    const imported = await this.store.importOktaActivity({ logins: [], users: [], profiles, now: nowIso() });
    return { users_read: users.length, users_recorded: imported.users_recorded, local_users: enrichmentOf(imported.enrichment) };
  }
}

function valid<T>(checked: Checked<T>): T {
  if (!checked.ok) throw ApiError.fromIssues(checked.issues);
  return checked.value;
}

function enrichmentOf(counts: SsoEnrichmentCounts): SsoEnrichmentResult {
  return { considered: counts.considered, enriched: counts.enriched, changed: counts.changed };
}

import { sql, type Kysely } from 'kysely';
import {
  ASK,
  OKTA_MATCHING_PROPERTY_SETTING,
  matchSsoLastLogins,
  type DerivedGraph,
  type OktaSignIn,
  type OktaSsoLogin,
  type OktaUserProfile,
  type OktaUserSighting,
  type SsoAccount,
} from '@accessgraph/core';
import type { DialectCapabilities } from './capabilities.js';
import type { Database } from './database.js';
import type { GraphStorage } from './graph-writer.js';
import { inWriteTransaction, lockOktaSso } from './write-transaction.js';

/**
 * Okta SSO last-login enrichment (seed "Okta SSO Last Login Enrichment"; migration 0010).
 *
 * Local users of an application with an `okta_app_id` carry `sso_last_login_at`: the latest
 * successful SSO sign-in to that Okta application of the Okta user their identities match (core
 * `matchSsoLastLogins`). It is materialised in the node's properties, so every read of nodes
 * (detail, search filters, query specs) sees it like any other property. Three things set it:
 * - a push of the application (`enrichPushedGraph`, in the push's transaction, before its graph is
 *   stored: the new graph is written with the values already in it);
 * - an import of sign-in activity or Okta users (`importOktaActivity`), and
 * - a change of the matching property (`putIntegrationSetting`),
 *   both of which recompute every enriched local user in place (`recomputeSsoLastLogins`).
 */

/** The node property the enrichment writes. */
export const SSO_LAST_LOGIN_PROPERTY = 'sso_last_login_at';

/** Rows per multi-row statement: far below either engine's bound-parameter limit. */
const CHUNK = 200;

/** A named server setting (`GET /api/private/namespaces/integrations/configurations`). */
export interface IntegrationSetting {
  name: string;
  value: string;
  updatedAt: string;
}

/** What one import brings: core's reading of a System Log export and/or an Okta users export. */
export interface OktaActivityImport {
  logins: readonly OktaSsoLogin[];
  users: readonly OktaUserSighting[];
  profiles: readonly OktaUserProfile[];
  now: string;
}

/** How a recomputation went: the local users it considered, those with a value, the nodes it rewrote. */
export interface SsoEnrichmentCounts {
  considered: number;
  enriched: number;
  changed: number;
}

export interface OktaActivityImported {
  /** Sign-ins that were new, or later than the one stored for their (application, user). */
  logins_recorded: number;
  users_recorded: number;
  enrichment: SsoEnrichmentCounts;
}

interface OktaSsoContext {
  db: Kysely<Database>;
  caps: DialectCapabilities;
  graphs: GraphStorage;
}

export async function listIntegrationSettings(db: Kysely<Database>): Promise<IntegrationSetting[]> {
  const rows = await db.selectFrom('integration_settings').select(['name', 'value', 'updated_at']).orderBy('name').execute();
  return rows.map((r) => ({ name: r.name, value: r.value, updatedAt: r.updated_at }));
}

/** Stores a setting; a new matching property recomputes every enriched local user in the same transaction. */
export async function putIntegrationSetting(
  context: OktaSsoContext,
  setting: { name: string; value: string; now: string },
): Promise<{ setting: IntegrationSetting; enrichment?: SsoEnrichmentCounts }> {
  return inWriteTransaction(context.db, context.caps, async (conn) => {
    const enriching = setting.name === OKTA_MATCHING_PROPERTY_SETTING;
    if (enriching) await lockOktaSso(conn, context.caps, 'exclusive');
    await conn
      .insertInto('integration_settings')
      .values({ name: setting.name, value: setting.value, updated_at: setting.now })
      .onConflict((oc) => oc.column('name').doUpdateSet({ value: setting.value, updated_at: setting.now }))
      .execute();
    const stored = { name: setting.name, value: setting.value, updatedAt: setting.now };
    if (!enriching) return { setting: stored };
    return { setting: stored, enrichment: await recomputeSsoLastLogins(conn, context.graphs) };
  });
}

/**
 * Records sign-ins and Okta users, then recomputes every enriched local user, in one transaction.
 * A stored sign-in only moves forward: an older export imported later changes nothing.
 */
export async function importOktaActivity(context: OktaSsoContext, input: OktaActivityImport): Promise<OktaActivityImported> {
  return inWriteTransaction(context.db, context.caps, async (conn) => {
    await lockOktaSso(conn, context.caps, 'exclusive');
    let logins = 0;
    for (const chunk of chunks(input.logins)) {
      const result = await conn
        .insertInto('okta_sso_logins')
        .values(chunk.map((l) => ({ app_id: l.appId, user_id: l.oktaUserId, last_login_at: l.at })))
        .onConflict((oc) =>
          oc
            .columns(['app_id', 'user_id'])
            .doUpdateSet({ last_login_at: (eb) => eb.ref('excluded.last_login_at') })
            .where('okta_sso_logins.last_login_at', '<', (eb) => eb.ref('excluded.last_login_at')),
        )
        .executeTakeFirst();
      logins += Number(result.numInsertedOrUpdatedRows ?? 0);
    }
    const users = new Set<string>();
    for (const chunk of chunks(input.users)) {
      await conn
        .insertInto('okta_users')
        .values(chunk.map((u) => ({ id: u.id, login: u.login, profile: '{}', updated_at: input.now })))
        // An event without alternateId keeps the login known before.
        .onConflict((oc) => oc.column('id').doUpdateSet({ login: sql<string | null>`coalesce(excluded.login, okta_users.login)`, updated_at: input.now }))
        .execute();
      for (const u of chunk) users.add(u.id);
    }
    // One row per user in a statement: PostgreSQL refuses to update a row twice in one INSERT.
    const profiles = [...new Map(input.profiles.map((p) => [p.id, p])).values()];
    for (const chunk of chunks(profiles)) {
      await conn
        .insertInto('okta_users')
        .values(chunk.map((p) => ({ id: p.id, login: null, profile: JSON.stringify(p.profile), updated_at: input.now })))
        .onConflict((oc) => oc.column('id').doUpdateSet({ profile: (eb) => eb.ref('excluded.profile'), updated_at: input.now }))
        .execute();
      for (const p of chunk) users.add(p.id);
    }
    const enrichment = await recomputeSsoLastLogins(conn, context.graphs);
    return { logins_recorded: logins, users_recorded: users.size, enrichment };
  });
}

/**
 * Called by a push of an application, in its transaction, before its graph is staged: records the
 * local users of its applications that have an `okta_app_id` (node, identities in payload order)
 * and writes `sso_last_login_at` into those nodes' properties. Enrichment never fails a push: if
 * reading the activity fails, the graph is stored without values (the savepoint undoes the
 * failed read, which on PostgreSQL would otherwise abort the whole transaction).
 */
export async function enrichPushedGraph(conn: Kysely<Database>, ds: number, graph: DerivedGraph): Promise<void> {
  // Outside the savepoint: node ids are the new derivation's, so the old rows must go whatever happens.
  await conn.deleteFrom('okta_sso_accounts').where('ds', '=', ds).execute();
  const accounts = ssoAccountsOf(graph);
  if (accounts.length === 0) return;
  const values = await bestEffort(conn, async () => {
    for (const chunk of chunks(accounts)) {
      await conn
        .insertInto('okta_sso_accounts')
        .values(chunk.map((a) => ({ ds, node: a.node, app_id: a.appId, identities: JSON.stringify(a.identities) })))
        .execute();
    }
    const property = await readSetting(conn, OKTA_MATCHING_PROPERTY_SETTING);
    if (property === undefined) return new Map<number, string>();
    return lastLogins(conn, accounts, property, new Map());
  });
  for (const [node, at] of values ?? []) graph.nodes[node]!.properties[SSO_LAST_LOGIN_PROPERTY] = at;
}

/** A local user of an application with an `okta_app_id`. */
interface AppAccount extends SsoAccount {
  appId: string;
}

/** The local users of the graph's applications that name an Okta application, with their identities in payload order. */
function ssoAccountsOf(graph: DerivedGraph): AppAccount[] {
  const appIds = new Map<number, string>();
  for (const node of graph.nodes) {
    const okta = node.kind === 'application' ? node.properties.okta_app_id : undefined;
    if (typeof okta === 'string' && okta.trim() !== '') appIds.set(node.id, okta);
  }
  if (appIds.size === 0) return [];
  const accounts = new Map<number, AppAccount>();
  for (const node of graph.nodes) {
    const appId = node.kind === 'local_user' && node.appId !== null ? appIds.get(node.appId) : undefined;
    if (appId !== undefined) accounts.set(node.id, { node: node.id, appId, identities: [] });
  }
  // The derivation lists a user's identities in payload order: "first identity that matches" needs it.
  for (const ref of graph.identityRefs) {
    if (ref.source === ASK.identities) (accounts.get(ref.node)?.identities as string[] | undefined)?.push(ref.identity);
  }
  return [...accounts.values()];
}

/**
 * Recomputes `sso_last_login_at` of every recorded local user from the stored activity and
 * setting, rewriting only the nodes whose value changes (set, changed or removed). The caller holds
 * the exclusive Okta SSO lock, so no application push is under way. The data sources' rows are
 * locked first, all of them before any graph is touched (a no-op update each): a deletion under way
 * is waited for and its data source skipped, one that comes later waits for this transaction, so
 * the graph tables read here stay; and while waiting for a row this transaction holds no lock on a
 * graph table that such a deletion would wait for in turn.
 */
export async function recomputeSsoLastLogins(conn: Kysely<Database>, graphs: GraphStorage): Promise<SsoEnrichmentCounts> {
  const counts: SsoEnrichmentCounts = { considered: 0, enriched: 0, changed: 0 };
  const property = await readSetting(conn, OKTA_MATCHING_PROPERTY_SETTING);
  const recorded = await conn.selectFrom('okta_sso_accounts').select('ds').distinct().orderBy('ds').execute();
  const alive: number[] = [];
  for (const { ds } of recorded) {
    const locked = await conn
      .updateTable('data_sources')
      .set((eb) => ({ status: eb.ref('status') }))
      .where('seq', '=', ds)
      .executeTakeFirst();
    if (Number(locked.numUpdatedRows) === 1) alive.push(ds);
  }
  const signIns = new Map<string, OktaSignIn[]>();
  for (const ds of alive) {
    const rows = await conn.selectFrom('okta_sso_accounts').select(['node', 'app_id', 'identities']).where('ds', '=', ds).orderBy('node').execute();
    const accounts = rows.map((r) => ({ node: r.node, appId: r.app_id, identities: JSON.parse(r.identities) as string[] }));
    const values = property === undefined ? new Map<number, string>() : await lastLogins(conn, accounts, property, signIns);
    counts.considered += accounts.length;
    counts.enriched += values.size;
    counts.changed += await rewriteNodes(graphs.reader(conn, ds), ds, accounts.map((a) => a.node), values);
  }
  return counts;
}

/** `sso_last_login_at` by node for accounts of any applications; `cache` keeps each application's sign-ins. */
async function lastLogins(conn: Kysely<Database>, accounts: readonly AppAccount[], property: string, cache: Map<string, OktaSignIn[]>): Promise<Map<number, string>> {
  const byApp = new Map<string, AppAccount[]>();
  for (const account of accounts) {
    const list = byApp.get(account.appId);
    if (list) list.push(account);
    else byApp.set(account.appId, [account]);
  }
  const result = new Map<number, string>();
  for (const [appId, appAccounts] of byApp) {
    let signIns = cache.get(appId);
    if (signIns === undefined) cache.set(appId, (signIns = await readSignIns(conn, appId)));
    for (const [node, at] of matchSsoLastLogins(appAccounts, signIns, property)) result.set(node, at);
  }
  return result;
}

/** Every stored sign-in to one Okta application, with what is known about its user. */
async function readSignIns(conn: Kysely<Database>, appId: string): Promise<OktaSignIn[]> {
  const rows = await conn
    .selectFrom('okta_sso_logins as l')
    .leftJoin('okta_users as u', 'u.id', 'l.user_id')
    .select(['l.user_id', 'l.last_login_at', 'u.login', 'u.profile'])
    .where('l.app_id', '=', appId)
    .execute();
  return rows.map((r) => ({
    user: { id: r.user_id, login: r.login ?? null, profile: r.profile ? (JSON.parse(r.profile) as Record<string, string>) : {} },
    at: r.last_login_at,
  }));
}

/** Sets, changes or removes the property on the nodes whose value differs; returns how many were rewritten. */
async function rewriteNodes(reader: Kysely<Database>, ds: number, nodes: readonly number[], values: ReadonlyMap<number, string>): Promise<number> {
  let changed = 0;
  for (const chunk of chunks(nodes)) {
    const rows = await reader.selectFrom('graph_nodes').select(['id', 'properties']).where('ds', '=', ds).where('id', 'in', chunk).execute();
    for (const row of rows) {
      const properties = JSON.parse(row.properties) as Record<string, unknown>;
      const value = values.get(row.id);
      if (properties[SSO_LAST_LOGIN_PROPERTY] === value) continue;
      if (value === undefined) delete properties[SSO_LAST_LOGIN_PROPERTY];
      else properties[SSO_LAST_LOGIN_PROPERTY] = value;
      await reader
        .updateTable('graph_nodes')
        .set({ properties: JSON.stringify(properties) })
        .where('ds', '=', ds)
        .where('id', '=', row.id)
        .execute();
      changed++;
    }
  }
  return changed;
}

async function readSetting(conn: Kysely<Database>, name: string): Promise<string | undefined> {
  const row = await conn.selectFrom('integration_settings').select('value').where('name', '=', name).executeTakeFirst();
  return row?.value;
}

/** Runs `work` under a savepoint; if it throws, undoes what it did and returns undefined. */
async function bestEffort<T>(conn: Kysely<Database>, work: () => Promise<T>): Promise<T | undefined> {
  await sql`savepoint okta_sso_enrichment`.execute(conn);
  try {
    const result = await work();
    await sql`release savepoint okta_sso_enrichment`.execute(conn);
    return result;
  } catch {
    await sql`rollback to savepoint okta_sso_enrichment`.execute(conn);
    await sql`release savepoint okta_sso_enrichment`.execute(conn);
    return undefined;
  }
}

function* chunks<T>(items: readonly T[]): Generator<T[]> {
  for (let i = 0; i < items.length; i += CHUNK) yield items.slice(i, i + CHUNK);
}

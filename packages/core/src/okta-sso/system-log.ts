import { type Checked } from '../validation-issue.js';
import { IssueCollector, at } from '../payload/issues.js';
import { isTimestamp } from '../payload/strings.js';

/** The System Log event type of a user signing in to an application through Okta SSO. */
export const SSO_EVENT_TYPE = 'user.authentication.sso';

/** One Okta user's latest successful SSO sign-in to one Okta application, in this export. */
export interface OktaSsoLogin {
  /** The application's Okta id (`0oa…`), as `okta_app_id` names it: compared exactly. */
  appId: string;
  /** The Okta user's id (`00u…`). */
  oktaUserId: string;
  /** ISO-8601 UTC, normalised (`toISOString`). */
  at: string;
}

/** What the System Log tells about an Okta user: its id and its login (`actor.alternateId`). */
export interface OktaUserSighting {
  id: string;
  login: string | null;
}

/** How the events of one export were used; every event is counted once. */
export interface SystemLogCounts {
  events_read: number;
  /** Successful `user.authentication.sso` events with an application target. */
  events_used: number;
  ignored: {
    /** Events of any other type (sign-ins to Okta itself, admin actions...). */
    other_event_type: number;
    /** SSO events whose outcome is not SUCCESS (denied, failed MFA...). */
    failed_outcome: number;
  };
}

export interface SystemLogRead {
  logins: OktaSsoLogin[];
  users: OktaUserSighting[];
  counts: SystemLogCounts;
}

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);
const nonEmpty = (value: unknown): value is string => typeof value === 'string' && value.trim() !== '';

/**
 * Reads Okta System Log events as `/api/v1/logs` returns them (a JSON array of LogEvent objects).
 * Events of other types and SSO events that did not succeed are counted and skipped without
 * further checks (an export holds every kind of event); a successful SSO event must carry what
 * the enrichment needs (`published`, `actor.id`, one `AppInstance` target with an id), and every
 * one that does not is an issue naming its index and field. Of several sign-ins of one user to one
 * application only the latest is kept.
 */
export function readSystemLog(events: readonly unknown[]): Checked<SystemLogRead> {
  const issues = new IssueCollector();
  const counts: SystemLogCounts = { events_read: events.length, events_used: 0, ignored: { other_event_type: 0, failed_outcome: 0 } };
  const latest = new Map<string, OktaSsoLogin>();
  const users = new Map<string, { login: string | null; at: number }>();
  events.forEach((event, index) => {
    const path = at('', index);
    if (!isObject(event)) return issues.error(path, 'not_an_object', 'an event must be a JSON object');
    if (typeof event.eventType !== 'string') return issues.error(at(path, 'eventType'), 'required', 'eventType must be a string such as "user.authentication.sso"');
    if (event.eventType !== SSO_EVENT_TYPE) return void counts.ignored.other_event_type++;
    const result = isObject(event.outcome) ? event.outcome.result : undefined;
    if (typeof result !== 'string') return issues.error(at(at(path, 'outcome'), 'result'), 'required', 'outcome.result must be a string such as "SUCCESS"');
    if (result.toUpperCase() !== 'SUCCESS') return void counts.ignored.failed_outcome++;
    const login = readSsoEvent(event, path, issues);
    if (!login) return;
    counts.events_used++;
    const key = `${login.appId}\u0000${login.oktaUserId}`;
    const previous = latest.get(key);
    if (!previous || previous.at < login.at) latest.set(key, login);
    const actor = event.actor as Json;
    const sighting = users.get(login.oktaUserId);
    const time = Date.parse(login.at);
    if (!sighting || sighting.at <= time) users.set(login.oktaUserId, { login: nonEmpty(actor.alternateId) ? actor.alternateId : null, at: time });
  });
  if (issues.hasErrors) return { ok: false, issues: issues.errors };
  return {
    ok: true,
    value: { logins: [...latest.values()], users: [...users].map(([id, u]) => ({ id, login: u.login })), counts },
  };
}

/** The sign-in a successful SSO event records, or undefined after reporting what is missing. */
function readSsoEvent(event: Json, path: string, issues: IssueCollector): OktaSsoLogin | undefined {
  const before = issues.totalErrors;
  const published = event.published;
  if (typeof published !== 'string' || !isTimestamp(published)) {
    issues.error(at(path, 'published'), 'invalid_timestamp', 'published must be an RFC 3339 timestamp such as 2026-11-02T09:14:05.123Z');
  }
  const actor = event.actor;
  if (!isObject(actor) || !nonEmpty(actor.id)) issues.error(at(at(path, 'actor'), 'id'), 'required', 'actor.id must be the Okta user id (00u…)');
  const target = event.target;
  let appId: string | undefined;
  if (!Array.isArray(target)) {
    issues.error(at(path, 'target'), 'required', 'target must be an array holding the AppInstance signed in to');
  } else {
    const apps = target.map((t, i) => [t, i] as const).filter(([t]) => isObject(t) && t.type === 'AppInstance');
    if (apps.length !== 1) {
      issues.error(at(path, 'target'), 'app_target', `target must hold exactly one entry of type "AppInstance" (found ${apps.length})`);
    } else {
      const [app, i] = apps[0]! as readonly [Json, number];
      if (nonEmpty(app.id)) appId = app.id;
      else issues.error(at(at(at(path, 'target'), i), 'id'), 'required', 'the AppInstance target must have its Okta application id (0oa…)');
    }
  }
  if (issues.totalErrors !== before) return undefined;
  return { appId: appId!, oktaUserId: (actor as Json).id as string, at: new Date(published as string).toISOString() };
}

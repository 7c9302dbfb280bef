import { type Checked } from '../validation-issue.js';

/** The setting that names the Okta user property local users' identities are compared with. */
export const OKTA_MATCHING_PROPERTY_SETTING = 'okta_sso_user_matching_property';

/** Okta's attribute variable names, and Veza's `customprop_<name>` spelling of custom ones. */
const PROPERTY_NAME = /^[A-Za-z][A-Za-z0-9_]{0,127}$/;

/**
 * Checks a matching property: an Okta user attribute name such as `login`, `email`, `id`, a
 * custom attribute (`employeeNumber`), or Veza's spelling of one (`customprop_employee_id`).
 */
export function readMatchingProperty(value: unknown): Checked<string> {
  if (typeof value !== 'string' || !PROPERTY_NAME.test(value)) {
    return {
      ok: false,
      issues: [{ path: 'value', code: 'invalid_property', message: 'value must be an Okta user property name: a letter, then letters, digits or underscores (up to 128), e.g. login, email or customprop_employee_id' }],
    };
  }
  return { ok: true, value };
}

/** An Okta user as matching sees it: what the System Log and the users export told about it. */
export interface OktaUserRecord {
  id: string;
  /** `actor.alternateId` of its latest sign-in in the System Log (its login), if any. */
  login: string | null;
  /** Profile attributes from a users export; empty when none was imported. */
  profile: Readonly<Record<string, string>>;
}

/**
 * The value of `property` on an Okta user: `id` is the user id; `login` the profile's login, or
 * else the System Log's alternateId (which is the login); `customprop_<name>` the profile
 * attribute `<name>` (Veza names custom attributes so), or one literally named so; anything
 * else the profile attribute of that name. Undefined when the user has no such value.
 */
export function matchingValue(user: OktaUserRecord, property: string): string | undefined {
  if (property === 'id') return user.id;
  // Own attributes only: `customprop_toString` must not find the object's prototype.
  const attribute = (name: string) => (Object.hasOwn(user.profile, name) ? user.profile[name] : undefined);
  if (property === 'login') return attribute('login') ?? user.login ?? undefined;
  if (property.startsWith('customprop_')) return attribute(property.slice('customprop_'.length)) ?? attribute(property);
  return attribute(property);
}

/** A local user of an application with an `okta_app_id`: its node and its identities in payload order. */
export interface SsoAccount {
  node: number;
  identities: readonly string[];
}

/** An Okta user with its latest successful SSO sign-in to the application. */
export interface OktaSignIn {
  user: OktaUserRecord;
  at: string;
}

/**
 * `sso_last_login_at` for each local user that matches (node -> ISO timestamp). A local user
 * matches through the first of its identities, in payload order, that equals (ignoring case) the
 * matching property of an Okta user who signed in to the application; that user's latest
 * sign-in is the value. Two Okta users with one value (ignoring case) count as one, with the
 * later sign-in. Local users without such an identity are absent: they get no value.
 */
export function matchSsoLastLogins(accounts: readonly SsoAccount[], signIns: readonly OktaSignIn[], property: string): Map<number, string> {
  const byValue = new Map<string, string>();
  for (const { user, at } of signIns) {
    const value = matchingValue(user, property);
    if (value === undefined || value === '') continue;
    const key = value.toLowerCase();
    const known = byValue.get(key);
    if (known === undefined || known < at) byValue.set(key, at);
  }
  const result = new Map<number, string>();
  if (byValue.size === 0) return result;
  for (const account of accounts) {
    for (const identity of account.identities) {
      const at = byValue.get(identity.toLowerCase());
      if (at !== undefined) {
        result.set(account.node, at);
        break;
      }
    }
  }
  return result;
}

import { type Checked } from '../validation-issue.js';
import { IssueCollector, at } from '../payload/issues.js';

/**
 * An Okta user as `/api/v1/users` returns it, reduced to what matching can compare: its id and
 * the profile attributes that hold a string or a number (login, email, custom attributes).
 */
export interface OktaUserProfile {
  id: string;
  profile: Record<string, string>;
}

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Reads an Okta users export (a JSON array of User objects: `id`, `profile.login`,
 * `profile.email`, custom attributes). Every user needs an id and a profile object; other fields
 * (status, credentials, _links...) are ignored, and so are profile attributes that are not
 * strings or numbers (arrays, objects, null), which no identity string can equal.
 */
export function readOktaUsers(users: readonly unknown[]): Checked<OktaUserProfile[]> {
  const issues = new IssueCollector();
  const result: OktaUserProfile[] = [];
  users.forEach((user, index) => {
    const path = at('', index);
    if (!isObject(user)) return issues.error(path, 'not_an_object', 'a user must be a JSON object');
    const id = user.id;
    if (typeof id !== 'string' || id.trim() === '') issues.error(at(path, 'id'), 'required', 'id must be the Okta user id (00u…)');
    if (!isObject(user.profile)) issues.error(at(path, 'profile'), 'required', 'profile must be an object of the user’s attributes (login, email...)');
    if (typeof id !== 'string' || id.trim() === '' || !isObject(user.profile)) return;
    const profile: Record<string, string> = {};
    for (const [name, value] of Object.entries(user.profile)) {
      if (typeof value === 'string') profile[name] = value;
      else if (typeof value === 'number' && Number.isFinite(value)) profile[name] = String(value);
    }
    result.push({ id, profile });
  });
  return issues.hasErrors ? { ok: false, issues: issues.errors } : { ok: true, value: result };
}

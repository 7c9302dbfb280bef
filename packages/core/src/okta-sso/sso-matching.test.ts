import { describe, expect, it } from 'vitest';
import { matchSsoLastLogins, matchingValue, readMatchingProperty, type OktaSignIn } from './sso-matching.js';

const signIn = (id: string, at: string, login: string | null, profile: Record<string, string> = {}): OktaSignIn => ({ user: { id, login, profile }, at });

const JANE = signIn('00u1', '2026-11-03T09:30:00.000Z', 'jane.doe@example.com', { login: 'jane.doe@example.com', email: 'jane@corp.example', employeeNumber: 'E-1' });
const CAROL = signIn('00u3', '2026-10-30T07:00:00.000Z', 'carol@example.com');

describe('matchSsoLastLogins', () => {
  it('matches identities ignoring case', () => {
    const result = matchSsoLastLogins([{ node: 1, identities: ['JANE.Doe@Example.COM'] }], [JANE], 'login');
    expect([...result]).toEqual([[1, JANE.at]]);
  });

  it('takes the first identity that matches, in order, not the latest sign-in', () => {
    const accounts = [
      { node: 1, identities: ['nobody@example.com', 'carol@example.com', 'jane.doe@example.com'] },
      { node: 2, identities: ['jane.doe@example.com', 'carol@example.com'] },
    ];
    expect([...matchSsoLastLogins(accounts, [JANE, CAROL], 'login')]).toEqual([
      [1, CAROL.at],
      [2, JANE.at],
    ]);
  });

  it('leaves users without a matching identity (or without identities) out', () => {
    const accounts = [
      { node: 1, identities: ['dave@example.com'] },
      { node: 2, identities: [] },
    ];
    expect(matchSsoLastLogins(accounts, [JANE, CAROL], 'login').size).toBe(0);
  });

  it('compares the configured property: email and custom attributes need a profile', () => {
    const accounts = [{ node: 1, identities: ['jane.doe@example.com', 'JANE@corp.example'] }, { node: 2, identities: ['carol@example.com', 'e-1'] }];
    expect([...matchSsoLastLogins(accounts, [JANE, CAROL], 'email')]).toEqual([[1, JANE.at]]);
    expect([...matchSsoLastLogins(accounts, [JANE, CAROL], 'customprop_employeeNumber')]).toEqual([[2, JANE.at]]);
  });

  it('counts two Okta users with one value as one, with the later sign-in', () => {
    const older = signIn('00u7', '2026-01-01T00:00:00.000Z', 'JANE.DOE@example.com');
    expect(matchSsoLastLogins([{ node: 1, identities: ['jane.doe@example.com'] }], [JANE, older], 'login').get(1)).toBe(JANE.at);
  });
});

describe('matchingValue', () => {
  it('reads id, login (profile, else the System Log login), customprop_ and plain attributes', () => {
    expect(matchingValue(JANE.user, 'id')).toBe('00u1');
    expect(matchingValue(CAROL.user, 'login')).toBe('carol@example.com');
    expect(matchingValue({ id: 'x', login: 'old@example.com', profile: { login: 'new@example.com' } }, 'login')).toBe('new@example.com');
    expect(matchingValue(JANE.user, 'customprop_employeeNumber')).toBe('E-1');
    expect(matchingValue(JANE.user, 'employeeNumber')).toBe('E-1');
    expect(matchingValue(CAROL.user, 'email')).toBeUndefined();
    expect(matchingValue(CAROL.user, 'toString')).toBeUndefined();
    expect(matchingValue(CAROL.user, 'customprop_constructor')).toBeUndefined();
  });
});

describe('readMatchingProperty', () => {
  it('accepts attribute names and refuses anything else, naming value', () => {
    expect(readMatchingProperty('customprop_idx_uid')).toEqual({ ok: true, value: 'customprop_idx_uid' });
    for (const bad of ['', ' login', 'profile.email', '1st', 7, null, 'x'.repeat(129)]) {
      const read = readMatchingProperty(bad);
      expect(read.ok ? 'accepted' : read.issues[0]!.path).toBe('value');
    }
  });
});

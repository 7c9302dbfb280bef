import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readSystemLog } from './system-log.js';
import { readOktaUsers } from './okta-users.js';

const fixture = (name: string) => JSON.parse(readFileSync(new URL(`../../../../test/fixtures/${name}`, import.meta.url), 'utf8')) as unknown[];

const sso = (over: Record<string, unknown> = {}) => ({
  eventType: 'user.authentication.sso',
  published: '2026-11-01T08:00:00Z',
  actor: { id: '00u1', type: 'User', alternateId: 'ann@example.com' },
  outcome: { result: 'SUCCESS' },
  target: [{ id: '0oaA', type: 'AppInstance' }],
  ...over,
});

describe('readSystemLog', () => {
  it('keeps the latest successful SSO sign-in per application and user, and counts what it skipped', () => {
    const read = readSystemLog(fixture('okta-system-log.json'));
    expect(read.ok).toBe(true);
    if (!read.ok) return;
    expect(read.value.counts).toEqual({ events_read: 8, events_used: 5, ignored: { other_event_type: 2, failed_outcome: 1 } });
    expect(read.value.logins).toEqual(
      expect.arrayContaining([
        { appId: '0oa1ledgerAPP0000x7', oktaUserId: '00u1janeDOE0000000x7', at: '2026-11-03T09:30:00.000Z' },
        { appId: '0oa1ledgerAPP0000x7', oktaUserId: '00u2bobSMITH000000x7', at: '2026-11-02T10:15:00.000Z' },
        { appId: '0oa1ledgerAPP0000x7', oktaUserId: '00u3carolWHITE0000x7', at: '2026-10-30T07:00:00.000Z' },
        { appId: '0oa9wikiAPP00000x7', oktaUserId: '00u4daveJONES0000x7', at: '2026-11-04T12:00:00.000Z' },
      ]),
    );
    expect(read.value.logins).toHaveLength(4);
    // Erin only failed: she is not a user the export saw sign in.
    expect(read.value.users.map((u) => u.id).sort()).toEqual(['00u1janeDOE0000000x7', '00u2bobSMITH000000x7', '00u3carolWHITE0000x7', '00u4daveJONES0000x7']);
    expect(read.value.users.find((u) => u.id === '00u2bobSMITH000000x7')?.login).toBe('bob@example.com');
  });

  it('normalises times to UTC, so an offset and a later Z time compare right', () => {
    const read = readSystemLog([sso({ published: '2026-11-01T10:00:00+02:00' }), sso({ published: '2026-11-01T08:30:00Z' })]);
    expect(read.ok && read.value.logins).toEqual([{ appId: '0oaA', oktaUserId: '00u1', at: '2026-11-01T08:30:00.000Z' }]);
  });

  it('names the index and field of every malformed SSO event, and skips other events unchecked', () => {
    const read = readSystemLog([
      sso({ published: 'yesterday' }),
      { eventType: 'user.session.start' },
      sso({ actor: { type: 'User' } }),
      sso({ target: [{ id: '0ua1', type: 'AppUser' }] }),
      sso({ target: [{ type: 'AppInstance' }] }),
      sso({ outcome: {} }),
      'not an event',
      { published: '2026-11-01T08:00:00Z' },
    ]);
    expect(read.ok).toBe(false);
    if (read.ok) return;
    expect(read.issues.map((i) => i.path)).toEqual(['[0].published', '[2].actor.id', '[3].target', '[4].target[0].id', '[5].outcome.result', '[6]', '[7].eventType']);
    expect(read.issues[2]!.message).toContain('AppInstance');
  });
});

describe('readOktaUsers', () => {
  it('keeps id and the string and number profile attributes', () => {
    const read = readOktaUsers(fixture('okta-users.json'));
    expect(read.ok).toBe(true);
    if (!read.ok) return;
    expect(read.value).toHaveLength(3);
    expect(read.value[2]).toEqual({
      id: '00u3carolWHITE0000x7',
      profile: { firstName: 'Carol', lastName: 'White', login: 'carol@example.com', email: 'carol.white@example.com', employeeNumber: '1003' },
    });
  });

  it('names users without an id or a profile', () => {
    const read = readOktaUsers([{ profile: {} }, { id: '00u2' }, { id: '00u3', profile: [] }, 7]);
    expect(read.ok ? [] : read.issues.map((i) => i.path)).toEqual(['[0].id', '[1].profile', '[2].profile', '[3]']);
  });
});

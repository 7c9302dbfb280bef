// End-to-end: `accessgraph okta import-system-log` / `import-users` against the store of a running
// server, from the System Log and users export fixtures to sso_last_login_at on the pushed users.
// These tests run the compiled CLI and do not build it: `npm test` runs `npm run build` first.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, cli, startWithKey, tempDir, useCleanup } from './support/cli.js';
import { request } from './support/http.js';

useCleanup();

const SYSTEM_LOG = join(ROOT, 'test', 'fixtures', 'okta-system-log.json');
const USERS = join(ROOT, 'test', 'fixtures', 'okta-users.json');

const ledger = {
  applications: [
    {
      name: 'Ledger',
      application_type: 'ledger',
      okta_app_id: '0oa1ledgerAPP0000x7',
      local_users: [
        { unique_id: 'jane', name: 'Jane', identities: ['Jane.Doe@example.com'] },
        { unique_id: 'bob', name: 'Bob', identities: ['robert.smith@example.com'] },
      ],
    },
  ],
  permissions: [],
};

describe('accessgraph okta', () => {
  it('imports exports into the store a running server reads', async () => {
    const { server, dataDir, key } = await startWithKey();
    const api = (path: string, options: Parameters<typeof request>[1] = {}) => request(`${server.url}${path}`, { key, ...options });
    const provider = (await api('/api/v1/providers/custom', { method: 'POST', body: { name: 'Ledger', custom_template: 'application' } })).json<{ value: { id: string } }>().value;
    const ds = (await api(`/api/v1/providers/custom/${provider.id}/datasources`, { method: 'POST', body: { id: provider.id, name: 'prod' } })).json<{ value: { id: string } }>().value;
    expect((await api(`/api/v1/providers/custom/${provider.id}/datasources/${ds.id}:push`, { method: 'POST', body: { json_data: JSON.stringify(ledger) } })).status).toBe(200);
    expect((await api('/api/private/namespaces/integrations/configurations/okta_sso_user_matching_property', { method: 'PUT', body: { value: 'email' } })).status).toBe(200);

    const log = await cli(['okta', 'import-system-log', SYSTEM_LOG, '--data', dataDir]);
    expect(log.code, log.stderr).toBe(0);
    expect(JSON.parse(log.stdout)).toMatchObject({ events_read: 8, events_used: 5, logins_recorded: 4, local_users: { considered: 2, enriched: 0 } });
    const users = await cli(['okta', 'import-users', USERS, '--data', dataDir]);
    expect(users.code, users.stderr).toBe(0);
    expect(JSON.parse(users.stdout)).toMatchObject({ users_recorded: 3, local_users: { considered: 2, enriched: 2, changed: 2 } });

    const found = await api(`/api/v1/graph/nodes?type=local_user&filter=${encodeURIComponent('sso_last_login_at ge "2026-11-02T10:15:00Z"')}`);
    expect(found.json<{ values: Array<{ key: string }> }>().values.map((n) => n.key).sort()).toEqual(['bob', 'jane']);
  });

  it('reads JSON Lines, and refuses a malformed export naming each event and field', async () => {
    const data = tempDir();
    const dir = tempDir('accessgraph-okta-');
    const lines = join(dir, 'events.jsonl');
    writeFileSync(lines, '{"eventType":"user.session.start"}\n{"eventType":"user.authentication.sso","outcome":{"result":"FAILURE"}}\n');
    const ok = await cli(['okta', 'import-system-log', lines, '--data', data]);
    expect(ok.code, ok.stderr).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({ events_read: 2, events_used: 0, ignored: { other_event_type: 1, failed_outcome: 1 } });

    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify([{ eventType: 'user.authentication.sso', outcome: { result: 'SUCCESS' }, published: 'soon', actor: { id: '00u1' }, target: [] }]));
    const refused = await cli(['okta', 'import-system-log', bad, '--data', data]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('[0].published');
    expect(refused.stderr).toContain('[0].target');
  });
});

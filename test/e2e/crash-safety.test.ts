import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { generateAppPayload, SMALL_SHAPE } from '../../bench/generate-app-payload.js';
import { createKey, startServer, tempDir, useCleanup } from './support/cli.js';
import { request } from './support/http.js';

/**
 * A push killed midway — the process dies with SIGKILL while the store phase is writing — must
 * leave the data source exactly as it was: the previous graph, status, and push history.
 */
describe('crash safety', () => {
  useCleanup();

  it('a push killed during its store phase leaves the data source as before', async () => {
    const dataDir = tempDir();
    const key = await createKey(dataDir);
    const args = ['--port', '0', '--data', dataDir, '--log-level', 'debug'];
    let server = await startServer(args);
    const api = (path: string, body?: object) => request(`${server.url}${path}`, { key, ...(body ? { method: 'POST', body } : {}), timeoutMs: 60_000 });

    const provider = (await api('/api/v1/providers/custom', { name: 'Crash', custom_template: 'application' })).json<{ value: { id: string } }>().value;
    const dataSource = (await api(`/api/v1/providers/custom/${provider.id}/datasources`, { name: 'Prod' })).json<{ value: { id: string } }>().value;
    const base = `/api/v1/providers/custom/${provider.id}/datasources/${dataSource.id}`;
    const first = readFileSync(new URL('../fixtures/app-ledger.json', import.meta.url), 'utf8');
    expect((await api(`${base}:push`, { json_data: first })).status).toBe(200);
    const snapshot = async () => ({
      dataSource: (await api(base)).json(),
      effective: (await api(`${base}/effective_permissions?page_size=1000`)).json(),
      pushes: (await api(`${base}/pushes`)).json(),
    });
    const before = await snapshot();

    // A payload whose store phase takes long enough to be interrupted.
    const big = JSON.stringify(generateAppPayload({ ...SMALL_SHAPE, users: 30_000, groups: 500, resources: 2_000, assignmentsPerUser: 6 }));
    const pending = api(`${base}:push`, { json_data: big }).then(
      (res) => ({ answered: res.status }),
      (error: Error) => ({ failed: error.message }),
    );
    await server.waitForStdout(/push: storing/, 60_000);
    server.process.kill('SIGKILL');
    const outcome = await pending;
    expect(outcome, 'the push must not have completed before the kill; enlarge the payload').toHaveProperty('failed');
    await server.exited;

    server = await startServer(args);
    expect(await snapshot()).toEqual(before);
  });
});

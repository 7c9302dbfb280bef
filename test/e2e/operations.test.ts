// End-to-end: health check, logs, environment configuration and the SQLite store across restarts.
// These tests run the compiled CLI and do not build it: `npm test` runs `npm run build` first.
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { childEnv, cli, createKey, startServer, startWithKey, tempDir, useCleanup } from './support/cli.js';
import { request } from './support/http.js';
import { duplicateKeys } from './support/json.js';

useCleanup();

/** A TCP port that was free a moment ago. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.on('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

describe('operation', () => {
  it('GET /healthz answers without a key (and a keyless start says how to create one)', async () => {
    const server = await startServer(['--port', '0', '--data', tempDir()]);
    expect(server.stderr()).toContain('keys create --role admin');
    const health = await request(`${server.url}/healthz`);
    expect(health.status).toBe(200);
    expect(health.headers['content-type']).toMatch(/^application\/json/);
    expect(health.json()).toMatchObject({ status: 'ok', storage: 'sqlite' });
  });

  it('logs JSON lines with request ids on stdout, and never the API key', async () => {
    const { server, key } = await startWithKey();
    const secret = key.split('_').slice(2).join('_');
    const providers = `${server.url}/api/v1/providers/custom`;

    const created = await request(providers, { method: 'POST', key, body: { name: 'Logged App', custom_template: 'application' } });
    expect(created.status).toBe(200);
    const id = created.json<{ value: { id: string } }>().value.id;
    expect((await request(providers, { key })).status).toBe(200);
    expect((await request(`${providers}/${id}`, { key })).status).toBe(200);
    expect((await request(`${providers}/00000000-0000-0000-0000-000000000000`, { key })).status).toBe(404);
    expect((await request(providers, { method: 'POST', key, body: '{"name":' })).status).toBe(400);
    // The key in a malformed header, and the key with a changed secret, are refused and not logged either.
    expect((await request(providers, { headers: { authorization: `Token ${key}` } })).status).toBe(401);
    expect((await request(providers, { headers: { authorization: `Bearer ${key} extra` } })).status).toBe(401);
    expect((await request(providers, { key: `${key.slice(0, -4)}AAAA` })).status).toBe(401);
    const last = await request(providers, { key });
    const requestId = last.headers['x-request-id'];
    expect(requestId).toMatch(/^[0-9a-f]{32}$/);

    // Stop the server so every log line has been written.
    expect(await server.stop()).toEqual({ code: 0, signal: null });
    const stdout = server.stdout();
    const lines = stdout.trim().split('\n');
    const entries = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    const forLast = entries.filter((entry) => entry.reqId === requestId);
    expect(forLast.length).toBeGreaterThanOrEqual(1);
    expect(forLast.some((entry) => (entry.req as { url?: string } | undefined)?.url === '/api/v1/providers/custom')).toBe(true);
    expect(entries.filter((entry) => typeof entry.reqId === 'string').length).toBeGreaterThanOrEqual(9);

    const everything = stdout + server.stderr();
    expect(everything).not.toContain(key);
    expect(everything).not.toContain(secret);
    expect(everything).not.toContain(secret.slice(0, 20));
  });

  // BUG: the error handler (packages/server/src/http/error-handler.ts) logs refused requests with
  // request.log.info({ code, reason, msg: apiError.message }, 'request refused'), so pino writes
  // two "msg" keys in one line: {"...","msg":"Missing API key: ...","msg":"request refused"}.
  // JSON parsers keep the last one, so the reason a request was refused is lost from the logs
  // (and strict log pipelines reject the line). Expected: one "msg", the reason under its own key.
  it('logs a refused request as JSON without duplicate keys, reason included', async () => {
    const { server } = await startWithKey();
    expect((await request(`${server.url}/api/v1/providers/custom`)).status).toBe(401);
    expect(await server.stop()).toEqual({ code: 0, signal: null });

    const lines = server.stdout().trim().split('\n');
    for (const line of lines) expect(duplicateKeys(line), line).toEqual([]);
    const refused = lines.find((line) => line.includes('"Unauthenticated"'));
    expect(refused).toBeDefined();
    expect(Object.values(JSON.parse(refused!) as Record<string, unknown>)).toContainEqual(expect.stringMatching(/^Missing API key/));
  });

  it('reads PORT, HOST and ACCESSGRAPH_DATA_DIR from the environment', async () => {
    const data = tempDir();
    const created = await cli(['keys', 'create', '--role', 'reader', '--name', 'env'], { env: childEnv({ ACCESSGRAPH_DATA_DIR: data }) });
    expect(created.code).toBe(0);
    const key = created.stdout.trim();
    expect(existsSync(join(data, 'accessgraph.db'))).toBe(true);
    const port = await freePort();
    // 127.0.0.2 is not the default host: Linux answers on all of 127.0.0.0/8 through the loopback.
    const server = await startServer([], { env: childEnv({ PORT: String(port), HOST: '127.0.0.2', ACCESSGRAPH_DATA_DIR: data }) });
    expect(server.url).toBe(`http://127.0.0.2:${port}`);
    expect(server.stderr()).toContain(`data in ${data}`);
    // The key created in that directory works, so the server uses it.
    expect((await request(`${server.url}/api/v1/providers/custom`, { key })).status).toBe(200);
    // Listening on 127.0.0.2 only.
    await expect(request(`http://127.0.0.1:${port}/healthz`)).rejects.toThrow(/ECONNREFUSED/);
  });

  it('keeps data in a SQLite file under the data directory across restarts', async () => {
    const data = tempDir();
    const key = await createKey(data);
    expect(existsSync(join(data, 'accessgraph.db'))).toBe(true);

    const first = await startServer(['--port', '0', '--data', data]);
    const created = await request(`${first.url}/api/v1/providers/custom`, {
      method: 'POST',
      key,
      body: { name: 'Durable', custom_template: 'hris', provisioning: true },
    });
    expect(created.status).toBe(200);
    const provider = created.json<{ value: { id: string } }>().value;
    expect(await first.stop()).toEqual({ code: 0, signal: null });

    // Starting again runs the migrations a third time (keys create, first start, now): nothing
    // breaks and nothing is lost.
    const again = await startServer(['--port', '0', '--data', data]);
    const got = await request(`${again.url}/api/v1/providers/custom/${provider.id}`, { key });
    expect(got.status).toBe(200);
    expect(got.json()).toEqual({ value: provider });
    const listed = await request(`${again.url}/api/v1/providers/custom`, { key });
    expect(listed.json<{ values: unknown[] }>().values).toEqual([provider]);
  });
});

// End-to-end: the `keys` commands and the `accessgraph` bin, run as real child processes.
// These tests run the compiled CLI and do not build it: `npm test` runs `npm run build` first.
import { describe, expect, it } from 'vitest';
import { KEY_PATTERN, ROOT, childEnv, cli, run, startServer, tempDir, useCleanup } from './support/cli.js';
import { request } from './support/http.js';

useCleanup();

interface ListedKey {
  id: string;
  name: string;
  role: string;
  prefix: string;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
}

/** `agk_<id>_<secret>`: the parts of a printed key. */
function parts(key: string): { id: string; prefix: string; secret: string } {
  const [, id, secret] = /^agk_([0-9a-f]{16})_(.+)$/.exec(key)!;
  return { id: id!, prefix: `agk_${id}`, secret: secret! };
}

describe('accessgraph keys', () => {
  it('keys create prints the key, one line and nothing else, on stdout', async () => {
    const data = tempDir();
    const result = await cli(['keys', 'create', '--role', 'admin', '--name', 'ci', '--data', data]);
    expect(result.code).toBe(0);
    expect(result.stdout.endsWith('\n')).toBe(true);
    const lines = result.stdout.split('\n');
    expect(lines).toHaveLength(2); // the key, then the empty string after the final newline
    expect(lines[1]).toBe('');
    expect(lines[0]).toMatch(KEY_PATTERN);
    // The note about the key goes to stderr and does not repeat the secret.
    expect(result.stderr).toContain(parts(lines[0]!).id);
    expect(result.stderr).not.toContain(parts(lines[0]!).secret);
  });

  it('keys list shows id, name, role and prefix, never the secret; --json too', async () => {
    const data = tempDir();
    const created = await cli(['keys', 'create', '--role', 'admin', '--name', 'ci', '--data', data]);
    const key = created.stdout.trim();
    const { id, prefix, secret } = parts(key);

    const table = await cli(['keys', 'list', '--data', data]);
    expect(table.code).toBe(0);
    const row = table.stdout.split('\n').find((line) => line.startsWith(id));
    expect(row).toBeDefined();
    expect(row!.split(/\s+/).slice(0, 4)).toEqual([id, 'ci', 'admin', prefix]);
    expect(table.stdout).not.toContain(secret);
    expect(table.stderr).not.toContain(secret);

    const json = await cli(['keys', 'list', '--json', '--data', data]);
    expect(json.code).toBe(0);
    expect(json.stdout).not.toContain(secret);
    const listed = JSON.parse(json.stdout) as ListedKey[];
    expect(listed).toHaveLength(1);
    expect(listed[0]).toMatchObject({ id, name: 'ci', role: 'admin', prefix, last_used_at: null, revoked_at: null });
    expect(Object.keys(listed[0]!).sort()).toEqual(['created_at', 'id', 'last_used_at', 'name', 'prefix', 'revoked_at', 'role']);
  });

  it('keys revoke makes a running server refuse the key with 401', async () => {
    const data = tempDir();
    const key = (await cli(['keys', 'create', '--role', 'admin', '--name', 'ci', '--data', data])).stdout.trim();
    const server = await startServer(['--port', '0', '--data', data]);
    const providers = `${server.url}/api/v1/providers/custom`;
    expect((await request(providers, { key })).status).toBe(200);

    const revoked = await cli(['keys', 'revoke', parts(key).id, '--data', data]);
    expect(revoked.code).toBe(0);

    const refused = await request(providers, { key });
    expect(refused.status).toBe(401);
    expect(refused.json()).toMatchObject({ code: 'Unauthenticated' });

    const listed = JSON.parse((await cli(['keys', 'list', '--json', '--data', data])).stdout) as ListedKey[];
    expect(listed[0]!.revoked_at).not.toBeNull();
  });

  it('keys revoke of an unknown id exits non-zero with a one-line error', async () => {
    const data = tempDir();
    await cli(['keys', 'create', '--role', 'admin', '--name', 'ci', '--data', data]);
    const result = await cli(['keys', 'revoke', '0123456789abcdef', '--data', data]);
    expect(result.code).not.toBe(0);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^[^\n]*0123456789abcdef[^\n]*\n$/);
  });

  it('keys create with an unknown role exits non-zero and creates nothing', async () => {
    const data = tempDir();
    const result = await cli(['keys', 'create', '--role', 'superuser', '--name', 'ci', '--data', data]);
    expect(result.code).not.toBe(0);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('superuser');
    const listed = await cli(['keys', 'list', '--json', '--data', data]);
    expect(JSON.parse(listed.stdout)).toEqual([]);
  });

  it('npx accessgraph --help works from the repository root (the root package exposes the bin)', async () => {
    // --no-install: resolve the local project's bin, never download a package of that name.
    const result = await run('npx', ['--no-install', 'accessgraph', '--help'], { cwd: ROOT, env: childEnv(), timeoutMs: 30_000 });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('Usage: accessgraph');
    expect(result.stdout).toMatch(/\bserve\b/);
    expect(result.stdout).toMatch(/\bkeys\b/);
  });
});

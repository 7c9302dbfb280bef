// End-to-end: HTTPS from `serve --tls self-signed` and from `serve --tls-cert/--tls-key`.
// These tests run the compiled CLI and do not build it: `npm test` runs `npm run build` first.
import { X509Certificate } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, run, startServer, tempDir, useCleanup } from './support/cli.js';
import { request } from './support/http.js';

useCleanup();

describe('serve --tls self-signed', () => {
  it('creates the certificate once, explains how to trust it, and serves HTTPS only', async () => {
    const data = tempDir();
    const certPath = join(data, 'tls', 'self-signed-cert.pem');
    expect(existsSync(certPath)).toBe(false);

    const first = await startServer(['--tls', 'self-signed', '--port', '0', '--data', data]);
    expect(first.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(first.stderr()).toContain('HTTPS server on https://');
    expect(first.stderr()).toContain(certPath);
    expect(first.stderr()).toContain('REQUESTS_CA_BUNDLE');
    expect(first.stderr()).toContain('VEZA_UNSAFE_HTTPS');
    const cert = readFileSync(certPath, 'utf8');
    expect(cert).toContain('BEGIN CERTIFICATE');
    const x509 = new X509Certificate(cert);
    expect(x509.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(x509.checkHost('localhost')).toBe('localhost');

    // Trusting the file as a CA is enough for a verifying client, by IP and by name.
    const health = await request(`${first.url}/healthz`, { ca: cert });
    expect(health.status).toBe(200);
    expect(health.peerCertificate?.fingerprint256).toBe(x509.fingerprint256);
    expect((await request(`https://localhost:${first.port}/healthz`, { ca: cert })).status).toBe(200);
    // Without trusting it, verification fails.
    await expect(request(`${first.url}/healthz`)).rejects.toThrow(/self[- ]signed|certificate/i);
    // Plain HTTP to the HTTPS port gets no HTTP answer.
    await expect(request(`http://127.0.0.1:${first.port}/healthz`)).rejects.toThrow();

    expect(await first.stop()).toEqual({ code: 0, signal: null });

    // A second start on the same data directory reuses the very same file.
    const second = await startServer(['--tls', 'self-signed', '--port', '0', '--data', data]);
    expect(readFileSync(certPath, 'utf8')).toBe(cert);
    const again = await request(`${second.url}/healthz`, { ca: cert });
    expect(again.status).toBe(200);
    expect(again.peerCertificate?.fingerprint256).toBe(x509.fingerprint256);
  });
});

describe('serve --tls-cert --tls-key', () => {
  it('serves HTTPS with the given certificate', async () => {
    const dir = tempDir();
    const data = tempDir();
    const certFile = join(dir, 'cert.pem');
    const keyFile = join(dir, 'key.pem');
    const made = await run('openssl', [
      'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes',
      '-subj', '/CN=localhost', '-addext', 'subjectAltName=IP:127.0.0.1',
      '-days', '2', '-keyout', keyFile, '-out', certFile,
    ]);
    expect(made.code, made.stderr).toBe(0);
    const cert = readFileSync(certFile, 'utf8');

    const server = await startServer(['--tls-cert', certFile, '--tls-key', keyFile, '--port', '0', '--data', data]);
    expect(server.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const health = await request(`${server.url}/healthz`, { ca: cert });
    expect(health.status).toBe(200);
    expect(health.peerCertificate?.fingerprint256).toBe(new X509Certificate(cert).fingerprint256);
    // No self-signed certificate is generated, nor advertised, when one is given.
    expect(existsSync(join(data, 'tls'))).toBe(false);
    expect(server.stderr()).not.toContain('self-signed');
  });

  it('--tls-cert without --tls-key exits non-zero with a clear message', async () => {
    const dir = tempDir();
    const result = await cli(['serve', '--tls-cert', join(dir, 'cert.pem'), '--port', '0', '--data', dir]);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/--tls-key/);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).not.toContain('server on');
  });
});

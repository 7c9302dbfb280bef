import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { X509Certificate } from 'node:crypto';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { generate } from 'selfsigned';

export interface TlsMaterial {
  key: string;
  cert: string;
  /** Set when the certificate is the generated self-signed one. */
  selfSignedPath?: string;
}

export interface TlsFlags {
  tls?: string;
  tlsCert?: string;
  tlsKey?: string;
}

/**
 * The key and certificate to serve HTTPS with, or undefined for plain HTTP. `--tls self-signed`
 * makes a certificate once and keeps it in the data directory; the official Python client only
 * speaks HTTPS, so this is the quickest way to point it at a laptop.
 */
export async function loadTls(flags: TlsFlags, dataDir: string): Promise<TlsMaterial | undefined> {
  if (flags.tlsCert || flags.tlsKey) {
    if (!flags.tlsCert || !flags.tlsKey) throw new Error('--tls-cert and --tls-key must be given together');
    return { cert: readFileSync(flags.tlsCert, 'utf8'), key: readFileSync(flags.tlsKey, 'utf8') };
  }
  if (flags.tls === undefined || flags.tls === '' || flags.tls === 'off') return undefined;
  if (flags.tls !== 'self-signed') throw new Error(`unknown --tls mode "${flags.tls}": use self-signed, or --tls-cert and --tls-key`);
  return selfSignedCertificate(join(dataDir, 'tls'));
}

async function selfSignedCertificate(dir: string): Promise<TlsMaterial> {
  const certPath = join(dir, 'self-signed-cert.pem');
  const keyPath = join(dir, 'self-signed-key.pem');
  if (existsSync(certPath) && existsSync(keyPath)) {
    const cert = readFileSync(certPath, 'utf8');
    // Reuse it while it has more than a week left, so clients that trust it keep working.
    if (Date.parse(new X509Certificate(cert).validTo) - Date.now() > 7 * 24 * 3600 * 1000) {
      return { cert, key: readFileSync(keyPath, 'utf8'), selfSignedPath: certPath };
    }
  }
  const notBeforeDate = new Date();
  const notAfterDate = new Date(notBeforeDate.getTime() + 825 * 24 * 3600 * 1000);
  const names = [...new Set(['localhost', hostname()])];
  const pems = await generate([{ name: 'commonName', value: 'Accessgraph local' }], {
    keyType: 'ec',
    algorithm: 'sha256',
    notBeforeDate,
    notAfterDate,
    extensions: [
      // A CA flag lets clients use this very file as their trust bundle (REQUESTS_CA_BUNDLE, --cacert).
      { name: 'basicConstraints', cA: true, critical: true },
      { name: 'keyUsage', digitalSignature: true, keyCertSign: true, critical: true },
      { name: 'extKeyUsage', serverAuth: true },
      {
        name: 'subjectAltName',
        altNames: [...names.map((value) => ({ type: 2 as const, value })), { type: 7 as const, ip: '127.0.0.1' }, { type: 7 as const, ip: '::1' }],
      },
    ],
  });
  mkdirSync(dir, { recursive: true });
  writeFileSync(keyPath, pems.private, { mode: 0o600 });
  writeFileSync(certPath, pems.cert);
  return { cert: pems.cert, key: pems.private, selfSignedPath: certPath };
}

/** How to make clients trust the self-signed certificate. */
export function trustInstructions(certPath: string, url: string): string {
  return [
    `Serving HTTPS with a self-signed certificate: ${certPath}`,
    'To trust it:',
    `  Python oaaclient / requests:  export REQUESTS_CA_BUNDLE=${certPath}`,
    '  or skip verification (development only):  export VEZA_UNSAFE_HTTPS=true',
    `  curl:  curl --cacert ${certPath} ${url}/healthz`,
    `  Node:  export NODE_EXTRA_CA_CERTS=${certPath}`,
  ].join('\n');
}

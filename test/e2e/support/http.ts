/** A small HTTP(S) client for the e2e tests: Node's fetch cannot be given a CA per request. */
import http from 'node:http';
import https from 'node:https';
import type { PeerCertificate, TLSSocket } from 'node:tls';

export interface Response {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
  /** The body parsed as JSON (throws when it is not JSON). */
  json<T = Record<string, unknown>>(): T;
  /** The server certificate, for HTTPS. */
  peerCertificate?: PeerCertificate;
}

export interface RequestOptions {
  method?: string;
  headers?: Record<string, string>;
  /** An object is sent as JSON. */
  body?: string | Buffer | object;
  /** API key sent as `Authorization: Bearer <key>`. */
  key?: string;
  /** PEM certificate(s) to trust for https URLs. */
  ca?: string | Buffer;
  timeoutMs?: number;
}

/** Sends one request on a fresh connection and reads the whole answer. */
export function request(url: string, options: RequestOptions = {}): Promise<Response> {
  const target = new URL(url);
  const headers: Record<string, string> = { ...options.headers };
  let body: string | Buffer | undefined;
  if (options.body !== undefined) {
    body = typeof options.body === 'string' || Buffer.isBuffer(options.body) ? options.body : JSON.stringify(options.body);
    if (typeof options.body === 'object' && !Buffer.isBuffer(options.body)) headers['content-type'] ??= 'application/json';
  }
  if (options.key !== undefined) headers.authorization = `Bearer ${options.key}`;
  const secure = target.protocol === 'https:';
  const agent = secure ? new https.Agent({ keepAlive: false, ...(options.ca ? { ca: options.ca } : {}) }) : new http.Agent({ keepAlive: false });
  const send = secure ? https.request : http.request;

  return new Promise<Response>((resolve, reject) => {
    const req = send(target, { method: options.method ?? 'GET', headers, agent, timeout: options.timeoutMs ?? 10_000 }, (res) => {
      const peerCertificate = secure ? (res.socket as TLSSocket).getPeerCertificate() : undefined;
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', reject);
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          text,
          json<T>() {
            return JSON.parse(text) as T;
          },
          ...(peerCertificate ? { peerCertificate } : {}),
        });
      });
    });
    req.on('timeout', () => req.destroy(new Error(`request to ${url} timed out`)));
    req.on('error', reject);
    req.end(body);
  });
}

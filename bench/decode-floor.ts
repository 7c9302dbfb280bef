import { gunzipSync } from 'node:zlib';
import type { Compression } from './request-bodies.js';

/**
 * The least any server must do with a push body before it can look at the payload, timed in
 * this process: the body's JSON text, then json_data inside it (for GZIP, base64 and gunzip
 * first). Returns milliseconds.
 */
export function decodeFloorMs(body: Buffer, compression: Compression): number {
  const started = performance.now();
  const envelope = JSON.parse(body.toString('utf8')) as { json_data: string };
  const text = compression === 'GZIP' ? gunzipSync(Buffer.from(envelope.json_data, 'base64')).toString('utf8') : envelope.json_data;
  const payload = JSON.parse(text) as unknown;
  const ms = performance.now() - started;
  if (typeof payload !== 'object' || payload === null) throw new Error('the decoded payload is not an object');
  return ms;
}

import { gunzipSync } from 'node:zlib';
import { issue, type Checked } from '../validation-issue.js';

/** Largest inflated payload: a gzip bomb stops here instead of exhausting memory. */
export const MAX_INFLATED_BYTES = 1024 * 1024 * 1024;

export type Compression = 'none' | 'GZIP';

export interface DecodedPush {
  /** The parsed payload: a JSON object. */
  payload: Record<string, unknown>;
  compression: Compression;
  /** The gzip bytes as received, when the push was compressed (kept as the stored state). */
  gzipped?: Buffer;
  /** Size of `json_data` as received, in bytes. */
  receivedBytes: number;
  /** Size of the payload JSON, in bytes. */
  jsonBytes: number;
}

/**
 * Accepted spellings of `compression_type`: absent, none/NONE, GZIP/gzip, and the integers of
 * Veza's OpenAPI enum (0 none, 1 GZIP).
 */
export function readCompression(value: unknown): Checked<Compression> {
  if (value === undefined || value === null || value === 0) return { ok: true, value: 'none' };
  if (value === 1) return { ok: true, value: 'GZIP' };
  if (typeof value === 'string') {
    const upper = value.trim().toUpperCase();
    if (upper === '' || upper === 'NONE') return { ok: true, value: 'none' };
    if (upper === 'GZIP') return { ok: true, value: 'GZIP' };
  }
  return {
    ok: false,
    issues: [issue('compression_type', 'unknown_compression', `compression_type ${JSON.stringify(value)} is not supported: use "none" or "GZIP"`)],
  };
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/**
 * Turns a push's `json_data` into the payload object: base64 and gunzip when compressed (GNU
 * `base64` line breaks tolerated, inflated size capped), then UTF-8 and JSON. Each failure is
 * its own clear error on `json_data`.
 */
export function decodePush(jsonData: unknown, compressionType: unknown, maxInflatedBytes = MAX_INFLATED_BYTES): Checked<DecodedPush> {
  const fail = (code: string, message: string): Checked<DecodedPush> => ({ ok: false, issues: [issue('json_data', code, message)] });
  const compression = readCompression(compressionType);
  if (!compression.ok) return compression;
  if (jsonData === undefined || jsonData === null) return fail('required', 'json_data is required: the payload as one JSON string');
  if (typeof jsonData !== 'string') {
    return fail('not_a_string', `json_data must be a string holding the payload JSON (e.g. json.dumps(payload)), not ${Array.isArray(jsonData) ? 'an array' : `a ${typeof jsonData}`}`);
  }
  if (jsonData.trim() === '') return fail('empty', 'json_data is empty');
  const receivedBytes = Buffer.byteLength(jsonData, 'utf8');

  let text: string;
  let gzipped: Buffer | undefined;
  if (compression.value === 'GZIP') {
    const compact = /\s/.test(jsonData) ? jsonData.replace(/\s+/g, '') : jsonData;
    if (compact.length % 4 === 1 || !BASE64.test(compact)) {
      return fail('invalid_base64', 'json_data is not valid base64 (compression_type GZIP expects base64 of the gzipped payload)');
    }
    gzipped = Buffer.from(compact, 'base64');
    let inflated: Buffer;
    try {
      inflated = gunzipSync(gzipped, { maxOutputLength: maxInflatedBytes });
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (code === 'ERR_BUFFER_TOO_LARGE' || error instanceof RangeError) {
        return fail('too_large', `json_data inflates to more than ${maxInflatedBytes} bytes, the limit of this server`);
      }
      return fail('invalid_gzip', `json_data is not valid gzip data once base64-decoded (${(error as Error).message})`);
    }
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(inflated);
    } catch {
      return fail('invalid_utf8', 'the inflated json_data is not valid UTF-8');
    }
  } else {
    text = jsonData;
  }

  let payload: unknown;
  try {
    payload = JSON.parse(text);
  } catch (error) {
    return fail('invalid_json', `json_data is not valid JSON: ${(error as Error).message}`);
  }
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
    return fail('not_an_object', 'json_data must hold a JSON object (the template payload)');
  }
  return {
    ok: true,
    value: {
      payload: payload as Record<string, unknown>,
      compression: compression.value,
      ...(gzipped ? { gzipped } : {}),
      receivedBytes,
      jsonBytes: compression.value === 'GZIP' ? Buffer.byteLength(text, 'utf8') : receivedBytes,
    },
  };
}

import { gunzipSync } from 'node:zlib';
import { MAX_INFLATED_BYTES, readCompression, type Compression } from '../payload/decode-push.js';
import { issue, type Checked } from '../validation-issue.js';

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

export interface DecodedCsv {
  text: string;
  compression: Compression;
}

/**
 * Turns `csv_data` into the CSV text: base64 always (line breaks tolerated, as `base64` wraps at
 * 76 columns), gunzip when `compression_type` is GZIP (inflated size capped), then strict UTF-8.
 * Each failure is one clear issue on `csv_data`.
 */
export function decodeCsvData(csvData: string, compressionType: unknown, maxInflatedBytes = MAX_INFLATED_BYTES): Checked<DecodedCsv> {
  const fail = (code: string, message: string): Checked<DecodedCsv> => ({ ok: false, issues: [issue('csv_data', code, message)] });
  const compression = readCompression(compressionType);
  if (!compression.ok) return compression;
  const compact = csvData.replace(/\s+/g, '');
  if (compact === '') return fail('empty', 'csv_data is empty: send the CSV file, base64-encoded');
  if (compact.length % 4 === 1 || !BASE64.test(compact)) {
    return fail('invalid_base64', 'csv_data is not valid base64 (the CSV file must be base64-encoded, e.g. with `base64 file.csv`)');
  }
  let bytes = Buffer.from(compact, 'base64');
  if (compression.value === 'GZIP') {
    try {
      bytes = gunzipSync(bytes, { maxOutputLength: maxInflatedBytes });
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (code === 'ERR_BUFFER_TOO_LARGE' || error instanceof RangeError) {
        return fail('too_large', `csv_data inflates to more than ${maxInflatedBytes} bytes, the limit of this server`);
      }
      return fail('invalid_gzip', `csv_data is not valid gzip data once base64-decoded (${(error as Error).message})`);
    }
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    return fail('invalid_utf8', 'the CSV file is not valid UTF-8 (save it as UTF-8)');
  }
  if (text.replace(/^\uFEFF/, '').trim() === '') return fail('empty', 'the CSV file is empty: it needs a header row and at least one data row');
  return { ok: true, value: { text, compression: compression.value } };
}

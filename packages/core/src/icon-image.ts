import { MAX_ICON_BYTES, type IconMimeType } from '@accessgraph/contract';
import { issue, type Checked } from './validation-issue.js';

export interface IconImage {
  mimeType: IconMimeType;
  /** Canonical base64 (no line breaks), as stored and returned. */
  base64: string;
}

const PNG_MAGIC = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * Checks an uploaded provider icon: base64 (line breaks and spaces tolerated, as Veza's own
 * connectors wrap it at 76 columns), at most 64 KB decoded, and really a PNG or an SVG.
 */
export function decodeIcon(text: string, path = 'icon_base64'): Checked<IconImage> {
  const bad = (code: string, message: string): Checked<IconImage> => ({
    ok: false,
    issues: [issue(path, code, message)],
  });
  const compact = text.replace(/\s+/g, '');
  if (compact.length === 0) return bad('empty', 'icon is empty');
  if (!BASE64.test(compact)) return bad('invalid_base64', 'icon is not valid base64 (standard alphabet)');
  const bytes = Buffer.from(compact, 'base64');
  if (bytes.length > MAX_ICON_BYTES) {
    return bad('too_large', `icon is ${bytes.length} bytes; the limit is ${MAX_ICON_BYTES} bytes (64 KB)`);
  }
  if (isPng(bytes)) return { ok: true, value: { mimeType: 'image/png', base64: compact } };
  const svgProblem = svgIssue(bytes);
  if (svgProblem === undefined) return { ok: true, value: { mimeType: 'image/svg+xml', base64: compact } };
  return bad('not_an_image', svgProblem);
}

function isPng(bytes: Buffer): boolean {
  // The signature, then the IHDR chunk every PNG starts with.
  return bytes.length >= 24 && bytes.subarray(0, 8).equals(PNG_MAGIC) && bytes.toString('latin1', 12, 16) === 'IHDR';
}

function svgIssue(bytes: Buffer): string | undefined {
  const notImage = 'icon is neither a PNG nor an SVG image';
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return notImage;
  }
  // An SVG may open with a BOM, an XML declaration, comments and a doctype before <svg.
  const head = text.replace(/^\uFEFF/, '').replace(/<\?xml[\s\S]*?\?>|<!--[\s\S]*?-->|<!DOCTYPE[^>]*>/gi, '');
  const selfClosing = /^\s*<svg\b[^>]*\/>\s*$/i.test(head);
  const closed = /^\s*<svg[\s>]/i.test(head) && /<\/svg\s*>\s*$/i.test(head);
  if (!selfClosing && !closed) return notImage;
  // Icons are shown in a browser: refuse active content rather than trust every viewer to sandbox
  // it. Character references are decoded first so `&#106;avascript:` cannot slip through.
  if (/<script[\s>/]|<[^>]*[\s/]on[a-z]+\s*=|javascript:/i.test(decodeCharacterReferences(text))) {
    return 'SVG icon may not contain scripts or event handlers';
  }
  return undefined;
}

function decodeCharacterReferences(text: string): string {
  return text.replace(/&#x([0-9a-f]+);?|&#(\d+);?/gi, (reference, hex: string | undefined, dec: string | undefined) => {
    const codePoint = hex !== undefined ? parseInt(hex, 16) : Number(dec);
    return codePoint <= 0x10ffff ? String.fromCodePoint(codePoint) : reference;
  });
}

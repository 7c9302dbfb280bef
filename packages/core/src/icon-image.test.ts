import { deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { decodeIcon, type IconImage } from './icon-image.js';

/** The limit from the spec (section 2.3): a decoded size above 64 KiB is refused. */
const LIMIT = 64 * 1024;

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes: Buffer): number {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** A real, decodable 1x1 RGBA PNG built from its parts. */
function tinyPng(): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(1, 0); // width
  ihdr.writeUInt32BE(1, 4); // height
  ihdr.writeUInt8(8, 8); // bit depth
  ihdr.writeUInt8(6, 9); // colour type RGBA
  const pixels = Buffer.from([0, 0x33, 0x66, 0x99, 0xff]); // filter byte + one pixel
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(pixels)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

const SVG = '<svg xmlns="http://www.w3.org/2000/svg" width="16" height="16"><rect width="16" height="16" fill="#369"/></svg>';

const b64 = (data: Buffer | string) => (typeof data === 'string' ? Buffer.from(data, 'utf8') : data).toString('base64');

/** Python's base64.encodebytes: lines of 76 characters, each ending in a newline. */
const wrap76 = (base64: string) => base64.replace(/.{1,76}/g, '$&\n');

/** An SVG of exactly `size` bytes, padded inside a comment. */
function svgOfSize(size: number): string {
  const open = '<svg xmlns="http://www.w3.org/2000/svg"><!--';
  const close = '--></svg>';
  return open + 'x'.repeat(size - open.length - close.length) + close;
}

function accepted(text: string): IconImage {
  const result = decodeIcon(text);
  if (!result.ok) throw new Error(`expected the icon to be accepted: ${JSON.stringify(result.issues)}`);
  return result.value;
}

/** Decodes an icon that must be refused with `code`; returns the issue's message. */
function refused(text: string, code: string): string {
  const result = decodeIcon(text);
  if (result.ok) throw new Error(`expected the icon to be refused, got ${result.value.mimeType}`);
  expect(result.issues).toEqual([{ path: 'icon_base64', code, message: expect.any(String) }]);
  return result.issues[0]!.message;
}

describe('decodeIcon: PNG', () => {
  it('accepts a real PNG as image/png and returns its base64 unchanged', () => {
    const base64 = b64(tinyPng());
    expect(accepted(base64)).toEqual({ mimeType: 'image/png', base64 });
  });

  it('recognises a PNG by its signature and IHDR chunk alone', () => {
    const head = tinyPng().subarray(0, 24);
    expect(accepted(b64(head)).mimeType).toBe('image/png');
  });

  it('refuses the PNG signature without an IHDR chunk', () => {
    const fake = Buffer.concat([tinyPng().subarray(0, 8), Buffer.alloc(24)]);
    refused(b64(fake), 'not_an_image');
  });

  it('refuses a PNG signature that is off by one byte', () => {
    const png = tinyPng();
    png[1] = 0x51;
    refused(b64(png), 'not_an_image');
  });

  it('refuses a PNG cut short before the end of the IHDR header', () => {
    refused(b64(tinyPng().subarray(0, 20)), 'not_an_image');
  });
});

describe('decodeIcon: SVG', () => {
  it('accepts a plain SVG as image/svg+xml', () => {
    const base64 = b64(SVG);
    expect(accepted(base64)).toEqual({ mimeType: 'image/svg+xml', base64 });
  });

  it.each([
    ['an XML declaration', `<?xml version="1.0" encoding="UTF-8"?>\n${SVG}`],
    ['a leading comment', `<!-- Generator: hand -->\n${SVG}`],
    ['a doctype', `<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">${SVG}`],
    ['a UTF-8 byte order mark', `\uFEFF${SVG}`],
    ['BOM, declaration, comment and doctype together', `\uFEFF<?xml version="1.0"?>\n<!-- x -->\n<!DOCTYPE svg>\n${SVG}`],
    ['a trailing comment and newline', `${SVG}\n<!-- end -->\n`],
    ['an upper-case root element', SVG.replace('<svg', '<SVG').replace('</svg>', '</SVG>')],
    ['a self-closing root', '<svg xmlns="http://www.w3.org/2000/svg" />'],
    ['non-ASCII text', '<svg xmlns="http://www.w3.org/2000/svg"><title>Café ☕</title></svg>'],
  ])('accepts an SVG with %s', (_what, svg) => {
    expect(accepted(b64(svg)).mimeType).toBe('image/svg+xml');
  });

  it.each([
    ['a <script> element', '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'],
    ['an upper-case <SCRIPT> element', '<svg xmlns="http://www.w3.org/2000/svg"><SCRIPT type="text/javascript">x()</SCRIPT></svg>'],
    ['an onload= handler on the root', '<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"></svg>'],
    ['an onclick handler on a child', '<svg xmlns="http://www.w3.org/2000/svg"><rect onclick = "x()"/></svg>'],
    ['an ONMOUSEOVER handler after a newline', '<svg xmlns="http://www.w3.org/2000/svg"><rect\nONMOUSEOVER="x()"/></svg>'],
    ['a javascript: link', '<svg xmlns="http://www.w3.org/2000/svg"><a href="javascript:alert(1)"><rect/></a></svg>'],
  ])('refuses an SVG with %s', (_what, svg) => {
    expect(refused(b64(svg), 'not_an_image')).toMatch(/script|event handler/i);
  });

  it('does not mistake an attribute that merely contains "on" for a handler', () => {
    const svg = '<svg xmlns="http://www.w3.org/2000/svg"><polygon points="0,0 1,1"/><text font="mono">x</text></svg>';
    expect(accepted(b64(svg)).mimeType).toBe('image/svg+xml');
  });

  // BUG (reported): the active-content check needs whitespace before `on…=`, but an HTML parser
  // (inline SVG) also treats `/` as an attribute separator, so this handler slips through.
  it('refuses an event handler separated by "/" instead of a space', () => {
    refused(b64('<svg xmlns="http://www.w3.org/2000/svg"><svg/onload=alert(1)></svg>'), 'not_an_image');
  });

  // BUG (reported): the javascript: check reads the raw text, so a character reference that any
  // XML parser decodes (&#106; is "j") hides the scheme.
  it('refuses a javascript: link written with a character reference', () => {
    const svg = '<svg xmlns="http://www.w3.org/2000/svg"><a href="&#106;avascript:alert(1)"><rect/></a></svg>';
    refused(b64(svg), 'not_an_image');
  });

  it.each([
    ['text that only mentions <svg later', `hello <svg></svg>`],
    ['an HTML page', '<html><body><svg></svg></body></html>'],
    ['an element named like svg', '<svgfoo></svgfoo>'],
    ['text after the closing tag', `${SVG} trailing`],
  ])('refuses %s', (_what, text) => {
    expect(refused(b64(text), 'not_an_image')).toBe('icon is neither a PNG nor an SVG image');
  });
});

describe('decodeIcon: base64 text', () => {
  it('accepts base64 wrapped at 76 columns (Python encodebytes) and returns it compacted', () => {
    const base64 = b64(svgOfSize(500));
    const wrapped = wrap76(base64);
    expect(wrapped.split('\n').length).toBeGreaterThan(5);
    expect(accepted(wrapped)).toEqual({ mimeType: 'image/svg+xml', base64 });
  });

  it('accepts CRLF line breaks, tabs and spaces anywhere and returns it compacted', () => {
    const base64 = b64(tinyPng());
    const messy = `  ${base64.slice(0, 10)} \t${base64.slice(10, 30)}\r\n${base64.slice(30)}  \n`;
    expect(accepted(messy)).toEqual({ mimeType: 'image/png', base64 });
  });

  it.each([
    ['a character outside the alphabet', `${b64(SVG).slice(0, 8)}$${b64(SVG).slice(9)}`],
    ['the base64url alphabet', Buffer.from([0xfb, 0xff, 0xfe, 0x3e]).toString('base64url')],
    ['missing padding', b64('<svg/>x').replace(/=+$/, '')],
    ['padding in the middle', `QQ==${b64(SVG)}`],
    ['too much padding', `${b64('ab')}=`],
    ['a data: URL prefix', `data:image/svg+xml;base64,${b64(SVG)}`],
  ])('refuses %s as invalid base64', (_what, text) => {
    expect(refused(text, 'invalid_base64')).toContain('not valid base64');
  });

  it.each([
    ['an empty string', ''],
    ['only whitespace', ' \n\t\r\n '],
  ])('refuses %s as empty', (_what, text) => {
    refused(text, 'empty');
  });

  it('uses the given path in its issues', () => {
    const result = decodeIcon('', 'body.icon_base64');
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.issues[0]!.path).toBe('body.icon_base64');
  });
});

describe('decodeIcon: size', () => {
  it('accepts an icon of exactly 64 KiB decoded', () => {
    const svg = svgOfSize(LIMIT);
    expect(Buffer.byteLength(svg)).toBe(LIMIT);
    expect(accepted(b64(svg)).mimeType).toBe('image/svg+xml');
  });

  it('accepts exactly 64 KiB even when wrapped at 76 columns', () => {
    const base64 = b64(svgOfSize(LIMIT));
    expect(accepted(wrap76(base64)).base64).toBe(base64);
  });

  it('refuses one byte over 64 KiB with code too_large, naming both sizes', () => {
    const message = refused(b64(svgOfSize(LIMIT + 1)), 'too_large');
    expect(message).toContain(String(LIMIT + 1));
    expect(message).toContain(String(LIMIT));
  });

  it('checks the size before the content', () => {
    const bigPng = Buffer.concat([tinyPng(), Buffer.alloc(LIMIT)]);
    refused(b64(bigPng), 'too_large');
    refused(b64('x'.repeat(LIMIT + 10)), 'too_large');
  });

  it('measures the decoded size, not the base64 length', () => {
    // 60 KiB of data is 80 KiB of base64 text, and fits.
    const svg = svgOfSize(60 * 1024);
    expect(b64(svg).length).toBeGreaterThan(LIMIT);
    expect(accepted(b64(svg)).mimeType).toBe('image/svg+xml');
  });
});

describe('decodeIcon: not an image', () => {
  it.each([
    ['plain text', b64('just some text, not a picture')],
    ['JSON', b64('{"icon":"<svg></svg>"}')],
    ['JPEG magic', b64(Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01]))],
    ['GIF magic', b64('GIF89a\x01\x00\x01\x00')],
    ['random binary', b64(Buffer.from([0x00, 0x01, 0x02, 0xc3, 0x28, 0xa0, 0xa1]))],
  ])('refuses %s with code not_an_image', (_what, text) => {
    expect(refused(text, 'not_an_image')).toBe('icon is neither a PNG nor an SVG image');
  });
});

/** Test images for the icon endpoints. */

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/**
 * A PNG of exactly `size` bytes: the signature and a 1x1 IHDR chunk, padded with zeros (the
 * server checks the signature, the IHDR chunk and the size, not the pixels).
 */
export function pngBytes(size = 67): Buffer {
  const head = Buffer.from([
    ...PNG_SIGNATURE,
    0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, // IHDR, 13 bytes of data
    0, 0, 0, 1, 0, 0, 0, 1, 8, 6, 0, 0, 0,
    0x1f, 0x15, 0xc4, 0x89, // CRC
  ]);
  if (size < head.length) throw new Error(`a PNG needs at least ${head.length} bytes`);
  return Buffer.concat([head, Buffer.alloc(size - head.length)]);
}

export function pngBase64(size?: number): string {
  return pngBytes(size).toString('base64');
}

export const SVG = '<svg xmlns="http://www.w3.org/2000/svg" width="16" height="16"><rect width="16" height="16"/></svg>';

export function svgBase64(svg = SVG): string {
  return Buffer.from(svg, 'utf8').toString('base64');
}

/** Base64 wrapped at 76 columns, as Python's `base64.encodebytes` (used by Veza's connectors) writes it. */
export function wrap76(base64: string): string {
  return `${base64.replace(/.{76}/g, '$&\n')}\n`;
}

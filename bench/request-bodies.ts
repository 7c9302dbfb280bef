import { gzipSync } from 'node:zlib';

export type Compression = 'none' | 'GZIP';

/** A payload's `json_data`, ready to splice into push bodies: the JSON string literal, quotes included. */
export interface EncodedPayload {
  /** Size of the payload JSON. */
  payloadBytes: number;
  jsonData: Record<Compression, Buffer>;
}

/**
 * Encodes the payload text both ways a connector sends it: as is, and as oaaclient does by
 * default, base64 of gzip at level 9 (Python's gzip.compress).
 */
export function encodePayload(payloadText: string): EncodedPayload {
  const gzipped = gzipSync(payloadText, { level: 9 });
  return {
    payloadBytes: Buffer.byteLength(payloadText),
    jsonData: {
      none: Buffer.from(JSON.stringify(payloadText)),
      GZIP: Buffer.from(JSON.stringify(gzipped.toString('base64'))),
    },
  };
}

/** The request body of `:push` as oaaclient builds it: ids, json_data, compression_type, priority_push. */
export function pushBody(encoded: EncodedPayload, compression: Compression, providerId: string, dataSourceId: string): Buffer {
  const head = `{"id":${JSON.stringify(providerId)},"data_source_id":${JSON.stringify(dataSourceId)},"json_data":`;
  const tail = `,"compression_type":${JSON.stringify(compression)},"priority_push":false}`;
  return Buffer.concat([Buffer.from(head), encoded.jsonData[compression], Buffer.from(tail)]);
}

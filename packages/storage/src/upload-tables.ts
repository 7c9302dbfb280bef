/**
 * Shapes of the multipart upload tables (migration 0009). Ids are lower-case UUIDs; times are
 * ISO-8601 UTC text made by the app.
 */
export interface UploadTables {
  uploads: UploadRow;
  upload_parts: UploadPartRow;
}

export interface UploadRow {
  id: string;
  data_source_id: string;
  created_at: string;
  /** The last start, chunk or completion: idle uploads expire from it. */
  touched_at: string;
  /** When `complete` took the chunks; null while the upload takes chunks. */
  completed_at: string | null;
}

export interface UploadPartRow {
  upload_id: string;
  /** 1..99, checked by the service. */
  sequence_number: number;
  /** The chunk's raw bytes, as decoded from base64. */
  data: Uint8Array;
  size_bytes: number;
}

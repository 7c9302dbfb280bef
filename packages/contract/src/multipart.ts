import { Type, type Static } from '@sinclair/typebox';
import { PushWarning } from './push.js';
import { StringEnum } from './string-enum.js';

/** Highest `sequence_number` of a multipart upload: at most 99 chunks (spec §2.7). */
export const MAX_UPLOAD_PARTS = 99;

export const PARTS_OPERATIONS = ['start', 'upload', 'complete'] as const;

/**
 * Body of `POST .../datasources/{data_source_id}:parts` (spec §2.7): one of three operations.
 * `start` carries nothing else; `upload` carries `upload_id`, `sequence_number` and `data`;
 * `complete` carries `upload_id` and `sequence_count`. Which fields an operation needs is
 * checked by the server, which names the missing one.
 */
export const PartsRequest = Type.Object(
  {
    operation: StringEnum(PARTS_OPERATIONS, { description: 'start, upload or complete.' }),
    upload_id: Type.Optional(Type.String({ description: 'upload and complete: the id that start answered.' })),
    sequence_number: Type.Optional(
      Type.Integer({ minimum: 1, maximum: MAX_UPLOAD_PARTS, description: 'upload: the chunk\'s place, 1..99; a re-upload of a number replaces it.' }),
    ),
    data: Type.Optional(Type.String({ description: 'upload: base64 of the chunk\'s raw bytes.' })),
    sequence_count: Type.Optional(
      Type.Integer({ minimum: 1, maximum: MAX_UPLOAD_PARTS, description: 'complete: how many chunks, numbered 1..sequence_count.' }),
    ),
  },
  { additionalProperties: false },
);
export type PartsRequest = Static<typeof PartsRequest>;

/**
 * Answer of `:parts`, never with a `value` key (oaaclient would unwrap it): `start` answers
 * `{"upload_id": "..."}`, `upload` answers `{}`, `complete` answers what `:push` answers,
 * `{"warnings": [...]}`.
 */
export const PartsResponse = Type.Object({
  upload_id: Type.Optional(Type.String({ description: 'start: the new upload\'s id.' })),
  warnings: Type.Optional(Type.Array(PushWarning, { description: 'complete: the warnings of the push.' })),
});
export type PartsResponse = Static<typeof PartsResponse>;

import { Type, type Static } from '@sinclair/typebox';

/**
 * Body of `POST .../datasources/{data_source_id}:push_csv` (spec §2.6). The CSV is mapped onto the
 * provider's template by its `csv_mapping_configuration`, then pushed as `:push` pushes a payload.
 */
export const CsvPushRequest = Type.Object(
  {
    id: Type.Optional(Type.String({ description: 'Provider id; when present it must equal the path.' })),
    data_source_id: Type.Optional(Type.String({ description: 'Data source id; when present it must equal the path.' })),
    csv_data: Type.String({
      description: 'The CSV file (UTF-8, first row the header) in base64; with compression_type GZIP, base64 of the gzipped file.',
    }),
    name: Type.Optional(
      Type.String({ description: 'For this push, the application, identity provider or HRIS name instead of the configured one.' }),
    ),
    type: Type.Optional(
      Type.String({ description: 'For this push, the application_type, idp_type or hris_type instead of the configured one.' }),
    ),
    compression_type: Type.Optional(
      Type.Union([Type.String(), Type.Integer()], { description: 'none (default) or GZIP, any case; or 0 / 1.' }),
    ),
    priority_push: Type.Optional(Type.Boolean({ description: 'Accepted; pushes are processed at once anyway.' })),
  },
  { additionalProperties: false },
);
export type CsvPushRequest = Static<typeof CsvPushRequest>;

import { Type, type Static } from '@sinclair/typebox';

const open = { additionalProperties: false } as const;

/** One CSV column mapped to a built-in or custom property. */
export const CsvColumnMapping = Type.Object(
  {
    column_name: Type.String({ minLength: 1 }),
    destination_type: Type.Optional(Type.String()),
    destination_property: Type.Optional(Type.String()),
    custom_property: Type.Optional(
      Type.Object(
        {
          name: Type.String(),
          type: Type.Optional(Type.Union([Type.Integer(), Type.String()])),
          lcm_unique_identifier: Type.Optional(Type.Boolean()),
        },
        open,
      ),
    ),
    as_list: Type.Optional(Type.Boolean()),
    template: Type.Optional(Type.String()),
    property_type: Type.Optional(Type.Union([Type.Integer(), Type.String()])),
    is_required: Type.Optional(Type.Boolean()),
  },
  open,
);

/**
 * How `:push_csv` maps a CSV file onto a template (Veza's `csv_mapping_configuration`). Stored
 * with the provider; the CSV push reads it.
 */
export const CsvMappingConfiguration = Type.Object(
  {
    template_type: Type.Optional(Type.String()),
    column_mappings: Type.Optional(Type.Array(CsvColumnMapping)),
    application: Type.Optional(
      Type.Object(
        {
          application_name: Type.Optional(Type.String()),
          application_type: Type.Optional(Type.String()),
          identity: Type.Optional(Type.Array(Type.String())),
          resource_type: Type.Optional(Type.String()),
          okta_app_id: Type.Optional(Type.String()),
        },
        open,
      ),
    ),
    advanced: Type.Optional(Type.Object({ list_delimiter: Type.Optional(Type.String()) }, open)),
    idp: Type.Optional(
      Type.Object({ idp_type: Type.Optional(Type.String()), domain: Type.Optional(Type.String()) }, open),
    ),
    hris: Type.Optional(
      Type.Object(
        {
          hris_name: Type.Optional(Type.String()),
          hris_type: Type.Optional(Type.String()),
          hris_url: Type.Optional(Type.String()),
          // Veza's identity-mapping object has many optional, enum-coded fields; it is kept as sent.
          hris_identity_mapping: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
          hris_provisioning_source: Type.Optional(Type.Boolean()),
        },
        open,
      ),
    ),
  },
  open,
);
export type CsvMappingConfiguration = Static<typeof CsvMappingConfiguration>;

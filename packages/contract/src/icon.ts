import { Type, type Static } from '@sinclair/typebox';
import { StringEnum } from './string-enum.js';

/** Largest decoded icon, in bytes ("less than 64kb" in the OAA docs). */
export const MAX_ICON_BYTES = 64 * 1024;

export const ICON_MIME_TYPES = ['image/png', 'image/svg+xml'] as const;
export const IconMimeType = StringEnum(ICON_MIME_TYPES);
export type IconMimeType = Static<typeof IconMimeType>;

/** Body of `POST /api/v1/providers/custom/{id}:icon`. */
export const IconUpload = Type.Object(
  {
    id: Type.Optional(Type.String({ description: 'The provider id; must equal the path when present.' })),
    icon_base64: Type.String({
      minLength: 1,
      description: 'PNG or SVG, base64; line breaks and spaces inside are ignored.',
    }),
  },
  { additionalProperties: false },
);
export type IconUpload = Static<typeof IconUpload>;

/** Answer of `GET /api/v1/providers/custom/{id}:icon` (no `value` wrapper, as in the docs). */
export const Icon = Type.Object({ mime_type: IconMimeType, icon_base64: Type.String() }, {});
export type Icon = Static<typeof Icon>;

/** Answer of `GET /api/v1/providers/custom:icon`. */
export const IconByType = Type.Object(
  { mime_type: IconMimeType, icon_base64: Type.String(), provider_id: Type.String() },
  {},
);
export type IconByType = Static<typeof IconByType>;

export const IconByTypeQuery = Type.Object(
  {
    custom_schema_type: Type.Optional(
      Type.String({ description: 'An application_type, idp_type or hris_type a push declared.' }),
    ),
    node_type: Type.Optional(Type.String({ description: 'A resource_type a push declared.' })),
    app_or_idp_type: Type.Optional(Type.String({ description: 'Deprecated alias of custom_schema_type.' })),
  },
  { additionalProperties: false },
);
export type IconByTypeQuery = Static<typeof IconByTypeQuery>;

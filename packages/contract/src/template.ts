import { Type, type Static } from '@sinclair/typebox';
import { CustomTemplate } from './provider.js';

/** One OAA template, as listed by `GET /api/v1/providers/custom/templates`. */
export const Template = Type.Object({
  id: CustomTemplate,
  name: Type.String(),
  description: Type.String(),
});
export type Template = Static<typeof Template>;

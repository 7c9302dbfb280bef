import { Type, type Static } from '@sinclair/typebox';

/** Answer of `GET /healthz`. */
export const Health = Type.Object({
  status: Type.Union([Type.Literal('ok'), Type.Literal('unavailable')]),
  version: Type.String(),
  storage: Type.String({ description: 'sqlite or postgres' }),
});
export type Health = Static<typeof Health>;

import { Type, type Static, type TSchema } from '@sinclair/typebox';

/** `{"value": T}`: how every single object is returned (oaaclient unwraps `value`). */
export function ValueEnvelope<T extends TSchema>(item: T) {
  return Type.Object({ value: item });
}

/**
 * `{"values": [T], "next_page_token", "has_more"}`: how every list is returned. oaaclient keeps
 * requesting with `page_token = next_page_token` while `has_more` is true.
 */
export function ValuesEnvelope<T extends TSchema>(item: T) {
  return Type.Object({
    values: Type.Array(item),
    next_page_token: Type.String({ description: 'Pass as page_token for the next page; "" on the last.' }),
    has_more: Type.Boolean(),
  });
}

/** A list whose total can be asked for (`total=true`): `total_count` is every row of the answer, counted by a full pass. */
export function CountedValuesEnvelope<T extends TSchema>(item: T) {
  return Type.Intersect([ValuesEnvelope(item), Type.Object({ total_count: Type.Optional(Type.Integer({ description: 'Every row of the answer, with total=true.' })) })]);
}

/** The `total` query parameter of a list that can count its answer. */
export const TotalParam = Type.Optional(Type.Boolean({ description: 'Also count every row of the answer (total_count); costs a full pass over it. true or false (also True / False, TRUE / FALSE, 1 / 0).' }));

/** The empty object answered by deletes (Veza answers `{}`; oaaclient expects a dict). */
export const EmptyObject = Type.Object({}, { additionalProperties: false });
export type EmptyObject = Static<typeof EmptyObject>;

/** Default and largest page size of every list. */
export const DEFAULT_PAGE_SIZE = 100;
export const MAX_PAGE_SIZE = 1000;

/** Query parameters shared by the OAA list endpoints. */
export const ListQuery = Type.Object(
  {
    filter: Type.Optional(
      Type.String({
        description:
          'Expression such as `name eq "GitHub"`: field op value, joined by and/or; ' +
          'operators eq, ne, co (contains), sw (starts with); comparisons ignore case.',
      }),
    ),
    order_by: Type.Optional(
      Type.String({ description: 'Comma-separated `field [asc|desc]`, e.g. `state, name desc`.' }),
    ),
    page_size: Type.Optional(
      Type.Integer({
        minimum: 0,
        description: `Rows per page; 0 or absent means ${DEFAULT_PAGE_SIZE}; above ${MAX_PAGE_SIZE} is lowered to ${MAX_PAGE_SIZE}.`,
      }),
    ),
    page_token: Type.Optional(Type.String({ description: 'next_page_token of the previous page.' })),
  },
  { additionalProperties: false },
);
export type ListQuery = Static<typeof ListQuery>;

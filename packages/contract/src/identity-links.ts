import { Type, type Static } from '@sinclair/typebox';

/** One end of an identity link: a node of a data source. */
export const LinkEnd = Type.Object({
  data_source_id: Type.String(),
  type: Type.String({ description: 'local_user, local_group, idp_identity (an idp binding), idp_user, idp_group, hris_employee, resource, ...' }),
  node_type: Type.String({ description: 'Veza-style node type, e.g. OAA.okta.IDPUser.' }),
  key: Type.String({ description: 'The key as pushed: local id or name, IdP identity, employee id, dot path.' }),
  name: Type.String(),
});
export type LinkEnd = Static<typeof LinkEnd>;

/**
 * A link that touches the data source, or (with `unlinked=true`) one of its identity strings
 * that links to nothing: then `to` and `rule` are null and `detail.kind` says what the string is.
 */
export const IdentityLinkRow = Type.Object({
  from: LinkEnd,
  to: Type.Union([LinkEnd, Type.Null()]),
  rule: Type.Union([Type.String({ description: 'identities, idp_binding, mapping, source_identity, hris, owner or manager' }), Type.Null()]),
  via: Type.String({ description: "The referring string as written (an identities entry, a source identity, an employee's email); empty for mapping rules." }),
  detail: Type.Record(Type.String(), Type.Unknown(), { description: 'How it matched: matched, field, mapping, destination, transformations, provider_type, node_type; for unlinked rows, kind.' }),
});
export type IdentityLinkRow = Static<typeof IdentityLinkRow>;

/** Query of `GET .../datasources/{data_source_id}/identity_links`. */
export const IdentityLinksQuery = Type.Object(
  {
    unlinked: Type.Optional(Type.Boolean({ description: 'List the identity strings that link to nothing instead of the links.' })),
    page_size: Type.Optional(Type.Integer({ minimum: 0, description: 'Rows per page; 0 or absent means 100; at most 1000.' })),
    page_token: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
);
export type IdentityLinksQuery = Static<typeof IdentityLinksQuery>;

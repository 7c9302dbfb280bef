import { Type, type Static } from '@sinclair/typebox';
import { PrincipalTypeParam } from './graph-nodes.js';
import { StringEnum } from './string-enum.js';

/**
 * The access review export (issue 6): who can reach an application, a resource or a whole
 * application data source, one flat row per (principal, target, person behind the principal),
 * in the same shape as JSON and as CSV.
 */

const text = (description: string) => Type.String({ description });
const nullableText = (description: string) => Type.Union([Type.String(), Type.Null()], { description });
const list = (description: string) => Type.Array(Type.String(), { description: `${description} In CSV, joined with "; ".` });

/** One line of an access review. The property order is the CSV column order. */
export const AccessReviewRow = Type.Object({
  identity: text("Who has the access: the key of the IdP user (or IdP group) the principal is linked to; the principal's own key when it is linked to none."),
  display_name: text("The IdP identity's full name, else its name; the principal's name when it is linked to none."),
  email: nullableText("The IdP user's email, else the local user's."),
  manager: nullableText("The display name (full name, else name) of the IdP user's manager (manager_id), else of its HRIS employee's manager."),
  manager_identity: nullableText('The key of that manager: an IdP identity or an HRIS employee id.'),
  hr_status: nullableText("The employment_status of the HRIS employee linked to the IdP user (the first by data source and key when there are several)."),
  terminated: Type.Boolean({ description: 'A linked HRIS employee is terminated (status TERMINATED in any case, or a termination_date that has passed).' }),
  active: Type.Union([Type.Boolean(), Type.Null()], { description: "The IdP user's is_active (null when the identity provider does not say, and for groups); for a principal linked to none, its own is_active." }),
  last_login_at: nullableText("The local account's last_login_at as the application reports it; null for groups, credentials and idp bindings, and when not reported."),
  sso_last_login_at: nullableText("The local account's last sign-in to the application through Okta SSO (from imported Okta System Log activity); null when none is known. With last_login_at, what a dormant-account review reads."),
  application: text('The application the target belongs to (the target itself for an application).'),
  resource: nullableText('The resource key (dot path for a sub-resource); null when the target is the application itself.'),
  permissions: list('Local permissions held on the target, sorted.'),
  canonical_types: list('Their canonical types (DataRead, ...), sorted.'),
  via: list('How each permission is held, one entry per path: "<permission>: direct", or a list of "linked local account Z", "group X", "credential X", "role Y", "inherited from W".'),
  principal: text("The data source's own principal that holds the access: a local user, group, credential or idp binding identity, by key."),
  principal_type: text('local_user, local_group, access_cred or idp_identity.'),
  principal_name: text("The principal's name."),
  identity_type: text("What `identity` is: idp_user, idp_group, or the principal's own type when it is linked to none."),
  identity_data_source_id: text('The data source of `identity`: an identity provider, or the application data source itself.'),
  employee: nullableText('The id of the HRIS employee linked to the IdP user (the one whose hr_status is shown).'),
  data_source_id: text('The application data source.'),
});
export type AccessReviewRow = Static<typeof AccessReviewRow>;

/** The CSV columns, in order: the row's properties. */
export const ACCESS_REVIEW_COLUMNS = Object.keys(AccessReviewRow.properties) as Array<keyof AccessReviewRow>;

/** Query of both access review endpoints. */
export const AccessReviewQuery = Type.Object(
  {
    format: Type.Optional(
      StringEnum(['json', 'csv'], {
        description: 'json (the default): pages of rows. csv: the whole answer as one streamed CSV file (page_size is not used, page_token is refused).',
      }),
    ),
    principal_type: PrincipalTypeParam,
    permission: Type.Optional(Type.String({ description: 'Only this local permission, any case.' })),
    canonical_type: Type.Optional(Type.String({ description: 'Only permissions of this canonical type: DataRead, DATA_READ and data_read alike.' })),
    terminated_only: Type.Optional(Type.Boolean({ description: 'Only rows whose person is terminated in the HRIS.' })),
    inactive_only: Type.Optional(Type.Boolean({ description: 'Only rows whose active is false: an inactive IdP user, or a principal linked to none that is inactive itself.' })),
    page_size: Type.Optional(Type.Integer({ minimum: 0, description: 'Rows per page (JSON); 0 or absent means 100; at most 1000.' })),
    page_token: Type.Optional(Type.String({ description: 'next_page_token of the previous page (JSON).' })),
    total: Type.Optional(Type.Boolean({ description: 'With format=json: also count every row of the review (total_count); costs a full pass.' })),
  },
  { additionalProperties: false },
);
export type AccessReviewQuery = Static<typeof AccessReviewQuery>;

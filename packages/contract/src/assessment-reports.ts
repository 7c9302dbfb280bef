import { Type, type Static } from '@sinclair/typebox';
import { Opt } from './nullable.js';
import { BooleanFlag, EnumValue } from './saved-queries.js';

/*
 * Reports of Veza's assessments API (preview, spec §14.3): a named, ordered list of saved
 * queries. oaaclient's update_report re-sends the object its GET returned, so a body accepts the
 * server's own fields (id, which must match the path; timestamps and created_by, ignored) and
 * `queries` entries as the GET expands them (`{query, name}`); other fields are stored and echoed.
 */

const open = { additionalProperties: true } as const;

/** One query of a report: `{query: "<saved query id>"}` (more fields, as a GET answers them, are ignored). */
export const ReportQueryEntry = Type.Object({ query: Type.String({ minLength: 1, description: 'Id of a saved query.' }) }, open);

/** Body of `POST /api/preview/assessments/reports` and `PUT .../reports/{report_id}`. */
export const ReportWriteBody = Type.Object(
  {
    id: Opt(Type.String({ description: 'Optional; on PUT it must be the id in the path.' })),
    name: Type.String({ minLength: 1, maxLength: 256, description: 'Required; at most 256 characters.' }),
    description: Opt(Type.String()),
    category: Opt(EnumValue),
    version: Opt(Type.Integer()),
    queries: Opt(Type.Array(ReportQueryEntry, { description: 'Saved queries in order; a repeated id is kept once. Absent or null: none.' })),
  },
  { ...open, description: 'Other fields are stored and echoed; created_at, updated_at and created_by are the server\'s and are ignored when sent.' },
);
export type ReportWriteBody = Static<typeof ReportWriteBody>;

/** A report as answered. */
export const AssessmentReport = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    description: Type.String(),
    category: Type.Unsafe<string | number>({ type: ['string', 'integer'] }),
    version: Type.Integer(),
    queries: Type.Array(Type.Object({ query: Type.String({ description: 'Id of the saved query.' }), name: Type.String({ description: 'Its name.' }) })),
    created_by: Type.String({ description: 'Id of the API key that created it.' }),
    created_at: Type.String({ format: 'date-time' }),
    updated_at: Type.String({ format: 'date-time' }),
  },
  { ...open, description: 'Every other field the client sent is echoed too.' },
);
export type AssessmentReport = Static<typeof AssessmentReport>;

/** `{report_id}` path parameter. */
export const ReportParams = Type.Object({ report_id: Type.String() });
export type ReportParams = Static<typeof ReportParams>;

/** `{report_id}` and `{query_id}` path parameters. */
export const ReportQueryParams = Type.Object({ report_id: Type.String(), query_id: Type.String() });
export type ReportQueryParams = Static<typeof ReportQueryParams>;

const includeInactiveQueries = Type.Optional(BooleanFlag('Accepted (oaaclient sends it); changes nothing here.'));

/** Query of `GET /api/preview/assessments/reports`. */
export const ReportListQuery = Type.Object(
  {
    include_inactive_reports: Type.Optional(BooleanFlag('Accepted (oaaclient sends it); changes nothing here.')),
    include_inactive_queries: includeInactiveQueries,
    page_size: Type.Optional(Type.Integer({ minimum: 0, description: 'Rows per page; 0 or absent means 100; at most 1000.' })),
    page_token: Type.Optional(Type.String({ description: 'next_page_token of the previous page.' })),
  },
  { additionalProperties: false },
);
export type ReportListQuery = Static<typeof ReportListQuery>;

/** Query of `GET /api/preview/assessments/reports/{report_id}`. */
export const ReportGetQuery = Type.Object({ include_inactive_queries: includeInactiveQueries }, { additionalProperties: false });

import type { AssessmentReport, ReportWriteBody, SavedQuery, SavedQueryCreate } from '@accessgraph/contract';
import type { ReportRecord, SavedQueryRecord } from '@accessgraph/storage';

/**
 * How saved queries and reports are stored from a client's body and answered from the store:
 * the client's fields are kept as sent (unknown ones too) and echoed; the server's own fields
 * (ids, times, creator, derived types) are never taken from a body, because oaaclient re-sends
 * what a GET returned and a copy from another server carries that server's values.
 */

export const DEFAULT_QUERY_TYPE = 'SOURCE_TO_DESTINATION';
export const DEFAULT_VISIBILITY = 'PRIVATE';

/** Fields of a saved query that the server owns; a body's values for them are dropped. */
const SERVER_QUERY_FIELDS = ['id', 'created_at', 'updated_at', 'created_by', 'source_type', 'destination_types'];
/** Fields of a report that the server owns or keeps apart (name and queries have columns of their own). */
const SERVER_REPORT_FIELDS = ['id', 'name', 'queries', 'created_at', 'updated_at', 'created_by'];

/** The spec to store: the body without the server's fields, with query_type and visibility defaulted. */
export function savedQuerySpec(body: SavedQueryCreate): Record<string, unknown> {
  const spec: Record<string, unknown> = without(body, SERVER_QUERY_FIELDS);
  spec.query_type ??= DEFAULT_QUERY_TYPE;
  spec.visibility ??= DEFAULT_VISIBILITY;
  return spec;
}

/** A saved query as answered: its spec echoed, then the server's fields. */
export function savedQueryView(record: SavedQueryRecord): SavedQuery {
  const spec = record.spec;
  return {
    ...spec,
    id: record.id,
    name: record.name,
    description: typeof spec.description === 'string' ? spec.description : '',
    labels: stringsOf(spec.labels),
    query_type: enumOf(spec.query_type) ?? DEFAULT_QUERY_TYPE,
    visibility: enumOf(spec.visibility) ?? DEFAULT_VISIBILITY,
    created_by: record.createdBy,
    owners: Array.isArray(spec.owners) ? (spec.owners as unknown[]) : [],
    integration_types: stringsOf(spec.integration_types),
    source_type: nodeTypesOf(spec.source_node_types)[0] ?? '',
    destination_types: nodeTypesOf(spec.destination_node_types),
    created_at: record.createdAt,
    updated_at: record.updatedAt,
  };
}

/** A report's fields to store: the body without its name, queries and the server's fields. */
export function reportFields(body: ReportWriteBody): Record<string, unknown> {
  return without(body, SERVER_REPORT_FIELDS);
}

/** A report as answered: its fields echoed, then the server's, its queries as `{query, name}`. */
export function reportView(record: ReportRecord): AssessmentReport {
  const fields = record.fields;
  return {
    ...fields,
    id: record.id,
    name: record.name,
    description: typeof fields.description === 'string' ? fields.description : '',
    category: enumOf(fields.category) ?? '',
    version: Number.isInteger(fields.version) ? (fields.version as number) : 0,
    queries: record.queries.map((q) => ({ query: q.id, name: q.name })),
    created_by: record.createdBy,
    created_at: record.createdAt,
    updated_at: record.updatedAt,
  };
}

function without(body: object, fields: readonly string[]): Record<string, unknown> {
  const copy: Record<string, unknown> = { ...(body as Record<string, unknown>) };
  for (const field of fields) delete copy[field];
  return copy;
}

function stringsOf(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

function enumOf(value: unknown): string | number | undefined {
  return typeof value === 'string' || typeof value === 'number' ? value : undefined;
}

/** The `node_type` of each entry of a `{nodes: [...]}` node-types object, in order. */
function nodeTypesOf(value: unknown): string[] {
  const nodes = value !== null && typeof value === 'object' ? (value as { nodes?: unknown }).nodes : undefined;
  if (!Array.isArray(nodes)) return [];
  return nodes.flatMap((n: unknown) => {
    const type = n !== null && typeof n === 'object' ? (n as { node_type?: unknown }).node_type : undefined;
    return typeof type === 'string' && type !== '' ? [type] : [];
  });
}

/**
 * Shapes of the saved-query and report tables (migration 0008). JSON is stored as text; ids are
 * lower-case UUIDs; times are ISO-8601 UTC text made by the app.
 */
export interface AssessmentTables {
  saved_queries: SavedQueryRow;
  reports: ReportRow;
  report_queries: ReportQueryRow;
}

export interface SavedQueryRow {
  id: string;
  name: string;
  /** The client's body (query spec, name, description, labels, unknown fields), as JSON. */
  spec_json: string;
  /** The API key that created it. */
  created_by: string;
  created_at: string;
  updated_at: string;
}

export interface ReportRow {
  id: string;
  name: string;
  /** The report's other fields (description, category, version, unknown fields), as JSON. */
  fields_json: string;
  created_by: string;
  created_at: string;
  updated_at: string;
}

/** A report's query: at most once per report, in `position` order. */
export interface ReportQueryRow {
  report_id: string;
  query_id: string;
  position: number;
}

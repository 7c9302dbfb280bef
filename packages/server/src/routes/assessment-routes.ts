import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import {
  EmptyObject,
  AssessmentReport,
  ReportGetQuery,
  ReportListQuery,
  ReportParams,
  ReportQueryParams,
  ReportWriteBody,
  SavedQuery,
  SavedQueryCreate,
  SavedQueryDeleteQuery,
  SavedQueryGetQuery,
  SavedQueryListQuery,
  SavedQueryParams,
  ValueEnvelope,
  ValuesEnvelope,
} from '@accessgraph/contract';
import type { Writer } from '../services/assessment-service.js';
import type { Services } from '../services/services.js';
import { PATHS } from './paths.js';

/** A saved query or a report is a small JSON document; a megabyte is generous and keeps the database sane. */
export const ASSESSMENT_BODY_LIMIT = 1024 * 1024;

const queryTags = ['Saved queries'];
const reportTags = ['Reports'];

/** The caller of a route that needs a key (the auth hook has set it). */
function writer(request: FastifyRequest): Writer {
  return { keyId: request.caller?.keyId ?? '' };
}

/**
 * Veza's saved queries (`/api/v1/assessments/queries`) and reports
 * (`/api/preview/assessments/reports`), as oaaclient's query and report methods call them.
 */
export const assessmentRoutes: FastifyPluginAsyncTypebox<{ services: Services }> = async (app, { services }) => {
  const { assessments } = services;

  app.post(
    PATHS.savedQueries,
    {
      config: { access: 'writer' },
      bodyLimit: ASSESSMENT_BODY_LIMIT,
      schema: { tags: queryTags, summary: 'Save a query: a query spec with a name, description, labels and visibility', body: SavedQueryCreate, response: { 200: ValueEnvelope(SavedQuery) } },
    },
    (request) => assessments.createQuery(request.body, writer(request)),
  );

  app.get(
    PATHS.savedQueries,
    {
      config: { access: 'reader' },
      schema: { tags: queryTags, summary: 'List saved queries, oldest first', querystring: SavedQueryListQuery, response: { 200: ValuesEnvelope(SavedQuery) } },
    },
    (request) => assessments.listQueries(request.query),
  );

  app.get(
    PATHS.savedQuery,
    {
      config: { access: 'reader' },
      schema: { tags: queryTags, summary: 'Get a saved query', params: SavedQueryParams, querystring: SavedQueryGetQuery, response: { 200: ValueEnvelope(SavedQuery) } },
    },
    (request) => assessments.getQuery(request.params.query_id),
  );

  app.delete(
    PATHS.savedQuery,
    {
      config: { access: 'writer' },
      schema: {
        tags: queryTags,
        summary: 'Delete a saved query; one that a report uses needs force=True, which removes it from the reports too',
        params: SavedQueryParams,
        querystring: SavedQueryDeleteQuery,
        response: { 200: EmptyObject },
      },
    },
    (request) => assessments.deleteQuery(request.params.query_id, request.query.force),
  );

  app.post(
    PATHS.reports,
    {
      config: { access: 'writer' },
      bodyLimit: ASSESSMENT_BODY_LIMIT,
      schema: { tags: reportTags, summary: 'Create a report: a named, ordered list of saved queries', body: ReportWriteBody, response: { 200: ValueEnvelope(AssessmentReport) } },
    },
    (request) => assessments.createReport(request.body, writer(request)),
  );

  app.get(
    PATHS.reports,
    {
      config: { access: 'reader' },
      schema: { tags: reportTags, summary: 'List reports, oldest first, each with its queries', querystring: ReportListQuery, response: { 200: ValuesEnvelope(AssessmentReport) } },
    },
    (request) => assessments.listReports(request.query),
  );

  app.get(
    PATHS.report,
    {
      config: { access: 'reader' },
      schema: { tags: reportTags, summary: 'Get a report with its queries', params: ReportParams, querystring: ReportGetQuery, response: { 200: ValueEnvelope(AssessmentReport) } },
    },
    (request) => assessments.getReport(request.params.report_id),
  );

  app.put(
    PATHS.report,
    {
      config: { access: 'writer' },
      bodyLimit: ASSESSMENT_BODY_LIMIT,
      schema: {
        tags: reportTags,
        summary: 'Replace a report (name, fields, queries); the object a GET returned may be sent back as it is',
        params: ReportParams,
        body: ReportWriteBody,
        response: { 200: ValueEnvelope(AssessmentReport) },
      },
    },
    (request) => assessments.replaceReport(request.params.report_id, request.body, writer(request)),
  );

  app.put(
    PATHS.reportQuery,
    {
      config: { access: 'writer' },
      schema: { tags: reportTags, summary: 'Add a saved query to a report (no body); adding one it has changes nothing', params: ReportQueryParams, response: { 200: ValueEnvelope(AssessmentReport) } },
    },
    (request) => assessments.addQueryToReport(request.params.report_id, request.params.query_id),
  );

  app.delete(
    PATHS.report,
    {
      config: { access: 'writer' },
      schema: { tags: reportTags, summary: 'Delete a report (its saved queries stay)', params: ReportParams, response: { 200: EmptyObject } },
    },
    (request) => assessments.deleteReport(request.params.report_id),
  );
};

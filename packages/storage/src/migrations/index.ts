import type { Migration } from 'kysely';
import type { DialectCapabilities } from '../capabilities.js';
import { foundationMigration } from './0001-foundation.js';
import { graphMigration } from './0002-graph.js';
import { sqliteTablesPerDataSourceMigration } from './0003-sqlite-tables-per-data-source.js';
import { sqliteSecondKeyTablesMigration } from './0004-sqlite-second-key-tables.js';
import { postgresIndexesWithoutLeadingDsMigration } from './0005-postgres-indexes-without-leading-ds.js';
import { identityLinksMigration } from './0006-identity-links.js';
import { graphEdgesToMigration } from './0007-graph-edges-to.js';
import { assessmentsMigration } from './0008-assessments.js';
import { multipartUploadsMigration } from './0009-multipart-uploads.js';
import { oktaSsoActivityMigration } from './0010-okta-sso-activity.js';
import { dataSourceChangesMigration } from './0011-data-source-changes.js';
import { identityRefsByStringMigration } from './0012-identity-refs-by-string.js';
import { sqliteNodeIdsAsRowidsMigration } from './0013-sqlite-node-ids-as-rowids.js';
import { sqliteStatisticsWithoutSamplesMigration } from './0014-sqlite-statistics-without-samples.js';
import { identityLinksHrisIndexMigration } from './0015-identity-links-hris-index.js';

/**
 * Every migration, in order. Names never change once released; a schema change is a new entry.
 * They are listed in code (not read from a folder) so the compiled package needs no file lookups.
 */
export function allMigrations(caps: DialectCapabilities): Record<string, Migration> {
  return {
    '0001-foundation': foundationMigration(caps),
    '0002-graph': graphMigration(caps),
    '0003-sqlite-tables-per-data-source': sqliteTablesPerDataSourceMigration(caps),
    '0004-sqlite-second-key-tables': sqliteSecondKeyTablesMigration(caps),
    '0005-postgres-indexes-without-leading-ds': postgresIndexesWithoutLeadingDsMigration(caps),
    '0006-identity-links': identityLinksMigration(caps),
    '0007-graph-edges-to': graphEdgesToMigration(caps),
    '0008-assessments': assessmentsMigration(caps),
    '0009-multipart-uploads': multipartUploadsMigration(caps),
    '0010-okta-sso-activity': oktaSsoActivityMigration(caps),
    '0011-data-source-changes': dataSourceChangesMigration(caps),
    '0012-identity-refs-by-string': identityRefsByStringMigration(caps),
    '0013-sqlite-node-ids-as-rowids': sqliteNodeIdsAsRowidsMigration(caps),
    '0014-sqlite-statistics-without-samples': sqliteStatisticsWithoutSamplesMigration(caps),
    '0015-identity-links-hris-index': identityLinksHrisIndexMigration(),
  };
}

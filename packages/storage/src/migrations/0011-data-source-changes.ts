import type { Kysely } from 'kysely';
import type { DialectCapabilities } from '../capabilities.js';

/**
 * Incremental pushes that change the graph by difference (docs/architecture.md, "Incremental
 * pushes") leave the stored payload as it was and log themselves instead:
 * - `data_source_changes`: the incremental payloads applied since the last full state, in order
 *   (gzipped JSON). The data source's state is its stored payload with these applied; a push that
 *   stores a whole state clears them. Deleted with the data source.
 * - `data_source_states.delta_basis`: what a change of local users needs to know about the state
 *   besides the rows it touches (`delta-basis.ts`), as JSON, so that it decodes no payload. Null
 *   for states stored before, and for templates that change only as a whole.
 */
export function dataSourceChangesMigration(caps: DialectCapabilities) {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('data_source_changes')
        .addColumn('ds', 'integer', (c) => c.notNull().references('data_sources.seq').onDelete('cascade'))
        .addColumn('seq', 'integer', (c) => c.notNull())
        .addColumn('payload', caps.bytesType, (c) => c.notNull())
        .addColumn('pushed_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('data_source_changes_pk', ['ds', 'seq'])
        .execute();
      await db.schema.alterTable('data_source_states').addColumn('delta_basis', 'text').execute();
    },
    async down(db: Kysely<unknown>): Promise<void> {
      await db.schema.alterTable('data_source_states').dropColumn('delta_basis').execute();
      await db.schema.dropTable('data_source_changes').execute();
    },
  };
}

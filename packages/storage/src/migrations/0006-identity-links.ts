import { sql, type Kysely } from 'kysely';
import type { DialectCapabilities } from '../capabilities.js';

/**
 * Identity links between data sources (design: "identity links across data sources"): which
 * local account, `idp` binding, federated IdP principal, HRIS employee or owner (`ds`, `node`)
 * resolves to which identity or entity (`to_ds`, `to_node`), by which rule, through which of the
 * referring node's strings (`via`, as written: an identities entry, a source identity; '' for
 * rules that compare properties), with how it matched (`detail`, JSON). Node ids are those of the data sources' current graphs: a push of either side
 * replaces every link that touches it, and a deletion removes them.
 *
 * One table shared by every data source on both engines (a link has two), without foreign keys
 * like the other bulk graph tables: a push of an identity provider that a million local accounts
 * link to rewrites a million rows. The key leads with the referring side, where links are read
 * from for access; the second index serves the identity's side (who links to this IdP user) and
 * the removal of an identity provider's links. On SQLite the table is its key (WITHOUT ROWID).
 */
export function identityLinksMigration(caps: DialectCapabilities) {
  const partitioned = caps.graphLayout === 'partition-per-data-source';
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      const table = db.schema
        .createTable('identity_links')
        .addColumn('ds', 'integer', (c) => c.notNull())
        .addColumn('node', 'integer', (c) => c.notNull())
        .addColumn('to_ds', 'integer', (c) => c.notNull())
        .addColumn('to_node', 'integer', (c) => c.notNull())
        .addColumn('rule', 'text', (c) => c.notNull())
        .addColumn('via', 'text', (c) => c.notNull())
        .addColumn('detail', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('identity_links_pk', ['ds', 'node', 'to_ds', 'to_node', 'rule']);
      await (partitioned ? table : table.modifyEnd(sql`without rowid`)).execute();
      await db.schema.createIndex('identity_links_to').on('identity_links').columns(['to_ds', 'to_node', 'ds', 'node']).execute();
    },
    async down(db: Kysely<unknown>): Promise<void> {
      await db.schema.dropTable('identity_links').execute();
    },
  };
}

import { randomUUID } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { GraphFixture } from '../test-support/graph-fixture.js';
import { testBackends, type TestDatabase } from '../test-support/test-backends.js';

const T0 = '2026-01-01T00:00:00.000Z';

for (const backend of testBackends()) {
  const title = backend.skipReason ? `Upgrades on ${backend.name} (skipped: ${backend.skipReason})` : `Upgrades on ${backend.name}`;
  describe.skipIf(backend.skipReason !== undefined)(title, () => {
    let db: TestDatabase | undefined;
    afterEach(async () => {
      await db?.dispose();
      db = undefined;
    });

    it('numbers the data sources of a database made before 0002-graph, and pushes to them work', async () => {
      const providerId = randomUUID();
      const ids = [randomUUID(), randomUUID(), randomUUID()];
      const seed = async (old: Kysely<unknown>) => {
        await sql`insert into providers (id, name, name_key, custom_template, state, created_at, updated_at)
                  values (${providerId}, 'P', 'p', 'application', 'ENABLED', ${T0}, ${T0})`.execute(old);
        for (const [i, id] of ids.entries()) {
          await sql`insert into data_sources (id, provider_id, name, name_key, status, created_at, updated_at)
                    values (${id}, ${providerId}, ${`ds${i}`}, ${`ds${i}`}, 'PENDING', ${T0}, ${T0})`.execute(old);
        }
        // A gap in the numbering, as deletions leave.
        await sql`delete from data_sources where id = ${ids[1]}`.execute(old);
      };
      db = await backend.create({ startAt: { migrations: ['0001-foundation'], seed } });
      const store = db.store;
      const fresh = await store.createDataSource({ id: randomUUID(), providerId, name: 'new', now: T0 });
      const seqs = await db.query<{ id: string; seq: number | null }>('select id, seq from data_sources');
      expect(seqs).toHaveLength(3);
      expect(seqs.every((r) => r.seq !== null)).toBe(true);
      expect(new Set(seqs.map((r) => Number(r.seq))).size).toBe(3);

      for (const id of [ids[0]!, fresh.id]) {
        const f = new GraphFixture();
        const app = f.application('App');
        f.grant(f.entity(app, 'local_user', `user-of-${id}`), f.permission(app, 'read', ['DataRead']), app);
        await store.commitPush({
          providerId,
          template: 'application',
          dataSourceId: id,
          graph: f.build(),
          state: new Uint8Array([1, 2, 3]),
          record: {
            id: randomUUID(),
            data_source_id: id,
            started_at: T0,
            duration_ms: 1,
            key_id: null,
            size_bytes: 3,
            compression: 'none',
            incremental: false,
            outcome: 'SUCCESS',
            counts: {},
            warnings: [],
            errors: [],
          },
          now: T0,
        });
        const page = await store.listEffectivePermissions(id, { pageSize: 10 });
        expect(page.items.map((r) => r.principal.key)).toEqual([`user-of-${id}`]);
      }
    });
  });
}

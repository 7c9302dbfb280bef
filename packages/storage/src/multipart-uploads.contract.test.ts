import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import type { KyselyStore } from './kysely-store.js';
import { testBackends, type TestDatabase } from './test-support/test-backends.js';

const T0 = '2026-01-01T00:00:00.000Z';
const at = (seconds: number) => new Date(Date.parse(T0) + seconds * 1000).toISOString();

/** Multipart upload chunks (migration 0009) on both engines. */
for (const backend of testBackends()) {
  const title = backend.skipReason ? `Multipart uploads on ${backend.name} (skipped: ${backend.skipReason})` : `Multipart uploads on ${backend.name}`;
  describe.skipIf(backend.skipReason !== undefined)(title, () => {
    let db: TestDatabase | undefined;
    let store: KyselyStore;
    afterEach(async () => {
      await db?.dispose();
      db = undefined;
    });

    /** A fresh database with one data source to upload to; returns its id. */
    async function fresh(): Promise<string> {
      db = await backend.create();
      store = db.store;
      const provider = await store.createProvider({ id: randomUUID(), name: 'App', customTemplate: 'application', provisioning: false, options: {}, state: 'ENABLED', now: T0 });
      const dataSource = await store.createDataSource({ id: randomUUID(), providerId: provider.id, name: 'Prod', now: T0 });
      return dataSource.id;
    }

    async function open(dataSourceId: string, seconds = 0): Promise<string> {
      const id = randomUUID();
      await store.createUpload({ id, dataSourceId, now: at(seconds) });
      return id;
    }

    const bytes = (...values: number[]) => Uint8Array.from(values);

    it('keeps chunks as bytes (any byte value), replaces a re-uploaded number, and lists sizes by number', async () => {
      const ds = await fresh();
      const id = await open(ds);
      expect(await store.putUploadPart({ uploadId: id, sequenceNumber: 3, data: bytes(0xf0, 0x9f), now: at(1) })).toBe(true);
      expect(await store.putUploadPart({ uploadId: id, sequenceNumber: 1, data: bytes(0x00, 0xff, 0xc3), now: at(2) })).toBe(true);
      expect(await store.putUploadPart({ uploadId: id.toUpperCase(), sequenceNumber: 3, data: bytes(0x98, 0x80, 0x7d, 0x0a), now: at(3) })).toBe(true);
      expect(await store.getUpload(id.toUpperCase())).toEqual({
        id,
        dataSourceId: ds,
        createdAt: at(0),
        touchedAt: at(3),
        completedAt: null,
        parts: [
          { sequenceNumber: 1, sizeBytes: 3 },
          { sequenceNumber: 3, sizeBytes: 4 },
        ],
      });
    });

    it('takes the chunks once, in sequence order, and then refuses chunks and a second take', async () => {
      const ds = await fresh();
      const id = await open(ds);
      for (const [n, value] of [[2, 0xa9], [1, 0xc3], [10, 0x21]] as const) {
        await store.putUploadPart({ uploadId: id, sequenceNumber: n, data: bytes(value), now: at(n) });
      }
      const taken = await store.takeUploadParts(id, at(20));
      expect(taken?.map((p) => [p.sequenceNumber, Buffer.from(p.data).toString('hex')])).toEqual([
        [1, 'c3'],
        [2, 'a9'],
        [10, '21'],
      ]);
      expect(await store.takeUploadParts(id, at(21))).toBeUndefined();
      expect(await store.putUploadPart({ uploadId: id, sequenceNumber: 4, data: bytes(1), now: at(22) })).toBe(false);
      expect(await store.getUpload(id)).toMatchObject({ completedAt: at(20), touchedAt: at(20), parts: [] });
      expect(await db!.query('select * from upload_parts')).toEqual([]);
    });

    it('answers false / undefined for an unknown upload, writing nothing', async () => {
      await fresh();
      const unknown = randomUUID();
      expect(await store.getUpload(unknown)).toBeUndefined();
      expect(await store.putUploadPart({ uploadId: unknown, sequenceNumber: 1, data: bytes(1), now: at(1) })).toBe(false);
      expect(await store.takeUploadParts(unknown, at(1))).toBeUndefined();
      expect(await db!.query('select * from upload_parts')).toEqual([]);
    });

    it('deletes uploads idle since a time, open or completed, with their chunks', async () => {
      const ds = await fresh();
      const idle = await open(ds, 0);
      await store.putUploadPart({ uploadId: idle, sequenceNumber: 1, data: bytes(1, 2), now: at(10) });
      const completed = await open(ds, 0);
      await store.takeUploadParts(completed, at(5));
      const busy = await open(ds, 0);
      await store.putUploadPart({ uploadId: busy, sequenceNumber: 1, data: bytes(3), now: at(100) });
      expect(await store.deleteIdleUploads(at(50))).toBe(2);
      expect(await store.getUpload(idle)).toBeUndefined();
      expect(await store.getUpload(completed)).toBeUndefined();
      expect(await store.getUpload(busy)).toMatchObject({ parts: [{ sequenceNumber: 1, sizeBytes: 1 }] });
      expect(await db!.query<{ upload_id: string }>('select upload_id from upload_parts')).toEqual([{ upload_id: busy }]);
      expect(await store.deleteIdleUploads(at(50))).toBe(0);
    });

    it('removes a data source\'s uploads and chunks with it', async () => {
      const ds = await fresh();
      const id = await open(ds);
      await store.putUploadPart({ uploadId: id, sequenceNumber: 1, data: bytes(1), now: at(1) });
      const provider = (await db!.query<{ provider_id: string }>('select provider_id from data_sources'))[0]!.provider_id;
      expect(await store.deleteDataSource(provider, ds)).toBe(true);
      expect(await store.getUpload(id)).toBeUndefined();
      expect(await db!.query('select * from upload_parts')).toEqual([]);
    });

    it('keeps a chunk of several megabytes byte for byte', async () => {
      const ds = await fresh();
      const id = await open(ds);
      const big = Buffer.alloc(3 * 1024 * 1024 + 7);
      for (let i = 0; i < big.length; i++) big[i] = (i * 7919) & 0xff;
      await store.putUploadPart({ uploadId: id, sequenceNumber: 99, data: big, now: at(1) });
      const [part] = (await store.takeUploadParts(id, at(2)))!;
      expect(part!.sequenceNumber).toBe(99);
      expect(Buffer.compare(Buffer.from(part!.data), big)).toBe(0);
    });
  });
}

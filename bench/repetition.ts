import { createAdminKey } from './accessgraph-cli.js';
import { createDataSource, createProvider, type BenchDataSource } from './api-client.js';
import { decodeFloorMs } from './decode-floor.js';
import type { Engine } from './engine.js';
import type { FloorLoad } from './floor-tables.js';
import { measurePush, type PushMeasurement } from './measure-push.js';
import { pushBody, type Compression, type EncodedPayload } from './request-bodies.js';
import { startServer } from './server-process.js';
import { count, mb, seconds } from './units.js';

/** The pushes of one measurement, in order: each compression to its own data source, twice. */
export const PUSHES = [
  { kind: 'plain, first', compression: 'none', dataSource: 0 },
  { kind: 'plain, second', compression: 'none', dataSource: 0 },
  { kind: 'gzip, first', compression: 'GZIP', dataSource: 1 },
  { kind: 'gzip, second', compression: 'GZIP', dataSource: 1 },
] as const;
export type PushKind = (typeof PUSHES)[number]['kind'];

/** Everything measured once, on one fresh store. */
export interface Repetition {
  pushes: Record<PushKind, PushMeasurement>;
  /** Bytes of the empty store (migrated, one key, one provider, two data sources). */
  emptyDatabaseBytes: number;
  /** The raw bulk load of the rows one push wrote (the plain data source's). */
  loadFloor: FloorLoad;
  /** Decode and JSON.parse of the same request bodies, in the benchmark's process. */
  decodeFloorMs: Record<Compression, number>;
}

/**
 * One measurement: a fresh store and server, the four pushes, each followed by `pauseMs` for its
 * background work to settle (see `measurePush`), then (server stopped) the floor: the bulk load
 * on the same database, and the decode of the same bodies.
 */
export async function measureOnce(engine: Engine, encoded: EncodedPayload, pauseMs: number, log: (line: string) => void): Promise<Repetition> {
  const run = await engine.create();
  try {
    const key = await createAdminKey(run.dataDir, run.env);
    const server = await startServer(run.dataDir, run.env);
    const pushes = {} as Record<PushKind, PushMeasurement>;
    let dataSources: BenchDataSource[] = [];
    let emptyDatabaseBytes = 0;
    try {
      const providerId = await createProvider(server.url, key);
      dataSources = [await createDataSource(server.url, key, providerId, 'Bench plain'), await createDataSource(server.url, key, providerId, 'Bench gzip')];
      emptyDatabaseBytes = (await run.databaseSize()).bytes;
      for (const [n, push] of PUSHES.entries()) {
        const ds = dataSources[push.dataSource]!;
        const measured = await measurePush(server, run, key, ds, pushBody(encoded, push.compression, ds.providerId, ds.dataSourceId), n, pauseMs);
        const read = measured.readError ? `read FAILED after ${seconds(measured.readMs)}: ${measured.readError}` : `read ${seconds(measured.readMs)}`;
        log(`    ${push.kind.padEnd(13)} ${seconds(measured.e2eMs)}, peak RSS ${mb(measured.peakRssBytes)}, database ${mb(measured.databaseBytes)}, ${read}`);
        pushes[push.kind] = measured;
      }
    } finally {
      await server.stop();
    }
    const plain = dataSources[0]!;
    const loadFloor = await run.loadFloor(plain.dataSourceId);
    log(`    floor load    ${seconds(loadFloor.loadMs + loadFloor.indexMs)} for ${count(loadFloor.rows)} rows`);
    const decode = (compression: Compression) => decodeFloorMs(pushBody(encoded, compression, plain.providerId, plain.dataSourceId), compression);
    return { pushes, emptyDatabaseBytes, loadFloor, decodeFloorMs: { none: decode('none'), GZIP: decode('GZIP') } };
  } finally {
    await run.dispose();
  }
}

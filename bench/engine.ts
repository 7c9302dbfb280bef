import type { FloorLoad } from './floor-tables.js';
import type { EngineName } from './options.js';

/** A database engine the benchmark runs the server on. */
export interface Engine {
  name: EngineName;
  /** Why the engine cannot be benchmarked here, or undefined when it can. */
  unavailable(): Promise<string | undefined>;
  /** e.g. "SQLite 3.49.1 (better-sqlite3 12.11.1)". */
  version(): Promise<string>;
  /** A fresh, empty store for one measurement, removed by its dispose() (or at clean-up). */
  create(): Promise<EngineRun>;
}

/** Bytes on disk: the whole database (SQLite: the file plus its write-ahead log), and the log's share. */
export interface DatabaseSize {
  bytes: number;
  walBytes: number;
}

/** One fresh store, with what the server needs to use it and what the benchmark measures on it. */
export interface EngineRun {
  /** --data for the CLI (always a fresh temporary directory). */
  dataDir: string;
  /** Environment of the CLI's processes (DATABASE_URL for PostgreSQL). */
  env: NodeJS.ProcessEnv;
  /** Bytes the database takes on disk now. */
  databaseSize(): Promise<DatabaseSize>;
  /**
   * Loads the rows the last push of the data source wrote into floor copies of their tables, the
   * engine's fastest way, then builds the same indexes, and drops the copies. Call it with the
   * server stopped.
   */
  loadFloor(dataSourceId: string): Promise<FloorLoad>;
  /**
   * Cancels the server's queries still running on the database (a read the benchmark gave up on),
   * so they do not load the machine during the next measurement. SQLite runs inside the server
   * and cannot be cancelled from outside.
   */
  cancelQueries(): Promise<void>;
  /** The number a query of one row and one column answers (e.g. a count), read beside the running server. */
  scalar(query: string): Promise<number>;
  dispose(): Promise<void>;
}

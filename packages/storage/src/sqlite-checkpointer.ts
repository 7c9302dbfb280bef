import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/**
 * Copies a push's pages from SQLite's write-ahead log into the database file on a thread of its
 * own, after the push has committed.
 *
 * By default the connection that commits a transaction also checkpoints once the log passes 1,000
 * pages, inside its COMMIT: for a 100 MB payload that is ~200 MB copied while the push (and the
 * event loop, since better-sqlite3 is synchronous) waits - about a second, a tenth of the push.
 * A checkpoint needs no write lock: readers and the next writer carry on while it runs, reading the
 * pages from the log meanwhile. So a push turns the automatic checkpoint off for its transaction
 * (`sqliteGraphStorage`) and asks for a PASSIVE checkpoint here afterwards, done by a worker thread
 * over its own connection, on the machine's other core. Smaller transactions keep the automatic
 * checkpoint. Nothing is lost if a checkpoint fails or never runs: the pages stay in the log,
 * where readers find them and the next checkpoint (or the last connection's close) copies them.
 *
 * Written by hand: a checkpoint is one PRAGMA, and no library runs SQLite maintenance off-thread.
 */
export interface Checkpointer {
  /** Asks for a checkpoint; requests made while one runs are served by one more afterwards. */
  request(): void;
  /** Resolves when every requested checkpoint has run, with the last one's outcome. */
  idle(): Promise<CheckpointOutcome | undefined>;
  /** Stops the worker (after its current checkpoint) and closes its connection. */
  close(): Promise<void>;
}

export type CheckpointOutcome =
  /** `busy`: SQLite could not finish (a reader holds an older snapshot); `log` and `checkpointed` are WAL frames. */
  | { ok: true; busy: boolean; log: number; checkpointed: number }
  | { ok: false; error: string };

// The worker runs plain JavaScript (eval), so it works the same from the TypeScript sources under
// test and from the build; it loads the same better-sqlite3 as the main thread, by path.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file, { fileMustExist: true });
// A checkpoint that meets a writer's lock gives up at once; the next request tries again.
db.pragma('busy_timeout = 0');
parentPort.on('message', (message) => {
  if (message === 'close') {
    db.close();
    parentPort.close();
    return;
  }
  try {
    const [row] = db.pragma('wal_checkpoint(PASSIVE)');
    parentPort.postMessage({ ok: true, busy: row.busy !== 0, log: row.log, checkpointed: row.checkpointed });
  } catch (error) {
    parentPort.postMessage({ ok: false, error: String(error && error.message) });
  }
});
`;

export function sqliteCheckpointer(file: string, onOutcome: (outcome: CheckpointOutcome) => void = () => {}): Checkpointer {
  let worker: Worker | undefined;
  let running = false;
  let pending = false;
  let last: CheckpointOutcome | undefined;
  let waiters: Array<(outcome: CheckpointOutcome | undefined) => void> = [];

  const settle = () => {
    const done = waiters;
    waiters = [];
    for (const wake of done) wake(last);
  };
  const start = (): Worker => {
    const driver = createRequire(import.meta.url).resolve('better-sqlite3');
    const created = new Worker(WORKER_SOURCE, { eval: true, workerData: { driver, file } });
    created.on('message', (outcome: CheckpointOutcome) => {
      last = outcome;
      onOutcome(outcome);
      running = false;
      if (pending) run();
      else {
        // Idle, it must not keep the process alive.
        created.unref();
        settle();
      }
    });
    created.on('error', (error) => {
      last = { ok: false, error: error.message };
      onOutcome(last);
      worker = undefined;
      running = false;
      pending = false;
      settle();
    });
    return created;
  };
  const run = () => {
    pending = false;
    running = true;
    worker ??= start();
    // While it checkpoints, the process waits for it (a second or so) rather than exit under it.
    worker.ref();
    worker.postMessage('checkpoint');
  };

  return {
    request() {
      if (running) pending = true;
      else run();
    },
    idle() {
      if (!running) return Promise.resolve(last);
      return new Promise((resolve) => waiters.push(resolve));
    },
    async close() {
      await this.idle();
      const current = worker;
      worker = undefined;
      if (!current) return;
      const exited = new Promise<void>((resolve) => current.once('exit', () => resolve()));
      // Referenced, or the process could run out of work and exit before the worker has closed.
      current.ref();
      current.postMessage('close');
      await exited;
    },
  };
}

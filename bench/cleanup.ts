/**
 * Everything the benchmark starts or creates (servers, temporary directories, databases) is
 * registered here as it is made, and undone in reverse order: after each measurement, at the
 * end, and on failure or Ctrl-C. A step runs once, whichever path reaches it first, and clean-up
 * waits for steps another path has already started.
 */
interface Step {
  what: string;
  undo: () => Promise<void> | void;
  running?: Promise<void>;
}

const pending: Step[] = [];
const inFlight = new Set<Promise<void>>();

function start(step: Step): Promise<void> {
  if (!step.running) {
    const at = pending.indexOf(step);
    if (at >= 0) pending.splice(at, 1);
    step.running = Promise.resolve().then(step.undo);
    inFlight.add(step.running);
    void step.running.then(
      () => inFlight.delete(step.running!),
      () => inFlight.delete(step.running!),
    );
  }
  return step.running;
}

/** Registers an undo step; the returned function runs it now (once) and waits for it. */
export function onCleanup(what: string, undo: () => Promise<void> | void): () => Promise<void> {
  const step: Step = { what, undo };
  pending.push(step);
  return () => start(step);
}

/** Runs every pending step, newest first, then waits for steps already under way; failures are reported, the rest still run. */
export async function cleanupAll(): Promise<void> {
  while (pending.length > 0) {
    const step = pending[pending.length - 1]!;
    try {
      await start(step);
    } catch (error) {
      console.error(`clean-up of ${step.what} failed: ${(error as Error).message}`);
    }
  }
  await Promise.allSettled([...inFlight]);
}

/** On SIGINT / SIGTERM, cleans up and exits. */
export function cleanUpOnSignals(): void {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      console.error(`\n${signal}: cleaning up`);
      void cleanupAll().finally(() => process.exit(130));
    });
  }
}

import { spawn } from 'node:child_process';
import { BIN, ROOT } from './accessgraph-cli.js';
import { onCleanup } from './cleanup.js';

/** What the server logs for each accepted push (push-service.ts, "push accepted"). */
export interface PushLog {
  data_source_id: string;
  bytes: number;
  phases_ms: { decode: number; validate: number; derive: number; store: number };
  counts: Record<string, number>;
  warnings: number;
  /** Whether an incremental push was made by difference (else applied to the whole stored state). */
  by_difference?: boolean;
  /** Why an incremental push was applied to the whole state. */
  whole_state_because?: string;
  /** The links that touch the data source, and the rows the push deleted and inserted. */
  links?: { links: number; deleted: number; inserted: number };
}

export interface ServerProcess {
  url: string;
  pid: number;
  /** "push accepted" lines seen so far, in order. */
  pushLogs: PushLog[];
  /** Resolves with the `n`th (0-based) "push accepted" line once it has been read from stdout. */
  pushLog(n: number, timeoutMs?: number): Promise<PushLog>;
  /** SIGTERM, then SIGKILL after a grace period; resolves once the process has exited. */
  stop(): Promise<void>;
}

const ANNOUNCEMENT = /Accessgraph (?:HTTPS|HTTP) server on (https?:\/\/\S+)/;

/** Starts `accessgraph serve --port 0 --data <dataDir> --log-level info` and waits until it listens. */
export function startServer(dataDir: string, env: NodeJS.ProcessEnv): Promise<ServerProcess> {
  return startServerProcess([BIN, 'serve', '--port', '0', '--data', dataDir, '--log-level', 'info'], env);
}

/**
 * Runs `node <args>`, a server that announces its address on stderr as the CLI does ("Accessgraph
 * HTTP server on <url>"), and waits until it listens.
 */
export function startServerProcess(args: readonly string[], env: NodeJS.ProcessEnv): Promise<ServerProcess> {
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const running = () => child.exitCode === null && child.signalCode === null;
  const stop = onCleanup(`server ${child.pid}`, async () => {
    if (!running()) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  });

  const pushLogs: PushLog[] = [];
  const waiters = new Set<() => void>();
  let partial = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    const lines = (partial + chunk).split('\n');
    partial = lines.pop()!;
    for (const line of lines) {
      if (!line.includes('"push accepted"')) continue;
      pushLogs.push(JSON.parse(line) as PushLog);
      for (const wake of waiters) wake();
    }
  });
  let stderr = '';

  return new Promise<ServerProcess>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the server did not start within 60 s: ${stderr}`)), 60_000);
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`the server exited (code ${child.exitCode}, signal ${child.signalCode}) before listening: ${stderr}`));
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      const announced = ANNOUNCEMENT.test(stderr);
      stderr += chunk;
      const match = ANNOUNCEMENT.exec(stderr);
      if (announced || !match) return;
      clearTimeout(timer);
      resolve({
        url: match[1]!,
        pid: child.pid!,
        pushLogs,
        stop,
        pushLog(n, timeoutMs = 10_000) {
          return new Promise((done, fail) => {
            const check = () => {
              const log = pushLogs[n];
              if (!log) return;
              waiters.delete(check);
              clearTimeout(giveUp);
              done(log);
            };
            const giveUp = setTimeout(() => {
              waiters.delete(check);
              fail(new Error(`the server logged no "push accepted" line #${n + 1} within ${timeoutMs} ms`));
            }, timeoutMs);
            waiters.add(check);
            check();
          });
        },
      });
    });
  });
}

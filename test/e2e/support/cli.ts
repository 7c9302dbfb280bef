/**
 * Helpers for the end-to-end tests: they run the real, compiled command line (`bin/accessgraph.js`
 * -> packages/cli/dist) as child processes. Nothing here builds: `npm test` runs `npm run build`
 * first; when running vitest directly, run `npm run build` yourself beforehand.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach } from 'vitest';

export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const BIN = join(ROOT, 'bin', 'accessgraph.js');

/** An API key as `keys create` prints it. */
export const KEY_PATTERN = /^agk_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$/;

const COMPILED_CLI = join(ROOT, 'packages', 'cli', 'dist', 'main.js');

/** Fails fast, with the fix, when the CLI has not been compiled. */
export function assertBuilt(): void {
  if (!existsSync(COMPILED_CLI)) {
    throw new Error(`${COMPILED_CLI} is missing: the e2e tests run the compiled CLI; run "npm run build" first (npm test does).`);
  }
}

/** Variables the CLI reads; none may leak from the developer's shell into a test. */
const CLI_VARIABLES = [
  'DATABASE_URL',
  'PORT',
  'HOST',
  'ACCESSGRAPH_DATA_DIR',
  'ACCESSGRAPH_TLS',
  'ACCESSGRAPH_TLS_CERT',
  'ACCESSGRAPH_TLS_KEY',
  'LOG_LEVEL',
];

/** The environment of a child: ours without the CLI's variables (so SQLite is used), plus `extra`. */
export function childEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of CLI_VARIABLES) delete env[name];
  return { ...env, ...extra };
}

// ---------------------------------------------------------------------------------------------
// Clean-up: every test file calls useCleanup(); what a test starts or creates is undone after it.

const cleanups: Array<() => Promise<void> | void> = [];

/** Registers the afterEach hook that kills started processes and removes temporary directories. */
export function useCleanup(): void {
  afterEach(async () => {
    const pending = cleanups.splice(0).reverse();
    for (const step of pending) await step();
  });
}

/** A fresh temporary directory, removed after the test. */
export function tempDir(label = 'accessgraph-e2e-'): string {
  const dir = mkdtempSync(join(tmpdir(), label));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

// ---------------------------------------------------------------------------------------------
// Running commands to completion.

export interface Finished {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  timeoutMs?: number;
}

/** Runs a program to completion and collects its output; it is killed if it outlives the timeout. */
export function run(command: string, args: string[], options: RunOptions = {}): Promise<Finished> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd ?? ROOT, env: options.env ?? childEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${command} ${args.join(' ')} did not finish in ${options.timeoutMs ?? 15_000} ms\nstdout: ${stdout}\nstderr: ${stderr}`));
    }, options.timeoutMs ?? 15_000);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/** Runs `node bin/accessgraph.js <args>`. */
export function cli(args: string[], options: RunOptions = {}): Promise<Finished> {
  assertBuilt();
  return run(process.execPath, [BIN, ...args], options);
}

/** `keys create` on a data directory; returns the printed key. */
export async function createKey(dataDir: string, role = 'admin', name = 'ci'): Promise<string> {
  const result = await cli(['keys', 'create', '--role', role, '--name', name, '--data', dataDir]);
  if (result.code !== 0) throw new Error(`keys create failed (${result.code}): ${result.stderr}`);
  return result.stdout.trim();
}

// ---------------------------------------------------------------------------------------------
// Servers.

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface Server {
  process: ChildProcess;
  /** The base URL the server announced, e.g. http://127.0.0.1:41234. */
  url: string;
  port: number;
  /** Everything written so far on stdout (JSON log lines). */
  stdout(): string;
  /** Everything written so far on stderr (the human-readable start-up text). */
  stderr(): string;
  /** Resolves when the process has exited. */
  exited: Promise<Exit>;
  /** Sends a signal (SIGTERM by default) and waits for the exit. */
  stop(signal?: NodeJS.Signals): Promise<Exit>;
  /** Resolves once stdout matches the pattern. */
  waitForStdout(pattern: RegExp, timeoutMs?: number): Promise<void>;
}

const ANNOUNCEMENT = /Accessgraph (?:HTTPS|HTTP) server on (https?:\/\/\S+)/;

/**
 * Starts `accessgraph serve <args>` and waits for its "Accessgraph HTTP(S) server on <url>" line.
 * The process is killed after the test (SIGKILL if it is still running by then).
 */
export function startServer(args: string[], options: RunOptions = {}): Promise<Server> {
  assertBuilt();
  const child = spawn(process.execPath, [BIN, 'serve', ...args], {
    cwd: options.cwd ?? ROOT,
    env: options.env ?? childEnv(),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  const stdoutWaiters = new Set<() => void>();
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
    for (const check of stdoutWaiters) check();
  });
  const exited = new Promise<Exit>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  cleanups.push(async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await exited;
    }
  });

  return new Promise<Server>((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(new Error(`server did not announce itself in time\nstdout: ${stdout}\nstderr: ${stderr}`));
    }, options.timeoutMs ?? 15_000);
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`server exited (code ${code}, signal ${signal}) before announcing itself\nstdout: ${stdout}\nstderr: ${stderr}`));
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      const before = ANNOUNCEMENT.exec(stderr);
      stderr += chunk;
      const match = ANNOUNCEMENT.exec(stderr);
      if (before || !match) return;
      clearTimeout(timer);
      const url = match[1]!;
      resolve({
        process: child,
        url,
        port: Number(new URL(url).port),
        stdout: () => stdout,
        stderr: () => stderr,
        exited,
        async stop(signal: NodeJS.Signals = 'SIGTERM') {
          if (child.exitCode === null && child.signalCode === null) child.kill(signal);
          return exited;
        },
        waitForStdout(pattern: RegExp, timeoutMs = 5_000) {
          return new Promise<void>((done, fail) => {
            const check = () => {
              if (!pattern.test(stdout)) return;
              stdoutWaiters.delete(check);
              clearTimeout(giveUp);
              done();
            };
            const giveUp = setTimeout(() => {
              stdoutWaiters.delete(check);
              fail(new Error(`stdout never matched ${pattern}\nstdout: ${stdout}`));
            }, timeoutMs);
            stdoutWaiters.add(check);
            check();
          });
        },
      });
    });
  });
}

/** Starts a server on its own fresh data directory, port 0, with an admin key created beforehand. */
export async function startWithKey(extraArgs: string[] = []): Promise<{ server: Server; dataDir: string; key: string }> {
  const dataDir = tempDir();
  const key = await createKey(dataDir);
  const server = await startServer(['--port', '0', '--data', dataDir, ...extraArgs]);
  return { server, dataDir, key };
}

/** Resolves after `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

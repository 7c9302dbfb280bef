import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The compiled command line, run as a child process exactly as a user runs it. */
export const ROOT = fileURLToPath(new URL('../', import.meta.url));
export const BIN = join(ROOT, 'bin', 'accessgraph.js');

export function assertBuilt(): void {
  const compiled = join(ROOT, 'packages', 'cli', 'dist', 'main.js');
  if (!existsSync(compiled)) throw new Error(`${compiled} is missing: run "npm run build" first`);
}

/** Variables the CLI reads: none may leak from the caller's shell into the benchmark's servers. */
const CLI_VARIABLES = ['DATABASE_URL', 'PORT', 'HOST', 'ACCESSGRAPH_DATA_DIR', 'ACCESSGRAPH_TLS', 'ACCESSGRAPH_TLS_CERT', 'ACCESSGRAPH_TLS_KEY', 'LOG_LEVEL'];

/** Our environment without the CLI's variables (and without our own heap size), plus `extra`. */
export function childEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of [...CLI_VARIABLES, 'NODE_OPTIONS']) delete env[name];
  return { ...env, ...extra };
}

/** Runs `accessgraph <args>` to completion and returns its stdout; fails on a non-zero exit. */
export function runCli(args: string[], env: NodeJS.ProcessEnv, timeoutMs = 60_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve(stdout);
      else reject(new Error(`accessgraph ${args.join(' ')} failed (code ${code}, signal ${signal}): ${stderr.trim()}`));
    });
  });
}

/** `accessgraph keys create`: an admin key on the same store the server will use. */
export async function createAdminKey(dataDir: string, env: NodeJS.ProcessEnv): Promise<string> {
  return (await runCli(['keys', 'create', '--role', 'admin', '--name', 'bench', '--data', dataDir], env)).trim();
}

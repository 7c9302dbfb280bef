/**
 * Runs the documentation's curl examples (test/e2e/fixtures/seed-curl-examples.sh) with the real
 * curl binary through `bash -c`, against an HTTPS server with the generated self-signed certificate.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { childEnv, run } from './cli.js';

const FIXTURE = fileURLToPath(new URL('../fixtures/seed-curl-examples.sh', import.meta.url));

/** The examples by name ("### <name> (...)" headers), each exactly as written in the fixture. */
export function seedExamples(): Map<string, string> {
  const examples = new Map<string, string>();
  let name: string | undefined;
  let lines: string[] = [];
  const flush = () => {
    if (name) examples.set(name, lines.join('\n').trim());
  };
  for (const line of readFileSync(FIXTURE, 'utf8').split('\n')) {
    const header = /^### (\S+)/.exec(line);
    if (header) {
      flush();
      name = header[1];
      lines = [];
    } else if (name) {
      lines.push(line);
    }
  }
  flush();
  return examples;
}

export interface CurlContext {
  /** host:port, as VEZA_URL is written in the examples (they prefix https://). */
  vezaUrl: string;
  apiKey: string;
  /** PEM file curl trusts (CURL_CA_BUNDLE). */
  caFile: string;
  providerId?: string;
  dataSourceId?: string;
}

export interface CurlResult {
  status: number;
  text: string;
  json<T = Record<string, unknown>>(): T;
}

/**
 * Text substitutions for placeholders the shell cannot expand (they sit inside single quotes):
 * the URL template and sample provider id of the icon example, and `<PROVIDER ID>`.
 */
function substitute(example: string, context: CurlContext): string {
  let script = example.replaceAll('{{VezaURL}}', `https://${context.vezaUrl}`);
  if (context.providerId) {
    script = script.replaceAll('<PROVIDER ID>', context.providerId).replaceAll('962d5eff-285c-4b08-a54e-400eead1e680', context.providerId);
  }
  return script;
}

/**
 * Runs one example. `curl` is wrapped by a shell function adding `--silent --show-error` and a
 * trailing status line (`--write-out`), so the example's own text stays as documented.
 */
export async function runExample(example: string, context: CurlContext): Promise<CurlResult> {
  const wrapper = `curl() { command curl --silent --show-error --write-out '\\n%{http_code}' "$@"; }\n`;
  const env = childEnv({
    VEZA_URL: context.vezaUrl,
    API_KEY: context.apiKey,
    CURL_CA_BUNDLE: context.caFile,
    ...(context.providerId ? { PROVIDER_ID: context.providerId } : {}),
    ...(context.dataSourceId ? { DATASOURCE_ID: context.dataSourceId } : {}),
  });
  // No ~/.curlrc or proxy from the developer's machine.
  env.CURL_HOME = join(context.caFile, '..');
  for (const proxy of ['http_proxy', 'https_proxy', 'HTTP_PROXY', 'HTTPS_PROXY', 'ALL_PROXY', 'all_proxy']) delete env[proxy];

  const result = await run('bash', ['-c', wrapper + substitute(example, context)], { env });
  if (result.code !== 0) throw new Error(`curl failed (exit ${result.code}): ${result.stderr}\n${example}`);
  const cut = result.stdout.lastIndexOf('\n');
  const text = result.stdout.slice(0, cut);
  return {
    status: Number(result.stdout.slice(cut + 1)),
    text,
    json<T>() {
      return JSON.parse(text) as T;
    },
  };
}

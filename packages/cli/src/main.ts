import { Command, InvalidArgumentError, Option } from 'commander';
import { createRequire } from 'node:module';
import { parsePort } from './config.js';

// Commands load the server and the database drivers only when they run, so --help is instant.
const VERSION = (createRequire(import.meta.url)('../package.json') as { version: string }).version;

function portOption(value: string): number {
  try {
    return parsePort(value);
  } catch (error) {
    throw new InvalidArgumentError((error as Error).message);
  }
}

/** The `accessgraph` command line. */
export function buildProgram(): Command {
  const program = new Command('accessgraph')
    .description('Self-hosted access graph that speaks the Veza Open Authorization API (OAA)')
    .version(VERSION)
    .showHelpAfterError();

  const dataOption = () =>
    new Option('--data <dir>', 'data directory of the embedded SQLite store (ignored when DATABASE_URL is set)').env(
      'ACCESSGRAPH_DATA_DIR',
    );

  program
    .command('serve')
    .description('run the API server (SQLite under ./data by default; PostgreSQL when DATABASE_URL is set)')
    .addOption(new Option('--port <port>', 'TCP port').env('PORT').default(8080).argParser(portOption))
    .addOption(new Option('--host <host>', 'address to listen on (0.0.0.0 for every interface)').env('HOST').default('127.0.0.1'))
    .addOption(dataOption())
    .addOption(new Option('--tls <mode>', 'serve HTTPS with a generated certificate kept in the data directory').choices(['self-signed', 'off']).env('ACCESSGRAPH_TLS'))
    .addOption(new Option('--tls-cert <file>', 'PEM certificate (chain) to serve HTTPS with').env('ACCESSGRAPH_TLS_CERT'))
    .addOption(new Option('--tls-key <file>', 'PEM private key of --tls-cert').env('ACCESSGRAPH_TLS_KEY'))
    .addOption(new Option('--log-level <level>', 'log level').choices(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).env('LOG_LEVEL').default('info'))
    .action(async (options) => (await import('./serve.js')).serve(options));

  const keys = program.command('keys').description('manage API keys (works directly on the store; the server may be running)');
  keys
    .command('create')
    .description('create a key and print it (and nothing else) on stdout; it is shown only once')
    .addOption(new Option('--role <role>', 'admin, writer or reader').choices(['admin', 'writer', 'reader']).makeOptionMandatory())
    .requiredOption('--name <name>', 'what the key is for, e.g. ci')
    .addOption(dataOption())
    .action(async (options) => (await import('./keys.js')).createKey(options));
  keys
    .command('list')
    .description('list keys: id, name, role, prefix, dates (never the secret)')
    .option('--json', 'print JSON')
    .addOption(dataOption())
    .action(async (options) => (await import('./keys.js')).listKeys(options));
  keys
    .command('revoke')
    .description('revoke a key by id')
    .argument('<id>', 'key id, as shown by keys list')
    .addOption(dataOption())
    .action(async (id: string, options) => (await import('./keys.js')).revokeKey(id, options));

  const okta = program
    .command('okta')
    .description('import Okta activity for sso_last_login_at (works directly on the store; the server may be running)');
  okta
    .command('import-system-log')
    .description('import Okta System Log events (/api/v1/logs: a JSON array, or JSON Lines); prints the counts')
    .argument('<file>', 'the export')
    .addOption(dataOption())
    .action(async (file: string, options) => (await import('./okta.js')).importSystemLog(file, options));
  okta
    .command('import-users')
    .description('import Okta users (/api/v1/users: a JSON array, or JSON Lines) to match on email or custom attributes; prints the counts')
    .argument('<file>', 'the export')
    .addOption(dataOption())
    .action(async (file: string, options) => (await import('./okta.js')).importUsers(file, options));

  return program;
}

/** Runs the command line; errors are printed as one line and exit with status 1. */
export async function main(argv: string[] = process.argv): Promise<void> {
  try {
    await buildProgram().parseAsync(argv);
  } catch (error) {
    process.stderr.write(`accessgraph: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  }
}

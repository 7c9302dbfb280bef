import { parseArgs } from 'node:util';
import { parseSize, type PayloadSize } from './workload.js';

export type EngineName = 'sqlite' | 'postgres';

export const SUITES = ['ingest', 'identities', 'queries', 'updates'] as const;
export type Suite = (typeof SUITES)[number];

export interface BenchOptions {
  suites: Suite[];
  sizes: PayloadSize[];
  /** The identity suite's workload, as a fraction of the (1: 100k IdP users, 1M linked local users). */
  identityScale: number;
  /** Measurements per engine and size; undefined: 3 below 50 MB, 1 from 50 MB up. */
  repeat: number | undefined;
  engines: EngineName[];
  /** A PostgreSQL database to connect to while creating and dropping the benchmark's own databases. */
  postgresUrl: string;
  /** Milliseconds after each push's read before the database is measured and the next push starts (see USAGE). */
  pauseMs: number;
  /** Milliseconds the query suite waits for each of casbin's answers before it stops casbin. */
  casbinTimeoutMs: number;
  /** The update suite's full payload. */
  updateSize: PayloadSize;
  /** Whether the update suite's roles hold grants of their own (then the roles a principal holds are part of its reach). */
  rolesHoldGrants: boolean;
}

export const DEFAULT_SIZES = '10mb';
export const DEFAULT_UPDATE_SIZE = '100mb';
export const DEFAULT_PAUSE_SECONDS = 5;
export const DEFAULT_CASBIN_TIMEOUT_MINUTES = 30;

export const USAGE = `npm run bench [-- --suites ingest,identities --sizes 10mb,100mb --repeat 3 --engines sqlite,postgres --pg-url postgres://...]
  --suites   BENCH_SUITES   ingest (application pushes against their floor), identities (IdP and HRIS pushes,
                            an IdP re-push that re-resolves 1M links), queries (the query API on an organisation
                            of 10M grants, beside node-casbin) and/or updates (an incremental push of 1,000 users
                            against the full push, and the full payload as a multipart upload); default all four
  --update-size BENCH_UPDATE_SIZE  the update suite's full payload; default ${DEFAULT_UPDATE_SIZE}
  --roles-hold-grants BENCH_ROLES_HOLD_GRANTS=1  in the update suite, each role also holds a grant of its own
                            (an entry of identity_type local_role), so the roles a principal holds are part of its reach
  --scale    BENCH_SCALE    the identities and queries workloads as a fraction of the issues' (1 = 100k IdP users,
                            50 applications of 20k local users); default 1
  --sizes    BENCH_SIZES    payload sizes (nominal; 100mb = the issue's 50k users, 5k groups, 100k resources, 1M assignments); default ${DEFAULT_SIZES}
  --repeat   BENCH_REPEAT   measurements per engine and size (medians are quoted); default 3 below 50mb, 1 from 50mb;
                            for the identities suite, runs per engine (default 1)
  --engines  BENCH_ENGINES  sqlite, postgres or both; default both (PostgreSQL is skipped, with the reason, when unreachable)
  --pg-url   BENCH_PG_URL   PostgreSQL to create the benchmark databases from; default TEST_PG_URL or postgres://postgres@127.0.0.1:5432/test
  --pause    BENCH_PAUSE    seconds after each push for its background work (SQLite's checkpoint, PostgreSQL's writes
                            of dirty pages) to end, as it has by a connector's next daily run, before the database
                            is measured and the next push starts; default ${DEFAULT_PAUSE_SECONDS}
  --casbin-timeout  BENCH_CASBIN_TIMEOUT  minutes the query suite waits for each of node-casbin's answers before it
                            stops casbin and reports the question unanswered; default ${DEFAULT_CASBIN_TIMEOUT_MINUTES}`;

/** Options from the command line, else the environment, else the defaults. */
export function readOptions(argv: string[], env: NodeJS.ProcessEnv): BenchOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      suites: { type: 'string' },
      scale: { type: 'string' },
      sizes: { type: 'string' },
      repeat: { type: 'string' },
      engines: { type: 'string' },
      'pg-url': { type: 'string' },
      pause: { type: 'string' },
      'casbin-timeout': { type: 'string' },
      'update-size': { type: 'string' },
      'roles-hold-grants': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const list = (text: string) => text.split(',').map((s) => s.trim()).filter((s) => s !== '');
  const sizes = list(values.sizes ?? env.BENCH_SIZES ?? DEFAULT_SIZES).map(parseSize);
  const repeatText = values.repeat ?? env.BENCH_REPEAT;
  const repeat = repeatText === undefined || repeatText === '' ? undefined : Number(repeatText);
  if (repeat !== undefined && !(Number.isInteger(repeat) && repeat >= 1)) throw new Error(`repeat "${repeatText}" must be a whole number from 1`);
  const engines = list(values.engines ?? env.BENCH_ENGINES ?? 'sqlite,postgres');
  for (const engine of engines) if (engine !== 'sqlite' && engine !== 'postgres') throw new Error(`engine "${engine}" is not sqlite or postgres`);
  const pauseText = values.pause ?? env.BENCH_PAUSE ?? String(DEFAULT_PAUSE_SECONDS);
  const pause = Number(pauseText);
  if (!(pauseText.trim() !== '' && Number.isFinite(pause) && pause >= 0)) throw new Error(`pause "${pauseText}" must be a number of seconds from 0`);
  const timeoutText = values['casbin-timeout'] ?? env.BENCH_CASBIN_TIMEOUT ?? String(DEFAULT_CASBIN_TIMEOUT_MINUTES);
  const timeout = Number(timeoutText);
  if (!(timeoutText.trim() !== '' && Number.isFinite(timeout) && timeout > 0)) throw new Error(`casbin-timeout "${timeoutText}" must be a number of minutes above 0`);
  const suites = list(values.suites ?? env.BENCH_SUITES ?? SUITES.join(','));
  for (const suite of suites) if (!(SUITES as readonly string[]).includes(suite)) throw new Error(`suite "${suite}" is not one of ${SUITES.join(', ')}`);
  const scaleText = values.scale ?? env.BENCH_SCALE ?? '1';
  const scale = Number(scaleText);
  if (!(Number.isFinite(scale) && scale > 0 && scale <= 1)) throw new Error(`scale "${scaleText}" must be a number above 0, at most 1`);
  return {
    suites: suites as Suite[],
    identityScale: scale,
    sizes,
    repeat,
    engines: engines as EngineName[],
    postgresUrl: values['pg-url'] ?? env.BENCH_PG_URL ?? env.TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test',
    pauseMs: pause * 1000,
    casbinTimeoutMs: timeout * 60_000,
    updateSize: parseSize(values['update-size'] ?? env.BENCH_UPDATE_SIZE ?? DEFAULT_UPDATE_SIZE),
    rolesHoldGrants: values['roles-hold-grants'] ?? env.BENCH_ROLES_HOLD_GRANTS === '1',
  };
}

/** Repetitions for a size: as asked, else 3 for small payloads and 1 for large ones. */
export function repetitionsFor(options: BenchOptions, size: PayloadSize): number {
  return options.repeat ?? (size.bytes >= 50_000_000 ? 1 : 3);
}

import { buildApp } from '@accessgraph/server';
import { openStore } from '@accessgraph/storage';
import { storeConfig, type StoreFlags } from './config.js';
import { serverLogger } from './logging.js';
import { loadTls, trustInstructions, type TlsFlags } from './tls.js';

export interface ServeOptions extends StoreFlags, TlsFlags {
  port: number;
  host: string;
  logLevel: string;
}

/** How long in-flight requests get to finish after SIGTERM/SIGINT before the process gives up. */
const SHUTDOWN_GRACE_MS = 30_000;

/** Starts the server and keeps it running until SIGTERM or SIGINT, then shuts down gracefully. */
export async function serve(options: ServeOptions): Promise<void> {
  const config = storeConfig(options);
  const tls = await loadTls(options, config.dataDir);
  const store = await openStore(config);
  let app: Awaited<ReturnType<typeof buildApp>>;
  try {
    app = await buildApp({ store, logger: serverLogger(options.logLevel), ...(tls ? { https: tls } : {}) });
  } catch (error) {
    await store.close();
    throw error;
  }

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) {
      app.log.warn({ signal }, 'second signal: exiting without waiting');
      process.exit(1);
    }
    stopping = true;
    app.log.info({ signal }, 'shutting down: finishing in-flight requests');
    const timer = setTimeout(() => {
      app.log.error('in-flight requests did not finish in time; exiting');
      process.exit(1);
    }, SHUTDOWN_GRACE_MS);
    timer.unref();
    void app
      .close()
      .then(() => store.close())
      .then(() => {
        app.log.info('shut down cleanly');
        process.exit(0);
      })
      .catch((error: unknown) => {
        app.log.error({ err: error }, 'shutdown failed');
        process.exit(1);
      });
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));

  await app.listen({ port: options.port, host: options.host });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  const shownHost = options.host === '0.0.0.0' || options.host === '::' ? 'localhost' : options.host;
  const url = `${tls ? 'https' : 'http'}://${shownHost.includes(':') ? `[${shownHost}]` : shownHost}:${port}`;
  const lines = [
    `Accessgraph ${tls ? 'HTTPS' : 'HTTP'} server on ${url} (storage: ${store.engine}${store.engine === 'sqlite' ? `, data in ${config.dataDir}` : ''})`,
    `API docs: ${url}/docs`,
  ];
  if (tls?.selfSignedPath) lines.push(trustInstructions(tls.selfSignedPath, url));
  const keys = await store.listApiKeys();
  if (!keys.some((k) => k.revokedAt === null)) {
    lines.push('No API key yet. Create the first one with:  npx accessgraph keys create --role admin --name me');
  }
  process.stderr.write(`${lines.join('\n')}\n`);
}

import { readFile } from 'node:fs/promises';
import { ApiError, OktaSsoService } from '@accessgraph/server';
import { openStore } from '@accessgraph/storage';
import { storeConfig, type StoreFlags } from './config.js';

/**
 * Reads an export file: a JSON array, as Okta's `/api/v1/logs` and `/api/v1/users` answer (one
 * page, or pages joined into one array), or JSON Lines, one object per line (how log shippers and
 * `jq -c '.[]'` write them, so several pages can simply be concatenated).
 */
export async function readExportFile(file: string): Promise<unknown[]> {
  const text = await readFile(file, 'utf8');
  const trimmed = text.trim();
  if (trimmed.startsWith('[')) {
    const parsed = parseJson(trimmed, file);
    if (!Array.isArray(parsed)) throw new Error(`${file}: not a JSON array`);
    return parsed;
  }
  return trimmed === '' ? [] : trimmed.split(/\r?\n/).filter((line) => line.trim() !== '').map((line, i) => parseJson(line, `${file}:${i + 1}`));
}

function parseJson(text: string, where: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new Error(`${where}: not JSON (${(error as Error).message})`);
  }
}

async function withOkta<T>(flags: StoreFlags, work: (okta: OktaSsoService) => Promise<T>): Promise<T> {
  const store = await openStore(storeConfig(flags));
  try {
    return await work(new OktaSsoService(store));
  } catch (error) {
    // Every violation, not only the ones the one-line message has room for.
    if (error instanceof ApiError && error.options.violations?.length) {
      throw new Error(`the export was refused, nothing was imported:\n${error.options.violations.map((v) => `  ${v.field}: ${v.description}`).join('\n')}`);
    }
    throw error;
  } finally {
    await store.close();
  }
}

/** `accessgraph okta import-system-log <file>`: imports sign-ins straight into the configured database; prints the counts as JSON. */
export async function importSystemLog(file: string, options: StoreFlags): Promise<void> {
  const events = await readExportFile(file);
  const result = await withOkta(options, (okta) => okta.importSystemLog(events));
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
}

/** `accessgraph okta import-users <file>`: imports Okta users (profiles) the same way. */
export async function importUsers(file: string, options: StoreFlags): Promise<void> {
  const users = await readExportFile(file);
  const result = await withOkta(options, (okta) => okta.importUsers(users));
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
}

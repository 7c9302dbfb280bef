import { promisify } from 'node:util';
import { gunzip, gzip, constants as zlibConstants } from 'node:zlib';
import type { FastifyBaseLogger } from 'fastify';
import type { CustomTemplate } from '@accessgraph/contract';
import { IssueCollector, applyIncremental, type PayloadTemplate } from '@accessgraph/core';
import type { DataSourceState, StateSize, Store } from '@accessgraph/storage';

const gzipAsync = promisify(gzip);
const gunzipAsync = promisify(gunzip);

/**
 * The data source's state as one payload: the last one stored whole, with the changes made by
 * difference since applied in order. Each was valid when it was committed, so none can fail now.
 */
export async function wholeState(template: CustomTemplate, reader: PayloadTemplate, base: DataSourceState): Promise<Record<string, unknown>> {
  const issues = new IssueCollector();
  const parse = async (gzipped: Uint8Array) => JSON.parse((await gunzipAsync(gzipped)).toString('utf8')) as unknown;
  const state = reader.normalise(await parse(base.payload), issues) as Record<string, unknown>;
  for (const change of base.changes) applyIncremental(template, state, (await parse(change)) as Record<string, unknown>, issues);
  if (issues.hasErrors) throw new Error(`the data source's logged changes no longer apply to its stored payload: ${issues.errors[0]!.path}: ${issues.errors[0]!.message}`);
  return state;
}

/**
 * After a change made by difference: when the changes logged after the stored payload have grown
 * larger than it, folds them into it (`Store.compactDataSourceState`), so the log stays smaller
 * than the payload and the next whole-state change replays little. Folding costs what reading the
 * whole state costs, once for every payload's worth of changes logged: a few per cent of each
 * change, however many come. Best effort, after the push's commit: a failure, or a push that comes
 * in between, leaves the log to the next change.
 */
export async function foldLogIfLarge(store: Store, dataSourceId: string, template: CustomTemplate, reader: PayloadTemplate, size: StateSize, log: FastifyBaseLogger): Promise<void> {
  if (size.logBytes <= size.payloadBytes) return;
  try {
    const base = await store.getDataSourceState(dataSourceId);
    if (!base) return;
    const payload = await gzipAsync(JSON.stringify(await wholeState(template, reader, base)), { level: zlibConstants.Z_BEST_SPEED });
    const folded = await store.compactDataSourceState(dataSourceId, { payload, pushedAt: base.pushedAt, changes: base.changes.length });
    log.info({ data_source_id: dataSourceId, changes: base.changes.length, folded }, 'incremental push: logged changes folded into the stored payload');
  } catch (error) {
    log.error({ err: error, data_source_id: dataSourceId }, 'could not fold the logged changes into the stored payload; the next change tries again');
  }
}

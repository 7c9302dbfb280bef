import { afterEach, beforeEach, expect } from 'vitest';
import type { CustomTemplate } from '@accessgraph/contract';
import { IssueCollector, PAYLOAD_TEMPLATES, applyIncremental } from '@accessgraph/core';
import { commitByDifference, graphDump } from './leaf-delta-oracle.js';
import { commitPayload, type PushTarget } from './push-payload.js';
import type { TestBackend, TestDatabase } from './test-backends.js';

type Json = Record<string, unknown>;
type Dump = Record<string, string[]>;

/**
 * The oracles of the tests of people changed by difference (IdP users, HRIS employees): the same
 * data sources pushed in the same order (`pushAll`, the changed one first, so that every data
 * source has the same sequence number and node ids) into `mine`, where the changes are made by
 * difference, into `oracle`, where the state is pushed whole, and, for each comparison, into a
 * fresh database (`freshDump`), where every link is resolved at once. Registers the hooks that
 * create and dispose of the first two around each test.
 */
export interface PeopleOracle {
  readonly mine: TestDatabase;
  readonly oracle: TestDatabase;
  dump(db: TestDatabase, target: PushTarget): Promise<Dump>;
  /** The changed data source's graph in a new database where `state` and the others are pushed whole. */
  freshDump(state: Json): Promise<Dump>;
}

export function usePeopleOracle(backend: TestBackend, pushAll: (db: TestDatabase, state: Json) => Promise<PushTarget>): PeopleOracle {
  const databases: { mine?: TestDatabase; oracle?: TestDatabase } = {};
  beforeEach(async () => {
    databases.mine = await backend.create();
    databases.oracle = await backend.create();
  });
  afterEach(async () => {
    await databases.mine?.dispose();
    await databases.oracle?.dispose();
  });
  const dump = (db: TestDatabase, target: PushTarget) => graphDump(db, backend.name, target.dataSourceId);
  return {
    get mine() {
      return databases.mine!;
    },
    get oracle() {
      return databases.oracle!;
    },
    dump,
    async freshDump(state) {
      const fresh = await backend.create();
      try {
        return await dump(fresh, await pushAll(fresh, state));
      } finally {
        await fresh.dispose();
      }
    },
  };
}

/**
 * A random sequence of changes of people against the oracles: each change the whole state accepts
 * is made by difference in `mine` (one the stored state cannot take by difference is left out on
 * both sides), the state is pushed whole in `oracle`, and the graphs must be the same as each
 * other and as a fresh push's; most changes must be made. At the end the state is pushed whole
 * over what the changes left (node ids with holes, links by them), which must give the fresh graph too.
 */
export async function checkRandomChanges(
  oracles: PeopleOracle,
  pushAll: (db: TestDatabase, state: Json) => Promise<PushTarget>,
  template: CustomTemplate,
  sequence: { label: string; state: Json; changes: number; change: (state: Json, n: number) => Json },
): Promise<void> {
  const { mine, oracle } = oracles;
  let state = sequence.state;
  const target = await pushAll(mine, state);
  const oracleTarget = await pushAll(oracle, state);
  let made = 0;
  for (let n = 0; n < sequence.changes; n++) {
    const change = sequence.change(state, n);
    const next = structuredClone(state);
    const issues = new IssueCollector();
    const { tagRemovals } = applyIncremental(template, next, structuredClone(change), issues);
    if (!issues.hasErrors) PAYLOAD_TEMPLATES[template].read(next, issues);
    if (issues.hasErrors) continue;
    const outcome = await commitByDifference(mine.store, target, change, template);
    if ('whole' in outcome) continue;
    state = next;
    made++;
    // Tags are additive across pushes: the whole push takes away only those the change removes.
    await commitPayload(oracle.store, oracleTarget, template, structuredClone(state), tagRemovals);
    const dump = await oracles.dump(mine, target);
    expect(dump, `${sequence.label}, change ${n}: ${JSON.stringify(change)}`).toEqual(await oracles.dump(oracle, oracleTarget));
    expect(dump, `${sequence.label}, change ${n}, afresh`).toEqual(await oracles.freshDump(state));
  }
  expect(made).toBeGreaterThanOrEqual(sequence.changes / 2);
  await commitPayload(mine.store, target, template, structuredClone(state));
  expect(await oracles.dump(mine, target)).toEqual(await oracles.freshDump(state));
}

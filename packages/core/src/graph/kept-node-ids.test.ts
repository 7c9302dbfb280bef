import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { ApplicationPayload } from '@accessgraph/contract';
import { deriveApplicationGraph } from '../application/derive-application.js';
import { readApplicationPayload } from '../application/read-application.js';
import { IssueCollector } from '../payload/issues.js';
import { expandEffectiveAccess } from './effective-access.js';
import { tableRows } from './graph-tables.js';
import { keptNodeIds, renumberNodes } from './kept-node-ids.js';

function ledger(edit: (payload: ApplicationPayload) => void = () => {}) {
  const payload = JSON.parse(readFileSync(new URL('../../../../test/fixtures/app-ledger.json', import.meta.url), 'utf8')) as ApplicationPayload;
  edit(payload);
  const issues = new IssueCollector();
  const model = readApplicationPayload(payload, issues);
  expect(issues.errors).toEqual([]);
  return deriveApplicationGraph(model);
}

const idsByKey = (graph: ReturnType<typeof ledger>) => new Map(graph.nodes.map((n) => [n.key, n.id]));

/** Edges and grants by node key, so that two numberings of one graph compare equal. */
function byKeys(graph: ReturnType<typeof ledger>) {
  const key = (id: number) => graph.nodes[id]!.key;
  return {
    edges: tableRows(graph.edges).map((e) => `${e.kind} ${key(e.from)} ${key(e.to)}`).sort(),
    grants: tableRows(graph.grants).map((g) => `${key(g.holder)} ${key(g.permission)} ${key(g.scope)} ${g.role === null ? '-' : key(g.role)}`).sort(),
    reach: tableRows(graph.reach).map((r) => `${key(r.principal)} ${key(r.holder)} ${r.depth}`).sort(),
    ancestry: tableRows(graph.ancestry).map((a) => `${key(a.node)} ${key(a.ancestor)} ${a.depth}`).sort(),
    refs: graph.identityRefs.map((r) => `${key(r.node)} ${r.source} ${r.identity}`).sort(),
    parents: graph.nodes.map((n) => `${n.key} ${n.appId === null ? '-' : key(n.appId)} ${n.parentId === null ? '-' : key(n.parentId)}`).sort(),
  };
}

describe('kept node ids', () => {
  it('is null when the graph is numbered as before', () => {
    const graph = ledger();
    expect(keptNodeIds(graph.nodes, idsByKey(graph))).toBeNull();
  });

  it('moves only the last node into the place of a removed one, and keeps every other id', () => {
    const before = ledger();
    // bot holds no permission: removing it leaves a valid payload.
    const removed = before.nodes.find((n) => n.kind === 'local_user' && n.localKey === 'bot')!;
    const after = ledger((p) => {
      for (const a of p.applications ?? []) a.local_users = a.local_users?.filter((u) => u.name !== 'bot');
    });
    expect(after.nodes.some((n) => n.key === removed.key)).toBe(false);
    const previous = idsByKey(before);
    const ids = keptNodeIds(after.nodes, previous)!;
    expect(ids).not.toBeNull();
    const last = before.nodes[before.nodes.length - 1]!;
    const moved = after.nodes.filter((n, i) => ids[i] !== previous.get(n.key));
    // Whatever had the highest id (if it survived) takes the freed id; nothing else moves.
    expect(moved.map((n) => n.key)).toEqual(after.nodes.some((n) => n.key === last.key) ? [last.key] : []);
    expect(new Set(ids).size).toBe(after.nodes.length);
  });

  it('renumbering keeps the graph: the same edges, grants, reach, ancestry, identity strings and effective access by key', () => {
    const graph = ledger();
    const expected = byKeys(graph);
    const access = expandEffectiveAccess(graph);
    // Previous ids: the derivation's, reversed.
    const n = graph.nodes.length;
    const previous = new Map(graph.nodes.map((node) => [node.key, n - 1 - node.id]));
    const ids = keptNodeIds(graph.nodes, previous)!;
    renumberNodes(graph, ids);
    expect(graph.nodes.every((node, i) => node.id === i && previous.get(node.key) === i)).toBe(true);
    expect(byKeys(graph)).toEqual(expected);
    expect(expandEffectiveAccess(graph)).toEqual(access);
  });

  it('gives new keys and out-of-range ids the free ids in order', () => {
    const nodes = ['a', 'b', 'c', 'd'].map((key, id) => ({ key, id })) as unknown as Parameters<typeof keptNodeIds>[0];
    // a keeps 2; b's old id 9 is out of range; c and d are new.
    expect([...keptNodeIds(nodes, new Map([['a', 2], ['b', 9]]))!]).toEqual([2, 0, 1, 3]);
  });
});

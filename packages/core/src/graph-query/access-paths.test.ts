import { describe, expect, it } from 'vitest';
import type { KeysetValue } from '../page-token.js';
import { pathPage, type FoundPath, type PathGraph, type PathState } from './access-paths.js';

/**
 * Small graphs written as moves between named nodes, one state per node (unless a test adds
 * more), every node in data source `d` keyed by its name; `t` is the end. Expected orders are
 * worked out by hand from the rule: shorter first, then step by step by the next node's key, the
 * edge, the permission.
 */
function graphOf(moves: Array<[string, string, string, string?]>, extraStates: Array<{ node: string; moves: Array<[string, string, string?]> }> = []): PathGraph {
  const names = [...new Set(moves.flatMap(([from, , to]) => [from, to]).concat(extraStates.map((s) => s.node)))].sort();
  const nodes = names.map((key) => ({ ds: 'd', key }));
  const states: PathState[] = names.map((name, node) => ({ node, moves: [], end: name === 't' }));
  for (const [from, edge, to, permission] of moves) states[names.indexOf(from)]!.moves.push({ edge, to: names.indexOf(to), ...(permission ? { permission } : {}) });
  for (const extra of extraStates) {
    states.push({ node: names.indexOf(extra.node), end: false, moves: extra.moves.map(([edge, to, permission]) => ({ edge, to: names.indexOf(to), ...(permission ? { permission } : {}) })) });
  }
  return { nodes, states, start: names.indexOf('s') };
}

const show = (graph: PathGraph, paths: FoundPath[]) =>
  paths.map((p) => `${p.permission}: ${p.nodes.map((n, i) => `${graph.nodes[n]!.key}${p.edges[i] ? ` -${p.edges[i]}-> ` : ''}`).join('')}`);

function all(graph: PathGraph): FoundPath[] {
  const page = pathPage(graph, { limit: 1000, maxWork: 100_000 });
  if (!page.ok) throw new Error('expected a page');
  return page.paths;
}

/** Every path, one page of `size` at a time, following each page's last cursor. */
function paged(graph: PathGraph, size: number): FoundPath[] {
  const paths: FoundPath[] = [];
  let after: KeysetValue[] | undefined;
  for (let round = 0; round < 100; round++) {
    const page = pathPage(graph, { limit: size, maxWork: 100_000, ...(after ? { after } : {}) });
    if (!page.ok) throw new Error('expected a page');
    expect(page.paths.length).toBeLessThanOrEqual(size);
    paths.push(...page.paths);
    if (!page.more) return paths;
    after = page.paths[page.paths.length - 1]!.cursor;
  }
  throw new Error('paging did not end');
}

// s holds `read` on t directly; s is in groups a and b, both in c, which holds `read` and `write`.
const DIAMOND: Array<[string, string, string, string?]> = [
  ['s', 'grants', 't', 'read'],
  ['s', 'member_of', 'b'],
  ['s', 'member_of', 'a'],
  ['a', 'member_of', 'c'],
  ['b', 'member_of', 'c'],
  ['c', 'grants', 't', 'write'],
  ['c', 'grants', 't', 'read'],
];

describe('access paths', () => {
  it('come shortest first, then by the next node, edge and permission at each step', () => {
    const graph = graphOf(DIAMOND);
    // Length 1: s -> t. Length 3: through a before through b; at c, read before write.
    expect(show(graph, all(graph))).toEqual([
      'read: s -grants-> t',
      'read: s -member_of-> a -member_of-> c -grants-> t',
      'write: s -member_of-> a -member_of-> c -grants-> t',
      'read: s -member_of-> b -member_of-> c -grants-> t',
      'write: s -member_of-> b -member_of-> c -grants-> t',
    ]);
  });

  it('page one at a time through every path once, in the same order', () => {
    const graph = graphOf(DIAMOND);
    expect(show(graph, paged(graph, 1))).toEqual(show(graph, all(graph)));
    expect(show(graph, paged(graph, 2))).toEqual(show(graph, all(graph)));
  });

  it('resume after a path that no longer exists at the next one in order', () => {
    const graph = graphOf(DIAMOND);
    const [, second, third] = all(graph);
    // The same graph without group a: the cursor of a path through a resumes at the paths through b.
    const withoutA = graphOf(DIAMOND.filter(([from, , to]) => from !== 'a' && to !== 'a'));
    const page = pathPage(withoutA, { limit: 10, maxWork: 100_000, after: second!.cursor });
    expect(page.ok && show(withoutA, page.paths)).toEqual(['read: s -member_of-> b -member_of-> c -grants-> t', 'write: s -member_of-> b -member_of-> c -grants-> t']);
    expect(third!.cursor[0]).toBe(3);
  });

  it('never loop in a cycle of groups and never repeat a node', () => {
    // g1 and g2 are in each other; only g2 holds the grant.
    const graph = graphOf([
      ['s', 'member_of', 'g1'],
      ['g1', 'member_of', 'g2'],
      ['g2', 'member_of', 'g1'],
      ['g2', 'grants', 't', 'read'],
    ]);
    expect(show(graph, all(graph))).toEqual(['read: s -member_of-> g1 -member_of-> g2 -grants-> t']);
  });

  it('show two states of one node that lead the same way as one path, and different grants as two', () => {
    // r is reached once as a group-like holder and once as a role bound to s: the same chain, one path.
    const graph = graphOf(
      [
        ['s', 'has_role', 'r'],
        ['r', 'grants', 't', 'read'],
      ],
      [{ node: 'r', moves: [['grants', 't', 'read'], ['grants', 't', 'admin']] }],
    );
    graph.states[graph.start]!.moves.push({ edge: 'has_role', to: graph.states.length - 1 });
    expect(show(graph, all(graph))).toEqual(['admin: s -has_role-> r -grants-> t', 'read: s -has_role-> r -grants-> t']);
  });

  it('name the limit rather than return fewer paths when the search would take too long', () => {
    // Five layers of five groups, each group in every group of the next layer: 5^5 = 3125 paths of length 6.
    const moves: Array<[string, string, string, string?]> = [];
    for (let g = 0; g < 5; g++) moves.push(['s', 'member_of', `l0g${g}`], [`l4g${g}`, 'grants', 't', 'read']);
    for (let layer = 0; layer < 4; layer++) for (let a = 0; a < 5; a++) for (let b = 0; b < 5; b++) moves.push([`l${layer}g${a}`, 'member_of', `l${layer + 1}g${b}`]);
    const graph = graphOf(moves);
    expect(pathPage(graph, { limit: 1000, maxWork: 2_000 })).toEqual({ ok: false, exceeded: 2_000 });
    // A page of ten costs about ten paths' steps, not 3125 paths': it fits the same budget.
    const first = pathPage(graph, { limit: 10, maxWork: 2_000 });
    expect(first.ok && first.paths.length).toBe(10);
    expect(first.ok && first.more).toBe(true);
  });

  it('refuse a cursor that is not a path cursor', () => {
    const graph = graphOf(DIAMOND);
    expect(pathPage(graph, { limit: 1, maxWork: 1000, after: ['x'] })).toEqual({ ok: false, badCursor: true });
    expect(pathPage(graph, { limit: 1, maxWork: 1000, after: [1, 'd', 't', 'grants'] })).toEqual({ ok: false, badCursor: true });
  });
});

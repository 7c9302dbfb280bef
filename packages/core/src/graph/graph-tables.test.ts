import { describe, expect, it } from 'vitest';
import { closure } from './closure.js';
import { AncestryTable, EdgeTable, GrantTable, ReachTable, tableRows } from './graph-tables.js';

describe('columnar graph tables', () => {
  it('keep every row as added when they grow past their first capacity', () => {
    const reach = new ReachTable();
    for (let i = 0; i < 1000; i++) reach.add(i, i * 2, i % 7);
    expect(reach.length).toBe(1000);
    expect(reach.row(0)).toEqual({ principal: 0, holder: 0, depth: 0 });
    expect(reach.row(999)).toEqual({ principal: 999, holder: 1998, depth: 999 % 7 });
    const ancestry = AncestryTable.from([{ node: 3, ancestor: 1, depth: 2 }]);
    expect(tableRows(ancestry)).toEqual([{ node: 3, ancestor: 1, depth: 2 }]);
  });

  it('grants round-trip, with flags, direct grants and type filters shared by equal lists', () => {
    const rows = [
      { holder: 1, permission: 2, scope: 3, self: true, descendants: false, types: null, role: null },
      { holder: 1, permission: 2, scope: 3, self: false, descendants: true, types: ['folder', 'repo'], role: 0 },
      { holder: 4, permission: 5, scope: 6, self: true, descendants: true, types: ['folder', 'repo'], role: 7 },
      { holder: 4, permission: 5, scope: 6, self: true, descendants: true, types: ['folder'], role: 7 },
    ];
    const grants = GrantTable.from(rows);
    expect(tableRows(grants)).toEqual(rows);
    // Two distinct filters, though three rows carry one (two of them as different arrays).
    expect(grants.typeSets).toEqual([['folder', 'repo'], ['folder']]);
    expect(grants.col.role[0]).toBe(-1);
    const copy = new GrantTable();
    copy.copyRow(grants, 3);
    expect(copy.row(0)).toEqual(rows[3]);
  });

  it('edges keep their kind and their properties where they have some', () => {
    const edges = EdgeTable.from([
      { kind: 'contains', from: 0, to: 1 },
      { kind: 'has_role', from: 1, to: 2, properties: { apply_to_application: true, resources: [] } },
    ]);
    expect(edges.kind(1)).toBe('has_role');
    expect(tableRows(edges)).toEqual([
      { kind: 'contains', from: 0, to: 1 },
      { kind: 'has_role', from: 1, to: 2, properties: { apply_to_application: true, resources: [] } },
    ]);
  });
});

describe('closure', () => {
  // 0 -> 1 -> 2 -> 3, and 0 -> 2 directly; 4 stands alone.
  const next = [[1, 2], [2], [3], undefined, undefined];

  it('reaches every node once, at its shortest depth, the start itself at depth 0', () => {
    expect(tableRows(closure([0, 4], next, 5))).toEqual([
      { principal: 0, holder: 0, depth: 0 },
      { principal: 0, holder: 1, depth: 1 },
      { principal: 0, holder: 2, depth: 1 },
      { principal: 0, holder: 3, depth: 2 },
      { principal: 4, holder: 4, depth: 0 },
    ]);
  });

  it('walks through the nodes it does not keep', () => {
    const kept = tableRows(closure([0], next, 5, (node) => node === 3));
    expect(kept).toEqual([{ principal: 0, holder: 3, depth: 2 }]);
  });

  it('stops on a cycle', () => {
    expect(tableRows(closure([0], [[1], [0]], 2))).toEqual([
      { principal: 0, holder: 0, depth: 0 },
      { principal: 0, holder: 1, depth: 1 },
    ]);
  });
});

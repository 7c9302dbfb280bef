import { EDGE_KINDS, type AncestryRow, type EdgeKind, type GraphEdge, type GrantRow, type ReachRow } from './derived-graph.js';

/**
 * The big pieces of a derivation as columns of integers (struct of arrays), not one object per
 * row. A 100 MB payload derives millions of edges, reach, ancestry and grant rows: as objects
 * they cost a gigabyte of heap and seconds of garbage collection, because every one of them
 * survives until the push is stored; as typed arrays they are a few tens of megabytes that the
 * collector never walks. Storage reads the columns straight into its write buffers.
 *
 * Written by hand: what is needed is a growable typed array per column with amortised doubling,
 * a few lines that no library adds anything to.
 */
class Columns<K extends string> {
  length = 0;
  /** One array per column; `col[name][i]` is row i's value. Replaced as the table grows. */
  readonly col: Record<K, Int32Array>;

  constructor(private readonly names: readonly K[], capacity = 64) {
    capacity = Math.max(1, capacity);
    this.col = Object.fromEntries(names.map((name) => [name, new Int32Array(capacity)])) as Record<K, Int32Array>;
  }

  /** The index of a new row, growing every column when full. */
  protected next(): number {
    const capacity = this.col[this.names[0]!].length;
    if (this.length === capacity) {
      for (const name of this.names) {
        const grown = new Int32Array(capacity * 2);
        grown.set(this.col[name]);
        this.col[name] = grown;
      }
    }
    return this.length++;
  }
}

/** principal -> holder whose grants it receives, with the depth of the membership chain. */
export class ReachTable extends Columns<'principal' | 'holder' | 'depth'> {
  /** `capacity`: rows to make room for at once (it grows beyond as needed). */
  constructor(capacity?: number) {
    super(['principal', 'holder', 'depth'], capacity);
  }

  add(principal: number, holder: number, depth: number): void {
    const i = this.next();
    this.col.principal[i] = principal;
    this.col.holder[i] = holder;
    this.col.depth[i] = depth;
  }

  row(i: number): ReachRow {
    return { principal: this.col.principal[i]!, holder: this.col.holder[i]!, depth: this.col.depth[i]! };
  }

  static from(rows: Iterable<ReachRow>): ReachTable {
    const table = new ReachTable();
    for (const r of rows) table.add(r.principal, r.holder, r.depth);
    return table;
  }
}

/** node -> ancestor (itself at depth 0, parent resources, its application). */
export class AncestryTable extends Columns<'node' | 'ancestor' | 'depth'> {
  /** `capacity`: rows to make room for at once (it grows beyond as needed). */
  constructor(capacity?: number) {
    super(['node', 'ancestor', 'depth'], capacity);
  }

  add(node: number, ancestor: number, depth: number): void {
    const i = this.next();
    this.col.node[i] = node;
    this.col.ancestor[i] = ancestor;
    this.col.depth[i] = depth;
  }

  row(i: number): AncestryRow {
    return { node: this.col.node[i]!, ancestor: this.col.ancestor[i]!, depth: this.col.depth[i]! };
  }

  static from(rows: Iterable<AncestryRow>): AncestryTable {
    const table = new AncestryTable();
    for (const r of rows) table.add(r.node, r.ancestor, r.depth);
    return table;
  }
}

const SELF = 1;
const DESCENDANTS = 2;

/**
 * Grants after role expansion. `role` is -1 for a direct grant; `flags` holds whether the grant
 * applies to its scope (1) and to the scope's descendants (2); `typeSet` indexes `typeSets`, the
 * distinct resource-type filters (lower-cased), or is -1 for none.
 */
export class GrantTable extends Columns<'holder' | 'permission' | 'scope' | 'role' | 'flags' | 'typeSet'> {
  readonly typeSets: Array<readonly string[]> = [];
  /** Type filters by array identity first: derivations pass a permission's own array each time. */
  private readonly typeSetIds = new Map<readonly string[] | string, number>();

  /** `capacity`: rows to make room for at once (it grows beyond as needed). */
  constructor(capacity?: number) {
    super(['holder', 'permission', 'scope', 'role', 'flags', 'typeSet'], capacity);
  }

  add(holder: number, permission: number, scope: number, self: boolean, descendants: boolean, types: readonly string[] | null, role: number | null): void {
    const i = this.next();
    const c = this.col;
    c.holder[i] = holder;
    c.permission[i] = permission;
    c.scope[i] = scope;
    c.role[i] = role ?? -1;
    c.flags[i] = (self ? SELF : 0) | (descendants ? DESCENDANTS : 0);
    c.typeSet[i] = types === null ? -1 : this.typeSetId(types);
  }

  /** Copies row `i` of `other` (whose type sets may differ) to the end of this table. */
  copyRow(other: GrantTable, i: number): void {
    const c = other.col;
    const types = c.typeSet[i]! < 0 ? null : other.typeSets[c.typeSet[i]!]!;
    this.add(c.holder[i]!, c.permission[i]!, c.scope[i]!, other.self(i), other.descendants(i), types, c.role[i]! < 0 ? null : c.role[i]!);
  }

  self(i: number): boolean {
    return (this.col.flags[i]! & SELF) !== 0;
  }

  descendants(i: number): boolean {
    return (this.col.flags[i]! & DESCENDANTS) !== 0;
  }

  /** The grant's type filter, or null for none. */
  types(i: number): readonly string[] | null {
    const id = this.col.typeSet[i]!;
    return id < 0 ? null : this.typeSets[id]!;
  }

  row(i: number): GrantRow {
    const c = this.col;
    const types = this.types(i);
    return {
      holder: c.holder[i]!,
      permission: c.permission[i]!,
      scope: c.scope[i]!,
      self: this.self(i),
      descendants: this.descendants(i),
      types: types === null ? null : [...types],
      role: c.role[i]! < 0 ? null : c.role[i]!,
    };
  }

  static from(rows: Iterable<GrantRow>): GrantTable {
    const table = new GrantTable();
    for (const g of rows) table.add(g.holder, g.permission, g.scope, g.self, g.descendants, g.types, g.role);
    return table;
  }

  private typeSetId(types: readonly string[]): number {
    let id = this.typeSetIds.get(types);
    if (id !== undefined) return id;
    const key = types.join('\u0000');
    id = this.typeSetIds.get(key);
    if (id === undefined) {
      id = this.typeSets.length;
      this.typeSets.push(types);
      this.typeSetIds.set(key, id);
    }
    this.typeSetIds.set(types, id);
    return id;
  }
}

const EDGE_KIND_IDS = new Map<EdgeKind, number>(EDGE_KINDS.map((kind, i) => [kind, i]));

/** Edges: kind (an index into EDGE_KINDS), from, to; properties only where an edge has some. */
export class EdgeTable extends Columns<'kind' | 'from' | 'to'> {
  /** One entry per edge, undefined for most (contains, member_of): kept dense, so it stays a flat array. */
  readonly properties: Array<Record<string, unknown> | undefined> = [];

  /** `capacity`: rows to make room for at once (it grows beyond as needed). */
  constructor(capacity?: number) {
    super(['kind', 'from', 'to'], capacity);
  }

  add(kind: EdgeKind, from: number, to: number, properties?: Record<string, unknown>): void {
    const i = this.next();
    this.col.kind[i] = EDGE_KIND_IDS.get(kind)!;
    this.col.from[i] = from;
    this.col.to[i] = to;
    this.properties.push(properties);
  }

  kind(i: number): EdgeKind {
    return EDGE_KINDS[this.col.kind[i]!]!;
  }

  row(i: number): GraphEdge {
    const properties = this.properties[i];
    const edge: GraphEdge = { kind: this.kind(i), from: this.col.from[i]!, to: this.col.to[i]! };
    return properties === undefined ? edge : { ...edge, properties };
  }

  static from(rows: Iterable<GraphEdge>): EdgeTable {
    const table = new EdgeTable();
    for (const e of rows) table.add(e.kind, e.from, e.to, e.properties);
    return table;
  }
}

/** Every row of a table as an object: for tests and small tools, never for a large derivation. */
export function tableRows<R>(table: { length: number; row(i: number): R }): R[] {
  return Array.from({ length: table.length }, (_, i) => table.row(i));
}

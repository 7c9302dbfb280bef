/**
 * The permutation of 0..count-1 that sorts rows by keys[last], then ..., then keys[0] (LSD radix
 * order, stable, so equal rows keep the derivation's order), each key an integer in 0..size-1
 * (a node id). Counting sorts: linear, and a few milliseconds for a million rows. Rows already in
 * order (the common case: derivations emit most tables grouped by their first key) cost one pass.
 */
export function sortedOrder(count: number, size: number, ...keys: Array<(i: number) => number>): Uint32Array {
  const values: Int32Array[] = [];
  for (const key of keys) {
    const column = new Int32Array(count);
    for (let i = 0; i < count; i++) {
      const k = key(i);
      // Not a node id (a broken derivation): keep the given order; the write reports the rest.
      if (!(k >= 0 && k < size && Number.isInteger(k))) return identity(count);
      column[i] = k;
    }
    values.push(column);
  }
  let order: Uint32Array = identity(count);
  if (isSorted(count, values)) return order;
  let next: Uint32Array = new Uint32Array(count);
  const counts = new Uint32Array(size + 1);
  for (const column of values) {
    counts.fill(0);
    for (let i = 0; i < count; i++) counts[column[i]! + 1]!++;
    for (let k = 1; k <= size; k++) counts[k]! += counts[k - 1]!;
    for (let i = 0; i < count; i++) {
      const row = order[i]!;
      next[counts[column[row]!]!++] = row;
    }
    [order, next] = [next, order];
  }
  return order;
}

function identity(count: number): Uint32Array {
  const order = new Uint32Array(count);
  for (let i = 0; i < count; i++) order[i] = i;
  return order;
}

function isSorted(count: number, values: Int32Array[]): boolean {
  for (let i = 1; i < count; i++) {
    for (let k = values.length - 1; k >= 0; k--) {
      const a = values[k]![i - 1]!;
      const b = values[k]![i]!;
      if (a < b) break;
      if (a > b) return false;
    }
  }
  return true;
}

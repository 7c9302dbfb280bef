/**
 * The entities of one kind gathered from the rows, keyed ignoring case (as OAA matches keys), in
 * the order they first appear. A repeated key finds the entity its first row made.
 */
export class EntityBook<T> {
  private readonly byKey = new Map<string, { entity: T; index: number; row: number }>();
  readonly items: T[] = [];

  get(key: string): { entity: T; index: number; row: number } | undefined {
    return this.byKey.get(key.toLowerCase());
  }

  /** The entity of `key`, made by `make` on its first row. */
  ensure(key: string, row: number, make: () => T): { entity: T; index: number; created: boolean } {
    const found = this.byKey.get(key.toLowerCase());
    if (found) return { entity: found.entity, index: found.index, created: false };
    const entity = make();
    const index = this.items.push(entity) - 1;
    this.byKey.set(key.toLowerCase(), { entity, index, row });
    return { entity, index, created: true };
  }
}

/** Appends `value` unless the list has it ignoring case; returns its index either way. */
export function addUnique(list: string[], value: string): number {
  const lower = value.toLowerCase();
  const index = list.findIndex((item) => item.toLowerCase() === lower);
  return index >= 0 ? index : list.push(value) - 1;
}

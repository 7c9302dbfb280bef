/** Marks a key to delete in `withChanges`. */
export const REMOVE = Symbol('remove');

/**
 * `payload` with each `[dotPath, value]` applied in place: `['applications.0.name', 5]` sets a
 * value of any JSON type (which the payload's static type would refuse), `[path, REMOVE]`
 * deletes a key. For schema tests, which need payloads a connector could send but the types forbid.
 */
export function withChanges(payload: unknown, ...changes: Array<[string, unknown]>): unknown {
  for (const [path, value] of changes) {
    const keys = path.split('.');
    const last = keys.pop()!;
    let node = payload as Record<string, unknown>;
    for (const key of keys) node = node[key] as Record<string, unknown>;
    if (value === REMOVE) delete node[last];
    else node[last] = value;
  }
  return payload;
}

/** Appends values to a map's list under a key, starting the list on first use: the one shape every grouping of graph rows here takes. */
export function appendTo<K, V>(lists: Map<K, V[]>, key: K, ...values: V[]): void {
  const list = lists.get(key);
  if (list === undefined) lists.set(key, values);
  else list.push(...values);
}

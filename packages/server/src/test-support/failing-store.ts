import type { Store } from '@accessgraph/storage';

/**
 * The store with some methods replaced, e.g. to make `listProviders` throw: the way to reach the
 * server's 500 and 503 answers without breaking a real database.
 */
export function storeWith(store: Store, overrides: Partial<Record<keyof Store, (...args: unknown[]) => unknown>>): Store {
  return new Proxy(store, {
    get(target, property, receiver) {
      const override = overrides[property as keyof Store];
      if (override) return override;
      const value: unknown = Reflect.get(target, property, receiver);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}

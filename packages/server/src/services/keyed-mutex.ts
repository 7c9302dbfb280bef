/**
 * Runs tasks one at a time per key (pushes to one data source), in arrival order, while tasks
 * of other keys run freely. Within one process this keeps a second push from deriving while the
 * first commits; across replicas the store's transaction lock does the same.
 */
export class KeyedMutex {
  private readonly tails = new Map<string, Promise<unknown>>();

  async run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const current = previous.catch(() => undefined).then(task);
    this.tails.set(key, current);
    try {
      return await current;
    } finally {
      if (this.tails.get(key) === current) this.tails.delete(key);
    }
  }
}

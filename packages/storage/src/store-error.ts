/**
 * The failures the storage layer reports. Driver errors are translated into these at the
 * boundary so that raw driver messages never reach a client.
 */
/** `conflict`: the data source's state changed under an incremental push (another replica pushed); apply it again. */
export type StoreErrorCode = 'duplicate' | 'invalid_cursor' | 'unavailable' | 'internal' | 'conflict';

export class StoreError extends Error {
  constructor(
    readonly code: StoreErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'StoreError';
  }
}

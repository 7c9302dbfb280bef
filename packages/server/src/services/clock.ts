/** The current time as the ISO-8601 UTC text stored everywhere. */
export function nowIso(): string {
  return new Date().toISOString();
}

/** Where a service reads the time; tests pass a clock they move. */
export type Clock = () => Date;

export const systemClock: Clock = () => new Date();

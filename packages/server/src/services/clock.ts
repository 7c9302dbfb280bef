/** The current time as the ISO-8601 UTC text stored everywhere. */
export function nowIso(): string {
  return new Date().toISOString();
}

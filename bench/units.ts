/** Decimal units, as the issue states its targets ("100 MB", "1.5 GB"). */
export const mb = (bytes: number) => `${(bytes / 1e6).toFixed(bytes >= 1e8 || bytes <= -1e8 ? 0 : 1)} MB`;
export const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
export const ms = (value: number) => `${Math.round(value)}`;
export const count = (n: number) => n.toLocaleString('en-US');

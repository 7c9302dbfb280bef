import type { ApiKeyRole } from '@accessgraph/contract';

/** What a route needs: no key at all, or a key with at least this role. */
export type Access = 'public' | ApiKeyRole;

const RANK: Record<ApiKeyRole, number> = { reader: 1, writer: 2, admin: 3 };

/** admin can do everything a writer can, and a writer everything a reader can. */
export function roleAllows(role: ApiKeyRole, needed: ApiKeyRole): boolean {
  return RANK[role] >= RANK[needed];
}

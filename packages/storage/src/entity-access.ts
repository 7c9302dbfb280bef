import type { Kysely } from 'kysely';
import type { EntityAccessRow, LinkedIdentity } from '@accessgraph/contract';
import type { KeysetValue } from '@accessgraph/core';
import type { Database } from './database.js';
import { findAccessPaths } from './effective-paths.js';
import { describePathRows } from './effective-permissions-query.js';
import type { GraphStorage } from './graph-writer.js';
import { locate } from './node-detail.js';
import { checkKind, type KindCheck } from './node-kind.js';
import { narrowPaths, type PermissionFilter } from './permission-filter.js';
import { peopleBehind } from './people-behind.js';
import type { AccessRow } from './person-access.js';
import { StoreError } from './store-error.js';
import type { Page } from './store.js';

/** The kinds of node whose accessors can be asked: what grants reach. */
export const ENTITY_KINDS: readonly string[] = ['application', 'resource'];

export interface EntityAccessRequest extends PermissionFilter, KindCheck {
  /** Only principals of this type (local_user, local_group, access_cred, idp_identity). */
  principalType?: string;
  pageSize: number;
  /** (principal node key) of the last row of the previous page. */
  after?: KeysetValue[];
}

/** Rows read per round while a page fills up under filters. */
const BATCH = 200;

/**
 * Every principal of an application's data source that can reach an application or resource, by
 * principal key, with the permissions and why, and the people behind each: the IdP users and
 * groups it is linked to, with whether they are active, and the HRIS employees linked to those
 * users, with their employment status. `inactive` and `terminated` flag a row whose access is
 * still held by an identity the IdP marks inactive or an employee HR marks terminated — the
 * finding an access review looks for. Undefined for an unknown node id.
 */
export async function listEntityAccess(db: Kysely<Database>, graphs: GraphStorage, nodeId: string, request: EntityAccessRequest): Promise<Page<EntityAccessRow> | undefined> {
  const found = await locate(db, graphs, nodeId);
  if (found === undefined) return undefined;
  const { ds, node } = found;
  checkKind(node.kind, request);
  if (!ENTITY_KINDS.includes(node.kind)) return { items: [] };
  let after = request.after === undefined ? undefined : cursor(request.after);
  const rows: EntityAccessRow[] = [];
  const keys: string[] = [];
  let more = false;
  // The first round reads the page and one row more (whether more follow): all that a read
  // without filters needs, where a whole BATCH would describe, and look up the people behind,
  // up to twice the rows it shows. Filters that drop rows go on in rounds of BATCH.
  for (let limit = Math.min(BATCH, request.pageSize + 1); ; limit = BATCH) {
    const { pairs, paths } = await findAccessPaths(db, graphs, { ds: ds.seq, targetIds: [node.id], ...(after ? { after: [after, node.node_key] as [string, string] } : {}), limit });
    if (pairs.length === 0) break;
    after = pairs[pairs.length - 1]!.principalKey;
    const page: AccessRow[] = pairs.map((p) => ({ principalKey: p.principalKey, targetKey: p.targetKey, principal: p.principal, target: p.target, locals: [p.principal] }));
    // Independent reads: side by side on PostgreSQL (two connections of the access pool).
    const [described, people] = await Promise.all([describePathRows(db, graphs, ds.seq, page, paths), linkedIdentities(db, graphs, ds.seq, page.map((p) => p.principal!))]);
    for (const [i, row] of described.entries()) {
      if (request.principalType !== undefined && row.principal.type !== request.principalType) continue;
      const narrowed = narrowPaths(row, request);
      if (narrowed === undefined) continue;
      if (rows.length === request.pageSize) {
        more = true;
        break;
      }
      const identities = people.get(page[i]!.principal!) ?? [];
      rows.push({
        ...narrowed,
        identities,
        inactive: identities.some((p) => p.active === false),
        terminated: identities.some((p) => p.employees.some((e) => e.terminated)),
      });
      keys.push(page[i]!.principalKey);
    }
    if (more || pairs.length < limit) break;
  }
  return more ? { items: rows, nextAfter: [keys[keys.length - 1]!] } : { items: rows };
}

function cursor(after: KeysetValue[]): string {
  if (after.length !== 1 || typeof after[0] !== 'string') throw new StoreError('invalid_cursor', 'page token does not match the accessor order');
  return after[0];
}

/** The people behind each principal, as the accessors read shows them (without managers). */
async function linkedIdentities(db: Kysely<Database>, graphs: GraphStorage, ds: number, principals: number[]): Promise<Map<number, LinkedIdentity[]>> {
  const people = await peopleBehind(db, graphs, ds, principals);
  return new Map(
    [...people].map(([principal, list]) => [
      principal,
      list.map((p) => ({ identity: p.identity, active: p.active, employees: p.employees.map((e) => ({ employee: e.employee, employment_status: e.employment_status, terminated: e.terminated })) })),
    ]),
  );
}

import type { Kysely } from 'kysely';
import type { AccessReviewRow } from '@accessgraph/contract';
import type { KeysetValue } from '@accessgraph/core';
import { reviewRows, order, type PrincipalFacts } from './access-review-rows.js';
import type { Database } from './database.js';
import { pushedDataSource } from './data-sources.js';
import { findAccessPairs, type AccessPair, type PairSearch } from './effective-pairs.js';
import { describeAccessRows } from './effective-permissions-query.js';
import { ENTITY_KINDS } from './entity-access.js';
import { inChunks } from './grant-paths.js';
import type { GraphStorage } from './graph-writer.js';
import { locate } from './node-detail.js';
import { peopleBehind } from './people-behind.js';
import { SSO_LAST_LOGIN_PROPERTY } from './okta-sso.js';
import { narrowPaths, type PermissionFilter } from './permission-filter.js';
import { StoreError } from './store-error.js';
import type { Page } from './store.js';

/** What an access review covers: an application or resource node (by its stable id), or a whole application data source. */
export type AccessReviewScope = { nodeId: string } | { dataSourceId: string };

export interface AccessReviewRequest extends PermissionFilter {
  /** Only principals of this type (local_user, local_group, access_cred, idp_identity). */
  principalType?: string;
  /** Only rows whose person is terminated in the HRIS. */
  terminatedOnly?: boolean;
  /** Only rows whose IdP user is inactive. */
  inactiveOnly?: boolean;
  pageSize: number;
  /** (principal node key, target node key, identity key) of the last row of the previous page. */
  after?: KeysetValue[];
}

/** Pairs read per round: about a page's worth (a pair is at least one row), within bounds. */
const batchSize = (pageSize: number) => Math.min(Math.max(pageSize + 1, 50), 1_000);

/** The graph a review reads and the part of it in scope. */
interface Scope {
  ds: number;
  dsId: string;
  /** Conditions on the targets: an application's or one resource's. */
  targets: Pick<PairSearch, 'application' | 'targetIds'>;
}

/**
 * A page of an access review: every (principal, target) pair with access in the scope — an
 * application and its resources, one resource, or a whole data source — in (principal key,
 * target key) order, each as one row per person behind the principal (IdP users and groups it is
 * linked to, with their HRIS employees and managers; or the principal itself when it is linked to
 * none), with the permissions and how each is held. The keyset cursor ends inside a pair when a
 * page does, so page sizes hold exactly. Undefined for an unknown node; no rows for a node that
 * grants do not reach or a data source that was never pushed.
 */
export async function listAccessReview(db: Kysely<Database>, graphs: GraphStorage, scope: AccessReviewScope, request: AccessReviewRequest): Promise<Page<AccessReviewRow> | undefined> {
  const resolved = await resolveScope(db, graphs, scope);
  if (resolved === undefined) return undefined;
  if (resolved === 'empty') return { items: [] };
  const after = request.after === undefined ? undefined : cursor(request.after);
  const reader = graphs.reader(db, resolved.ds);
  const page = new ReviewPage(request);
  let pairCursor: [string, string] | undefined;
  if (after !== undefined) {
    // The pair the previous page ended in may have rows left: read it again, then go on after it.
    const rest = await pairAt(reader, resolved, after[0], after[1]);
    await addPairs(db, graphs, resolved, rest, page, after[2]);
    pairCursor = [after[0], after[1]];
  }
  const batch = batchSize(request.pageSize);
  while (!page.done) {
    const pairs = await findAccessPairs(reader, { ds: resolved.ds, ...resolved.targets, ...(pairCursor ? { after: pairCursor } : {}), limit: batch });
    if (pairs.length === 0) break;
    const last = pairs[pairs.length - 1]!;
    pairCursor = [last.principalKey, last.targetKey];
    await addPairs(db, graphs, resolved, pairs, page, undefined);
    if (pairs.length < batch) break;
  }
  return page.result();
}

/** Rows gathered for a page: stops at pageSize, and knows there is more when one more row qualifies. */
class ReviewPage {
  readonly items: AccessReviewRow[] = [];
  private lastKey: KeysetValue[] | undefined;
  private more = false;

  constructor(readonly request: AccessReviewRequest) {}

  get done(): boolean {
    return this.more;
  }

  /** Offers a row; false once the page is full (the row then only says that more follow). */
  offer(row: AccessReviewRow, key: [string, string, string]): boolean {
    if (this.request.terminatedOnly === true && !row.terminated) return true;
    if (this.request.inactiveOnly === true && row.active !== false) return true;
    if (this.items.length === this.request.pageSize) {
      this.more = true;
      return false;
    }
    this.items.push(row);
    this.lastKey = key;
    return true;
  }

  result(): Page<AccessReviewRow> {
    return this.more && this.lastKey !== undefined ? { items: this.items, nextAfter: this.lastKey } : { items: this.items };
  }
}

/** Describes pairs, finds the people behind their principals and offers their rows (those after `afterIdentity` only, for a resumed pair). */
async function addPairs(db: Kysely<Database>, graphs: GraphStorage, scope: Scope, pairs: AccessPair[], page: ReviewPage, afterIdentity: string | undefined): Promise<void> {
  if (pairs.length === 0) return;
  const reader = graphs.reader(db, scope.ds);
  const principals = pairs.map((p) => p.principal);
  const described = await describeAccessRows(reader, graphs, scope.ds, pairs.map((p) => ({ ...p, locals: [p.principal] })));
  const people = await peopleBehind(db, graphs, scope.ds, principals, { managers: true });
  const facts = await principalFacts(reader, scope.ds, principals);
  for (const [i, access] of described.entries()) {
    const pair = pairs[i]!;
    if (page.request.principalType !== undefined && access.principal.type !== page.request.principalType) continue;
    const narrowed = narrowPaths(access, page.request);
    if (narrowed === undefined) continue;
    for (const { identityKey, row } of reviewRows(narrowed, people.get(pair.principal) ?? [], facts.get(pair.principal) ?? NO_FACTS, scope.dsId)) {
      if (afterIdentity !== undefined && order(identityKey, afterIdentity) <= 0) continue;
      if (!page.offer(row, [pair.principalKey, pair.targetKey, identityKey])) return;
    }
  }
}

/** The pair of these node keys, if it still has access and is in scope. */
async function pairAt(reader: Kysely<Database>, scope: Scope, principalKey: string, targetKey: string): Promise<AccessPair[]> {
  const nodes = await reader.selectFrom('graph_nodes').select(['id', 'node_key']).where('ds', '=', scope.ds).where('node_key', 'in', [principalKey, targetKey]).execute();
  const id = (key: string) => nodes.find((n) => n.node_key === key)?.id;
  const principal = id(principalKey);
  const target = id(targetKey);
  if (principal === undefined || target === undefined) return [];
  if (scope.targets.targetIds !== undefined && !scope.targets.targetIds.includes(Number(target))) return [];
  return findAccessPairs(reader, {
    ds: scope.ds,
    ...(scope.targets.application !== undefined ? { application: scope.targets.application } : {}),
    principalIds: [Number(principal)],
    targetIds: [Number(target)],
    limit: 1,
  });
}

const NO_FACTS: PrincipalFacts = { email: null, active: null, lastLoginAt: null, ssoLastLoginAt: null };

/**
 * Each principal's own facts: its sign-ins, and the email and is_active a row shows when the
 * principal is linked to nobody.
 */
async function principalFacts(reader: Kysely<Database>, ds: number, principals: number[]): Promise<Map<number, PrincipalFacts>> {
  const rows = await inChunks([...new Set(principals)], (slice) => reader.selectFrom('graph_nodes').select(['id', 'properties']).where('ds', '=', ds).where('id', 'in', slice).execute());
  const text = (value: unknown) => (typeof value === 'string' && value !== '' ? value : null);
  return new Map(
    rows.map((row) => {
      const properties = JSON.parse(row.properties) as Record<string, unknown>;
      return [
        Number(row.id),
        {
          email: text(properties.email),
          active: typeof properties.is_active === 'boolean' ? properties.is_active : null,
          lastLoginAt: text(properties.last_login_at),
          ssoLastLoginAt: text(properties[SSO_LAST_LOGIN_PROPERTY]),
        },
      ];
    }),
  );
}

async function resolveScope(db: Kysely<Database>, graphs: GraphStorage, scope: AccessReviewScope): Promise<Scope | 'empty' | undefined> {
  if ('dataSourceId' in scope) {
    const seq = await pushedDataSource(db, scope.dataSourceId);
    return seq === undefined ? 'empty' : { ds: seq, dsId: scope.dataSourceId.toLowerCase(), targets: {} };
  }
  const found = await locate(db, graphs, scope.nodeId);
  if (found === undefined) return undefined;
  const { ds, node } = found;
  if (!ENTITY_KINDS.includes(node.kind)) return 'empty';
  return { ds: ds.seq, dsId: ds.id, targets: node.kind === 'application' ? { application: node.id } : { targetIds: [node.id] } };
}

function cursor(after: KeysetValue[]): [string, string, string] {
  if (after.length !== 3 || !after.every((v) => typeof v === 'string')) throw new StoreError('invalid_cursor', 'page token does not match the access review order');
  return after as [string, string, string];
}

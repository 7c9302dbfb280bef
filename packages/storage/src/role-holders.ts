import { appEntityNodeKey, type LeafDeltaApp } from '@accessgraph/core';
import { walkLevels, type NodeReader, type StoredNode } from './node-reader.js';

/** Who holds the roles a change redefines or deletes, and the roles that include them. */
export interface RoleHolders {
  /** Local users with a binding of such a role (light nodes: keys and kinds): their entries are read back and derived anew. */
  users: StoredNode[];
  /** Local groups and credentials with such a binding (light): the same, and their members reached anew. */
  entities: StoredNode[];
  /** The roles that include a redefined or deleted one, at any depth: their grants change with it. */
  including: StoredNode[];
  /** The ids of those roles and of the redefined or deleted ones. */
  roles: Set<number>;
}

const HOLDER_KINDS = new Set(['local_user', 'local_group', 'access_cred']);

/**
 * The holders of the roles a change redefines (a modify that gives `permissions` or `roles`) or
 * deletes, and of every role that includes one of them: the grants of each of their bindings of
 * those roles change, so their entries are read back and derived anew like the entries a change
 * names. Found by walking `includes_role` and `has_role` edges backwards by the `to_id` index: what
 * the change touches, not the data source. Says `whole` when a holder is one the change names too
 * (the whole-state path orders the two) or an identity other than a local user, group or
 * credential (an IdP identity's bindings, a role's own), or a deleted role holds bindings itself.
 */
export async function readRoleHolders(nodes: NodeReader, plan: LeafDeltaApp, entities: readonly StoredNode[]): Promise<RoleHolders | { whole: string }> {
  const changedKeys = new Set(plan.changedEntities.filter((e) => e.segment === 'role' && (e.redefined === true || e.operation === 'delete')).map((e) => appEntityNodeKey(plan.key, 'role', e.key)));
  const changed = entities.filter((n) => n.kind === 'local_role' && changedKeys.has(n.key));
  if (changed.length === 0) return { users: [], entities: [], including: [], roles: new Set() };
  const changedIds = new Set(changed.map((n) => n.id));
  const roles = await walkLevels([...changedIds], async (frontier) => (await nodes.edgesTo(frontier, ['includes_role'])).map((e) => e.from), changedIds);
  // A deleted role takes its own bindings (an entry of identity_type local_role) with it: they grant nothing
  // here (roles holding grants go the whole-state way), but the counts would need them read.
  const deletedKeys = new Set(plan.changedEntities.filter((e) => e.segment === 'role' && e.operation === 'delete').map((e) => appEntityNodeKey(plan.key, 'role', e.key)));
  if ((await nodes.bindingCounts(changed.filter((n) => deletedKeys.has(n.key)).map((n) => n.id))).size > 0) return { whole: 'a role the change deletes holds bindings of its own' };
  const holderIds = [...new Set((await nodes.edgesTo([...roles], ['has_role'])).map((e) => e.from))];
  const holders = await nodes.byIds(holderIds, true);
  if (holders.some((n) => !HOLDER_KINDS.has(n.kind))) return { whole: 'a role the change redefines or deletes is held by an IdP identity or a role' };
  const named = new Set([
    ...plan.users.map((u) => appEntityNodeKey(plan.key, 'user', u.key)),
    ...plan.changedEntities.filter((e) => e.segment !== 'role').map((e) => appEntityNodeKey(plan.key, e.segment, e.key)),
  ]);
  if (holders.some((n) => named.has(n.key))) return { whole: 'a holder of a role the change redefines or deletes is changed by it too' };
  return {
    users: holders.filter((n) => n.kind === 'local_user'),
    entities: holders.filter((n) => n.kind !== 'local_user'),
    including: await nodes.byIds([...roles].filter((id) => !changedIds.has(id))),
    roles,
  };
}

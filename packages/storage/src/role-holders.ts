import { appEntityNodeKey, type LeafDeltaApp } from '@accessgraph/core';
import { walkLevels, type NodeReader, type StoredNode } from './node-reader.js';

/** Who holds the roles a change redefines or deletes, the permissions it changes, and the roles that include or grant them. */
export interface RoleHolders {
  /** Local users with a binding of such a role (light nodes: keys and kinds): their entries are read back and derived anew. */
  users: StoredNode[];
  /** Local groups, credentials and IdP identities with such a binding (light): the same, and a group's or credential's members reached anew. */
  entities: StoredNode[];
  /** The roles that include a redefined or deleted one, or grant a changed permission, at any depth: their grants change with it. */
  including: StoredNode[];
  /** The ids of those roles and of the redefined or deleted ones. */
  roles: Set<number>;
  /** The ids of the changed permissions' nodes (their direct bindings' grants change). */
  permissions: Set<number>;
}

const HOLDER_KINDS = new Set(['local_user', 'local_group', 'access_cred', 'idp_identity']);

/**
 * The holders of the roles a change redefines (a modify that gives `permissions` or `roles`) or
 * deletes, of the permissions it changes (`permissionKeys`: modified, deleted or with other resource
 * types), and of every role that includes one of those roles or grants one of those permissions:
 * the grants of each of their bindings of them change, so their entries are read back and derived
 * anew like the entries a change names. Found by walking `role_grants`, `includes_role`, `has_role`
 * and `has_permission` edges backwards by the `to_id` index: what the change touches, not the data
 * source. Says `whole` when a holder is one the change names too (the whole-state path orders the
 * two) or a role (a role's own bindings), or a deleted role holds bindings itself. (An IdP identity
 * holding bindings in other applications too goes the whole-state way when its entry is read.)
 */
export async function readRoleHolders(nodes: NodeReader, plan: LeafDeltaApp, entities: readonly StoredNode[], permissionKeys: readonly string[]): Promise<RoleHolders | { whole: string }> {
  const changedKeys = new Set(plan.changedEntities.filter((e) => e.segment === 'role' && (e.redefined === true || e.operation === 'delete')).map((e) => appEntityNodeKey(plan.key, 'role', e.key)));
  const changed = entities.filter((n) => n.kind === 'local_role' && changedKeys.has(n.key));
  const permissions = (await nodes.byKeys(permissionKeys.map((k) => appEntityNodeKey(plan.key, 'permission', k)), true)).filter((n) => n.kind === 'permission').map((n) => n.id);
  if (changed.length === 0 && permissions.length === 0) return { users: [], entities: [], including: [], roles: new Set(), permissions: new Set() };
  const changedIds = new Set(changed.map((n) => n.id));
  // The roles granting a changed permission change with it as a redefined role does, but are not written anew.
  const granting = (await nodes.edgesTo(permissions, ['role_grants'])).map((e) => e.from);
  const starts = new Set([...changedIds, ...granting]);
  const roles = await walkLevels([...starts], async (frontier) => (await nodes.edgesTo(frontier, ['includes_role'])).map((e) => e.from), starts);
  // A deleted role takes its own bindings (an entry of identity_type local_role) with it, their grants
  // and the reach rows to it of whoever held it: the whole-state way, which reads them.
  const deletedKeys = new Set(plan.changedEntities.filter((e) => e.segment === 'role' && e.operation === 'delete').map((e) => appEntityNodeKey(plan.key, 'role', e.key)));
  if ((await nodes.bindingCounts(changed.filter((n) => deletedKeys.has(n.key)).map((n) => n.id))).size > 0) return { whole: 'a role the change deletes holds bindings of its own' };
  const holderIds = [...new Set([...(await nodes.edgesTo([...roles], ['has_role'])), ...(await nodes.edgesTo(permissions, ['has_permission']))].map((e) => e.from))];
  const holders = await nodes.byIds(holderIds, true);
  if (holders.some((n) => !HOLDER_KINDS.has(n.kind))) return { whole: 'a role the change redefines or deletes, or a permission it changes, is held by a role' };
  const named = new Set([
    ...plan.users.map((u) => appEntityNodeKey(plan.key, 'user', u.key)),
    ...plan.changedEntities.filter((e) => e.segment !== 'role').map((e) => appEntityNodeKey(plan.key, e.segment, e.key)),
  ]);
  if (holders.some((n) => named.has(n.key))) return { whole: 'a holder of a role the change redefines or deletes, or of a permission it changes, is changed by it too' };
  return {
    users: holders.filter((n) => n.kind === 'local_user'),
    entities: holders.filter((n) => n.kind !== 'local_user'),
    including: await nodes.byIds([...roles].filter((id) => !changedIds.has(id))),
    roles,
    permissions: new Set(permissions),
  };
}

import type { CanonicalPermission, OaaTag } from '@accessgraph/contract';
import type { Reference } from './keyed-collection.js';

/**
 * An application payload after validation: every reference resolved to a lower-cased key that
 * is known to exist, ready to derive the graph from. Keys follow spec §5.10: `id` (or its alias
 * `unique_id`) when the collection uses ids, else `name`; compared ignoring case.
 */
export interface ApplicationModel {
  applications: AppEntity[];
  permissions: Map<string, PermissionEntity>;
  bindings: Binding[];
}

export interface Entity {
  /** Lower-cased key. */
  key: string;
  /** The key as written. */
  localKey: string;
  name: string;
  path: string;
  properties: Record<string, unknown>;
  tags: OaaTag[];
}

export interface AppEntity extends Entity {
  type: string;
  users: Map<string, UserEntity>;
  groups: Map<string, GroupEntity>;
  roles: Map<string, RoleEntity>;
  creds: Map<string, Entity>;
  /** Every resource at any depth, by lower-cased dot path of keys. */
  resources: Map<string, ResourceEntity>;
}

export interface UserEntity extends Entity {
  groups: Reference[];
  creds: Reference[];
  identities: string[];
}

export interface GroupEntity extends Entity {
  /** Groups this group is a member of. */
  parents: Reference[];
  identities: string[];
}

export interface RoleEntity extends Entity {
  permissions: Reference[];
  /** Nested roles included in this role. */
  roles: Reference[];
}

export interface ResourceEntity extends Entity {
  /** Lower-cased dot path from the top-level resource (the key the bindings use). */
  pathKey: string;
  /** The dot path as written. */
  localPath: string;
  parentPath: string | null;
  resourceType: string;
  typeKey: string;
  /** Its position in the application's `resources` (0, 1, ...): lets a derivation index arrays by resource. */
  index: number;
}

export interface PermissionEntity {
  key: string;
  name: string;
  path: string;
  types: CanonicalPermission[];
  inherit: boolean;
  /** Lower-cased resource types a role grant is limited to; empty for none. */
  resourceTypes: string[];
  /** Lower-cased application types the permission is limited to; empty for all. */
  applicationTypes: string[];
}

export type IdentityType = 'local_user' | 'local_group' | 'local_role' | 'local_access_creds' | 'idp';

/** One `application_permissions` or `role_assignments` item, resolved. */
export interface Binding {
  path: string;
  identityType: IdentityType;
  /** Lower-cased key of the local identity, or the IdP identity string as written. */
  identity: string;
  app: AppEntity;
  grant: { kind: 'permission'; permission: string } | { kind: 'role'; role: string; properties: Record<string, unknown> };
  applyToApplication: boolean;
  /** The resources it applies to, each once (resolved: they exist in `app`). */
  resources: ResourceEntity[];
}

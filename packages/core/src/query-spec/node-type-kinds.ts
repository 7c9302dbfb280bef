import type { NodeKind } from '../graph/derived-graph.js';

/**
 * Grouping types of Veza's query builder: a name that stands for every node of several types
 * (spec §14.1: "Grouping types User, IdPUser, LocalUser, Resource SHOULD expand to their member
 * types"). Matched ignoring case; a real node type always has a dot (`OAA.x.User`), so the two
 * never collide.
 */
const GROUPING_TYPES: Readonly<Record<string, readonly NodeKind[]>> = {
  user: ['local_user', 'idp_user'],
  localuser: ['local_user'],
  idpuser: ['idp_user'],
  group: ['local_group', 'idp_group'],
  localgroup: ['local_group'],
  idpgroup: ['idp_group'],
  role: ['local_role'],
  localrole: ['local_role'],
  resource: ['resource'],
  application: ['application'],
};

/** The grouping type names, as documented. */
export const GROUPING_TYPE_NAMES = ['User', 'LocalUser', 'IdPUser', 'Group', 'LocalGroup', 'IdPGroup', 'Role', 'LocalRole', 'Resource', 'Application'] as const;

/** The last segment of an `OAA.<type>...` node type -> the kind of node that carries it (spec §13.1). */
const OAA_SUFFIXES: Readonly<Record<string, NodeKind>> = {
  application: 'application',
  user: 'local_user',
  group: 'local_group',
  role: 'local_role',
  accesscred: 'access_cred',
  permission: 'permission',
  resource: 'resource',
  subresource: 'resource',
  idpdomain: 'idp_domain',
  idpuser: 'idp_user',
  idpgroup: 'idp_group',
  idpapp: 'idp_app',
  hrissystem: 'hris_system',
  hrisemployee: 'hris_employee',
  hrisgroup: 'hris_group',
};

/**
 * What nodes a `node_type` of a query spec names: the kinds of node that may carry it (a
 * condition the database can check, so a search reads only those rows) and, for a real node
 * type, the exact type (lower-cased; the rows read are checked against it). Nodes of things
 * no data source holds (`external`: AWS roles, owned entities) carry whatever type was written, so
 * they are always a candidate.
 */
export function nodeTypeKinds(nodeType: string): { kinds: readonly NodeKind[]; exactType?: string } {
  const lower = nodeType.toLowerCase();
  const grouping = GROUPING_TYPES[lower];
  if (grouping !== undefined) return { kinds: grouping };
  if (lower === 'idpidentity') return { kinds: ['idp_identity'], exactType: lower };
  if (lower.startsWith('oaa.')) {
    const kind = OAA_SUFFIXES[lower.slice(lower.lastIndexOf('.') + 1)];
    if (kind !== undefined) return { kinds: [kind, 'external'], exactType: lower };
  }
  return { kinds: ['external'], exactType: lower };
}

/**
 * The identity strings a derivation records for linking across data sources (design: "identity
 * links"), as `IdentityRef`s of the graph: each names a node, a string as written, and its kind.
 *
 * - Asks are strings by which a node refers to an identity of another data source: a local
 *   principal's `identities` entry, an `idp` binding, an IdP principal's `source_identity` (the
 *   provider type after the slash), an owned entity (its node type after the slash), an HRIS
 *   employee's `idp_id`, `email` and `id`.
 * - Offers are strings by which a node can be found: an IdP user's identity, email and name, an
 *   IdP group's identity and name, a local user's unique id and email (for identity mapping
 *   rules), and an IdP user's properties that its own identity provider's mapping rules compare.
 *
 * All are matched ignoring case.
 */
export const ASK = {
  identities: 'identities',
  idpBinding: 'idp_binding',
  userSourceIdentity: 'user_source_identity',
  groupSourceIdentity: 'group_source_identity',
  owned: 'owned',
  employeeIdpId: 'employee_idp_id',
  employeeEmail: 'employee_email',
  employeeId: 'employee_id',
} as const;

export const OFFER = {
  idpUserIdentity: 'idp_user_identity',
  idpUserEmail: 'idp_user_email',
  idpUserName: 'idp_user_name',
  idpGroupIdentity: 'idp_group_identity',
  idpGroupName: 'idp_group_name',
  localUserUniqueId: 'local_user_unique_id',
  localUserEmail: 'local_user_email',
  /** An IdP user's property a mapping rule compares, by lower-cased name after the slash. */
  idpUserProperty: 'idp_user_property',
  /** A local user's property a mapping rule compares (filled in by storage when a rule needs it). */
  localUserProperty: 'local_user_property',
} as const;

/** `kind/qualifier`, for kinds that carry one (a provider type, a node type, a property name). */
export function qualified(kind: string, qualifier: string): string {
  return `${kind}/${qualifier}`;
}

/** The kind and qualifier of a recorded kind. */
export function splitKind(recorded: string): { kind: string; qualifier: string | null } {
  const slash = recorded.indexOf('/');
  return slash < 0 ? { kind: recorded, qualifier: null } : { kind: recorded.slice(0, slash), qualifier: recorded.slice(slash + 1) };
}

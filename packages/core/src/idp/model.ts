import type { Reference } from '../application/keyed-collection.js';
import type { Entity } from '../application/model.js';

/**
 * A Custom Identity Provider payload after validation (spec §6). Users and groups are keyed by
 * their `identity` (oaaclient defaults it to `name`), apps by `id`, all lower-cased; references
 * inside the payload are resolved, references to other data sources are kept as written for
 * identity linking.
 */
export interface IdpModel {
  name: string;
  idpType: string;
  domain: Entity;
  users: Map<string, IdpUserEntity>;
  groups: Map<string, IdpGroupEntity>;
  apps: Map<string, IdpAppEntity>;
  mappings: IdentityMapping[];
}

/** Something of another system, by node type and id: an AWS role a principal may assume, an entity it owns. */
export interface ExternalRef {
  nodeType: string;
  id: string;
}

export interface SourceIdentity {
  identity: string;
  providerType: string;
}

export interface AppAssignment {
  id: string;
  name: string;
  /** Lower-cased key of the assigned app (it exists in the payload). */
  app: string;
  properties: Record<string, unknown>;
}

/** What users and groups share. */
export interface IdpPrincipal extends Entity {
  /** Groups this principal is a direct member of (they exist in the payload). */
  groups: Reference[];
  assumedRoles: string[];
  sourceIdentity: SourceIdentity | null;
  owned: ExternalRef[];
  appAssignments: AppAssignment[];
}

export interface IdpUserEntity extends IdpPrincipal {
  email: string | null;
  /** Lower-cased key of the user's manager, when it is a user of the payload. */
  manager: string | null;
}

export type IdpGroupEntity = IdpPrincipal;

export interface IdpAppEntity extends Entity {
  assumedRoles: string[];
}

export type MappingProperty = 'unique_id' | 'email' | 'property' | 'custom_property';
export type MappingTransformation = 'IGNORE_SPECIAL' | 'IGNORE_DOMAIN';

/** One rule linking this IdP's users to accounts of other data sources by property equality (spec §6.6). */
export interface IdentityMapping {
  path: string;
  destinationType: string;
  /** Limits CUSTOM_APPLICATION destinations to one application_type (lower-cased). */
  destinationAppType: string | null;
  matchers: Array<{ source: MappingProperty; sourceName: string | null; destination: MappingProperty; destinationName: string | null }>;
  /** All matchers must agree (AND) or any one suffices (OR, the default). */
  requireAll: boolean;
  transformations: MappingTransformation[];
}


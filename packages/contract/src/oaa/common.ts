import { Type, type Static } from '@sinclair/typebox';
import { Opt } from '../nullable.js';
import { StringEnum } from '../string-enum.js';

export const strict = { additionalProperties: false } as const;

/** A tag on an entity: key and optional value (oaaclient sends "" for no value). */
export const OaaTag = Type.Object({ key: Type.String({ minLength: 1 }), value: Opt(Type.String()) }, strict);
export type OaaTag = Static<typeof OaaTag>;
export const OaaTags = Opt(Type.Array(OaaTag));

/** Custom property values, checked against `custom_property_definition` by core. */
export const OaaCustomProperties = Opt(Type.Record(Type.String(), Type.Unknown()));

/** An owner of an entity (early access in Veza): an IdP identity by node type and id. */
export const OaaOwner = Type.Object(
  { external_id: Type.String({ minLength: 1 }), owner_type: Type.String({ minLength: 1 }), primary: Opt(Type.Boolean()) },
  strict,
);
export const OaaOwners = Opt(Type.Array(OaaOwner));

/** Incremental operations (spec §11); `remove_tag` is the seeds' spelling of `delete_tag`. */
export const OAA_OPERATIONS = ['add', 'modify', 'delete', 'add_tag', 'delete_tag', 'remove_tag', 'add_resource', 'delete_resource'] as const;
export const OaaOperation = Opt(StringEnum(OAA_OPERATIONS));

/** Deprecated in OAA; accepted and ignored with a warning. */
export const OaaDynamicProperties = Type.Optional(Type.Unknown());

export const OaaStringList = Opt(Type.Array(Type.String()));

/** Custom property types. */
export const PROPERTY_TYPES = ['BOOLEAN', 'NUMBER', 'STRING', 'STRING_LIST', 'TIMESTAMP'] as const;
export const PropertyType = StringEnum(PROPERTY_TYPES);
export type PropertyType = Static<typeof PropertyType>;
export const PropertyDefinitions = Opt(Type.Record(Type.String(), PropertyType));

/** Veza's canonical permission types, exactly as payloads spell them. */
export const CANONICAL_PERMISSIONS = [
  'DataRead',
  'DataWrite',
  'DataCreate',
  'DataDelete',
  'MetadataRead',
  'MetadataWrite',
  'MetadataCreate',
  'MetadataDelete',
  'NonData',
  'Uncategorized',
] as const;
export const CanonicalPermission = StringEnum(CANONICAL_PERMISSIONS);
export type CanonicalPermission = Static<typeof CanonicalPermission>;

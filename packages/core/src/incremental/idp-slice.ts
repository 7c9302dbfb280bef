import type { Json } from './collection-spec.js';
import { CUSTOM, type PayloadDeclarations, type SliceNode } from './stored-slice.js';

/**
 * The part of an identity provider's stored graph that a change of its users and groups touches
 * (see `idp-delta-plan.ts`), read by storage: the named users and groups as they are, with what
 * they point at, and the groups, apps and managers the change and those principals name. `idpSlicePayload` turns it
 * back into a small payload that the change is applied to, validated and derived as any payload
 * is (the counterpart of `slicePayload` for applications).
 */
export interface IdpSlice {
  /** What the last full payload declared at its top level (name, idp_type, idp_description, custom_property_definition). */
  declarations: PayloadDeclarations;
  domain: SliceNode;
  /** The named users that exist. */
  users: IdpSliceUser[];
  /** The named groups that exist. */
  namedGroups: IdpSlicePrincipal[];
  /** Users named as managers (by the change or a named user) that are not named themselves: their nodes only. */
  managers: SliceNode[];
  /** The groups the change and the named principals name that it does not name itself: their nodes only. */
  groups: SliceNode[];
  /** The apps the named principals assign that the change does not name: their nodes only. */
  apps: SliceNode[];
  /** The apps the change names that exist, with their tags and the AWS roles they may assume. */
  namedApps: IdpSliceApp[];
  /** The external nodes (AWS roles, owned entities) the named users point at, and those the change names that exist. */
  externals: IdpSliceExternal[];
  nextNodeId: number;
}

/** A named user or group as stored, with what it points at. */
export interface IdpSlicePrincipal extends SliceNode {
  tags: NonNullable<SliceNode['tags']>;
  /** Local keys of the groups it is a direct member of. */
  groups: string[];
  /** Node keys of the external nodes it may assume (AWS roles) and owns. */
  assumes: string[];
  owns: string[];
  /** Its app assignments, as the payload gives them (app_id the app's local key). */
  appAssignments: Json[];
}

/** A named app as stored. */
export interface IdpSliceApp extends SliceNode {
  tags: NonNullable<SliceNode['tags']>;
  /** Node keys of the external nodes (AWS roles) it may assume. */
  assumes: string[];
}

export interface IdpSliceUser extends IdpSlicePrincipal {
  /** How many users it manages that the change does not delete (their `manages` edges stay; deleting it goes the whole-state way, which warns about them). */
  reports: number;
}

export interface IdpSliceExternal {
  id: number;
  key: string;
  localKey: string;
  nodeType: string;
  /** Whether a principal the change does not name points at it (then it stays whatever the change does). */
  shared: boolean;
}

/** Properties of users and groups that are payload fields as given (the rest are custom properties). */
const USER_FIELDS: ReadonlySet<string> = new Set(['email', 'full_name', 'department', 'is_active', 'is_guest', 'manager_id', 'identity_type', 'source_identity']);
const MANAGER_FIELDS: ReadonlySet<string> = new Set([...USER_FIELDS].filter((field) => field !== 'manager_id'));
const GROUP_FIELDS: ReadonlySet<string> = new Set(['full_name', 'is_security_group', 'source_identity']);
const APP_FIELDS: ReadonlySet<string> = new Set(['description']);
const DOMAIN_FIELDS: ReadonlySet<string> = new Set();

/** The slice as a full identity provider payload (before the change is applied to it). */
export function idpSlicePayload(slice: IdpSlice): Json {
  const externals = new Map(slice.externals.map((e) => [e.key, e]));
  return {
    ...slice.declarations,
    // With its tags when the change names it (they are read then).
    domains: [{ name: slice.domain.localKey, ...fields(slice.domain, DOMAIN_FIELDS), ...(slice.domain.tags !== undefined && slice.domain.tags.length > 0 ? { tags: slice.domain.tags } : {}) }],
    // Managers first: a named user keeps its place after them, whatever its operation.
    // Managers stand in without their own manager: only their existence matters, their rows are not written.
    users: [...slice.managers.map((m) => principalItem(m, MANAGER_FIELDS)), ...slice.users.map((user) => userItem(user, externals))],
    groups: [...slice.groups.map((g) => principalItem(g, GROUP_FIELDS)), ...slice.namedGroups.map((group) => withEdges(principalItem(group, GROUP_FIELDS), group, externals))],
    apps: [...slice.apps.map((a) => appItem(a)), ...slice.namedApps.map((a) => appItem(a, externals))],
  };
}

/** A named user back as its payload item: its fields, memberships, roles, owned entities, assignments and tags. */
function userItem(user: IdpSliceUser, externals: ReadonlyMap<string, IdpSliceExternal>): Json {
  return withEdges(principalItem(user, USER_FIELDS), user, externals);
}

/** An app as its payload item; a named one with the AWS roles it may assume and its tags. */
function appItem(app: SliceNode | IdpSliceApp, externals?: ReadonlyMap<string, IdpSliceExternal>): Json {
  const item: Json = { id: app.localKey, name: app.name, ...fields(app, APP_FIELDS) };
  if (externals !== undefined && 'assumes' in app) {
    if (app.assumes.length > 0) item.assumed_role_arns = app.assumes.map((key) => ({ identity: externals.get(key)!.localKey }));
    if (app.tags.length > 0) item.tags = app.tags;
  }
  return item;
}

/** A named principal's item with its memberships, roles, owned entities, assignments and tags. */
function withEdges(item: Json, principal: IdpSlicePrincipal, externals: ReadonlyMap<string, IdpSliceExternal>): Json {
  if (principal.groups.length > 0) item.groups = principal.groups;
  if (principal.assumes.length > 0) item.assumed_role_arns = principal.assumes.map((key) => ({ identity: externals.get(key)!.localKey }));
  if (principal.owns.length > 0) item.entities_owned = principal.owns.map((key) => ({ node_type: externals.get(key)!.nodeType, id: externals.get(key)!.localKey }));
  if (principal.appAssignments.length > 0) item.app_assignments = principal.appAssignments;
  if (principal.tags.length > 0) item.tags = principal.tags;
  return item;
}

/** A user or group keyed by its identity (the reader keys by it, else by the name: the same key either way). */
function principalItem(node: SliceNode, builtIn: ReadonlySet<string>): Json {
  return { identity: node.localKey, name: node.name, ...fields(node, builtIn) };
}

/** A node's properties back as payload fields: built-in ones by name, custom ones under `custom_properties`. */
function fields(node: SliceNode, builtIn: ReadonlySet<string>): Json {
  const item: Json = {};
  const custom: Json = {};
  for (const [name, value] of Object.entries(node.properties)) {
    if (builtIn.has(name)) item[name] = value;
    else if (name.startsWith(CUSTOM)) custom[name.slice(CUSTOM.length)] = value;
  }
  if (Object.keys(custom).length > 0) item.custom_properties = custom;
  return item;
}

/** An app assignment edge's properties back as the payload's assignment. */
export function appAssignmentItem(app: SliceNode, properties: Record<string, unknown>): Json {
  const custom: Json = {};
  for (const [name, value] of Object.entries(properties)) if (name.startsWith(CUSTOM)) custom[name.slice(CUSTOM.length)] = value;
  return { id: properties.assignment_id, name: properties.name, app_id: app.localKey, ...(Object.keys(custom).length > 0 ? { custom_properties: custom } : {}) };
}

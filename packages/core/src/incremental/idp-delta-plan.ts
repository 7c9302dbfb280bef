import { lowerKey, objectList, type Json } from './collection-spec.js';
import { AWS_ROLE_NODE_TYPE, externalNodeKey } from '../graph/node-keys.js';
import type { LeafOperation } from './leaf-delta-plan.js';

/**
 * Which incremental identity provider payloads change the graph by difference (docs/architecture.md,
 * "Incremental pushes"): those that change only its users and groups. An IdP user is a leaf of its
 * graph: nothing in it reaches a user but its domain and its manager, and no grant is derived in
 * it. A group is nearly one: its members' `member_of` edges point at it, but an identity provider
 * derives no reach (what a group passes on is walked through those edges when access is asked), so
 * a group changes its own node, edges and identity strings only; deleting one takes its members'
 * edges to it. What depends on a user or group elsewhere — links from applications' accounts and
 * groups, HRIS employees and other identity providers — is re-resolved for the strings it offered
 * before and offers now. Apps nearly are leaves too: contained in the domain, they point at the AWS
 * roles they may assume, and principals' assignments point at them (deleting one takes those edges,
 * as it takes the assignments from the principals). The domain changes in place (modified,
 * re-tagged). The mapping rules go the whole-state way: they compare properties of every user.
 */
export interface IdpDeltaPlan {
  /** The users the change names, by key (identity, else name, lower-cased), with their operation. */
  users: Array<{ key: string; operation: LeafOperation }>;
  /** The groups the change names, likewise; `parents` when it gives their `groups` (a modify that moves one). */
  namedGroups: Array<{ key: string; operation: LeafOperation; parents?: string[] }>;
  /** The apps the change names, by id (lower-cased), with their operation. */
  namedApps: Array<{ key: string; operation: LeafOperation }>;
  /** The domain, by name (lower-cased), when the change modifies or re-tags it (storage checks it is the stored one). */
  domain?: { key: string; operation: 'modify' | 'add_tag' | 'delete_tag' };
  /** Keys of the groups, apps (ids) and managers (user keys) the change's users and groups name. */
  groups: string[];
  apps: string[];
  managers: string[];
  /** Node keys of the external nodes (AWS roles, owned entities) the change's users point at. */
  externals: string[];
  /** The top-level fields the change repeats (name, idp_type, idp_description): the stored ones must be the same. */
  repeated: Record<string, unknown>;
}

const OPERATIONS: Record<string, LeafOperation> = { add: 'add', modify: 'modify', delete: 'delete', add_tag: 'add_tag', delete_tag: 'delete_tag', remove_tag: 'delete_tag' };
/** Fields that may be repeated as stored: replacing them with the same value changes nothing. */
const REPEATABLE = new Set(['name', 'idp_type', 'idp_description']);

/** The plan for an incremental identity provider payload that only changes users and groups, else undefined. */
export function planIdpDelta(change: Json): IdpDeltaPlan | undefined {
  const repeated: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(change)) {
    if (value === undefined || value === null || field === 'incremental_change' || field === 'users' || field === 'groups' || field === 'apps' || field === 'domains') continue;
    if (!REPEATABLE.has(field)) return undefined;
    repeated[field] = value;
  }
  const users = objectList(change, 'users');
  const groups = objectList(change, 'groups');
  const apps = objectList(change, 'apps');
  const domains = objectList(change, 'domains');
  if (users === undefined || groups === undefined || apps === undefined || domains === undefined || domains.length > 1) return undefined;
  const plan: IdpDeltaPlan = { users: [], namedGroups: [], namedApps: [], groups: [], apps: [], managers: [], externals: [], repeated };
  const [domain] = domains;
  if (domain !== undefined) {
    const key = lowerKey(domain.name);
    const operation = OPERATIONS[String(domain.operation)];
    // A second domain, or the only one deleted, is for the whole-state path to refuse.
    if (key === undefined || (operation !== 'modify' && operation !== 'add_tag' && operation !== 'delete_tag')) return undefined;
    plan.domain = { key, operation };
  }
  const appKeys = new Set<string>();
  for (const app of apps) {
    const key = lowerKey(app.id);
    const operation = OPERATIONS[String(app.operation)];
    const externals = externalKeys({ assumed_role_arns: app.assumed_role_arns });
    if (key === undefined || operation === undefined || appKeys.has(key) || externals === undefined) return undefined;
    appKeys.add(key);
    plan.namedApps.push({ key, operation });
    plan.externals.push(...externals);
  }
  if (users.length + groups.length + apps.length === 0 && plan.domain === undefined) return undefined;
  for (const [items, isGroup] of [[users, false], [groups, true]] as const) {
    const seen = new Set<string>();
    for (const item of items) {
      const key = lowerKey(item.identity) ?? lowerKey(item.name);
      const operation = OPERATIONS[String(item.operation)];
      // A repeated or unkeyed principal, or an unknown operation, is for the whole-state path to report.
      if (key === undefined || operation === undefined || seen.has(key)) return undefined;
      seen.add(key);
      const parents = keysOf(item.groups, (g) => (typeof g === 'object' && g !== null ? (g as Json).identity : g));
      const apps = keysOf(item.app_assignments, (a) => (typeof a === 'object' && a !== null ? (a as Json).app_id : undefined));
      const externals = externalKeys(item);
      if (parents === undefined || apps === undefined || externals === undefined) return undefined;
      if (!isGroup) plan.users.push({ key, operation });
      else plan.namedGroups.push({ key, operation, ...(operation === 'modify' && Array.isArray(item.groups) ? { parents } : {}) });
      plan.groups.push(...parents);
      plan.apps.push(...apps);
      plan.externals.push(...externals);
      const manager = lowerKey(item.manager_id);
      if (manager !== undefined) plan.managers.push(manager);
    }
  }
  return { ...plan, groups: [...new Set(plan.groups)], apps: [...new Set(plan.apps)], managers: [...new Set(plan.managers)], externals: [...new Set(plan.externals)] };
}

/** The lower-cased keys a list names (each entry through `name`); undefined if it is not a list or an entry names no string. */
function keysOf(value: unknown, name: (entry: unknown) => unknown): string[] | undefined {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) return undefined;
  const keys: string[] = [];
  for (const entry of value) {
    const key = lowerKey(name(entry));
    if (key === undefined) return undefined;
    keys.push(key);
  }
  return keys;
}

/** The node keys of the AWS roles (either form of `assumed_role_arns`) and owned entities (a list or one) a user names; undefined if malformed. */
function externalKeys(user: Json): string[] | undefined {
  const roles = user.assumed_role_arns;
  const arns = Array.isArray(roles) ? keysOf(roles, (r) => (typeof r === 'object' && r !== null ? (r as Json).identity : undefined)) : roles == null ? [] : keysOf((roles as Json).identity, (arn) => arn);
  const owned = user.entities_owned;
  const entities = owned == null ? [] : Array.isArray(owned) ? owned : [owned];
  const ownedKeys: string[] = [];
  for (const entity of entities) {
    const nodeType = typeof entity === 'object' && entity !== null ? lowerKey((entity as Json).node_type) : undefined;
    const id = typeof entity === 'object' && entity !== null ? lowerKey((entity as Json).id) : undefined;
    if (nodeType === undefined || id === undefined) return undefined;
    ownedKeys.push(externalNodeKey(nodeType, id));
  }
  if (arns === undefined || typeof roles === 'string') return undefined;
  return [...arns.map((arn) => externalNodeKey(AWS_ROLE_NODE_TYPE, arn)), ...ownedKeys];
}

import type { DerivedGraph, EdgeKind, GraphNode, IdentityRef } from '../graph/derived-graph.js';
import { appEntityNodeKey, idpIdentityNodeKey } from '../graph/node-keys.js';
import type { StoredGrant, StoredSlice } from './stored-slice.js';
import { writeReach } from './reach-delta.js';
import { tracelessRoles, type TracelessRole } from './traceless-roles.js';
import type { LeafDeltaPlan } from './leaf-delta-plan.js';
import { appendTo } from '../multi-map.js';

/**
 * The rows a change of leaves replaces in a data source's stored graph (see `leaf-delta-plan.ts`),
 * at the stored node ids: what the small payload the change was applied to derived for the
 * entities the change names, with everything else it derived (what it only held to check and
 * resolve references) left out.
 */
export interface LeafDelta<Counts extends Record<string, number> = Record<string, number>> {
  /** Stored ids of the named leaves that exist, and of moved groups and redefined roles: their node, own edges (memberships; a role's permissions and nested roles), identity strings, reach, ancestry and tags are written anew. */
  replaced: number[];
  /** Of those, the deleted ones (with a deleted resource's sub-resources): their grants, bindings, edges and links go as well. */
  deleted: number[];
  /** Existing users, groups and credentials whose entries the change changes and reads back whole: their bindings are written anew, and their grants that change (`ungranted`, `grants`); those it only adds to are not here (their added bindings and grants are in `edges` and `grants`). */
  regranted: number[];
  /** Of their stored grants, those the change takes away (or changes): deleted; `grants` holds those it gives. */
  ungranted: Array<{ id: number; holder: number; scope: number }>;
  /** Binding edges (holder, role or permission) of entries read in part (`AdditiveEntry.rebound`): deleted, and written anew in `edges`. */
  rebound: Array<readonly [holder: number, target: number]>;
  /** Existing groups, roles and credentials the change modifies or re-tags, and IdP identities whose entries it changes: their node, identity strings and tags are written anew, nothing else (an IdP identity's grants and bindings as `regranted`). */
  retouched: number[];
  /**
   * Reach rows (principal, holder) that no longer hold or hold at another depth, of principals below
   * a group the change moves or deletes, a credential it deletes, or a group or credential whose
   * entry may lose every grant (and that holder's own row at depth 0), and where roles hold grants of
   * their own, of entry holders whose roles may change and of roles including a changed one: deleted; `reach` holds their
   * rows that are new or at a new depth (`writeReach`). Their other rows, and nothing else of theirs, stay.
   */
  unreached: Array<readonly [principal: number, holder: number]>;
  /** Node keys whose tags are written anew (every named leaf): `nodes` carry the tags they have now. */
  tagNodes: string[];
  nodes: GraphNode[];
  edges: Array<{ kind: EdgeKind; from: number; to: number; properties: Record<string, unknown> | undefined }>;
  reach: Array<readonly [principal: number, holder: number, depth: number]>;
  /** The written resources' ancestry (node, ancestor, depth). */
  ancestry: Array<readonly [node: number, ancestor: number, depth: number]>;
  grants: DeltaGrant[];
  identityRefs: IdentityRef[];
  /** How the push's counts change. */
  counts: Counts;
  /** Of an identity provider: manager keys that name no user once the change is made (a deleted manager's, a written user's unresolved one). */
  unresolvedManagers?: string[];
  /** Of an HRIS: group keys that name no group once the change is made (a deleted group's, a written employee's or group's unresolved one). */
  unresolvedGroups?: string[];
  /** Stored id -> the small graph's id of every node written with identity strings, to name those that link to nothing in its terms. */
  derivedIds: Map<number, number>;
  /**
   * Of an application: the roles whose traces the change decides (every role of its slice, with
   * those it includes, and those it adds), and which of them are traceless now; the data source's
   * basis keeps the others' (`tracelessRoles`).
   */
  roleTraces?: { decided: string[]; traceless: TracelessRole[] };
  /** Of an application whose top-level permissions the change changes: the payload's permissions now, which the basis keeps among its declarations. */
  permissions?: unknown;
  /** Of an application: the identities of the entries the change touches that hold no binding once it is made, which the basis adds to those it knows (`PayloadDeclarations.emptyEntries`). */
  emptyEntries?: string[];
}

type ApplicationCounts = { local_users: number; local_groups: number; local_roles: number; access_creds: number; resources: number; permissions: number; bindings: number; grants: number };

export interface DeltaGrant {
  id: number;
  holder: number;
  permission: number;
  scope: number;
  self: boolean;
  descendants: boolean;
  role: number | null;
  types: readonly string[] | null;
}

/** The rows of the entities `plan` names, from `graph`, derived from the slice with the change applied; `slice.apps` are the plan's applications, in its order. */
export function leafDelta(graph: DerivedGraph, slice: StoredSlice, plan: LeafDeltaPlan): LeafDelta<ApplicationCounts> {
  const stored = storedIds(slice);
  const toStored = new Map<number, number>();
  const derivedIds = new Map<number, number>();
  for (const node of graph.nodes) {
    const id = stored.get(node.key);
    if (id !== undefined) toStored.set(node.id, id);
  }
  const delta = emptyDelta<ApplicationCounts>({ local_users: 0, local_groups: 0, local_roles: 0, access_creds: 0, resources: 0, permissions: 0, bindings: graph.counts.bindings ?? 0, grants: 0 }, derivedIds);
  const derivedByKey = new Map(graph.nodes.map((n) => [n.key, n]));
  const existing = new Map(slice.apps.flatMap((app) => app.users.map((user) => [user.key, user] as const)));
  /** Named users that remain: small-graph id -> stored id. */
  const remaining = new Map<number, number>();
  let nextNode = slice.nextNodeId;
  /** Users, groups and credentials whose entries the change changes: small graph's id -> stored id. */
  const entryHolders = new Map<number, number>();
  /** Of those, the ones the change only adds bindings to: the roles and permissions their stored bindings (bare in the small payload) name. */
  const additive = new Map<number, Set<number>>();
  // An entry holder's bindings and grants follow the small derivation, which holds its entry whole
  // (or its stored bindings bare, which stay, when the change only adds to it); nothing else of
  // its changes but its own reach row at depth 0 (`writeReach`).
  /** IdP identities whose entries the change changes (their nodes and identity strings are written anew): small graph's id -> stored id. */
  const idpWritten = new Map<number, number>();
  for (const app of slice.apps) {
    for (const holder of [...app.users, ...app.entryEntities]) {
      if (holder.entry === undefined) continue;
      // The small derivation counts every binding of the entry, bare ones too; they derive no grant.
      delta.counts.bindings -= holder.bindings;
      // The grants read with it are derived anew (all of them, those of an entry read in part, or none of an only-added-to one).
      delta.counts.grants -= holder.storedGrants?.length ?? 0;
      if (holder.additive === undefined) delta.regranted.push(holder.id);
      else {
        additive.set(holder.id, new Set(holder.additive.boundTo));
        for (const target of holder.additive.rebound ?? []) delta.rebound.push([holder.id, target]);
      }
      const derived = derivedByKey.get(holder.key);
      const idp = 'segment' in holder && holder.segment === 'idp';
      // An IdP identity's node goes with its last binding.
      if (derived === undefined && idp) {
        delta.replaced.push(holder.id);
        delta.deleted.push(holder.id);
        continue;
      }
      if (derived === undefined) throw new Error(`the change derived no node for ${holder.key}, whose entry it changes`);
      entryHolders.set(derived.id, holder.id);
      // Its identity strings are one per binding: written anew with its node.
      if (idp) {
        delta.retouched.push(holder.id);
        idpWritten.set(derived.id, holder.id);
      }
    }
  }
  // An IdP identity's first binding brings its node.
  const addedIdps: number[] = [];
  for (const key of plan.apps.flatMap((app) => app.idpEntries.map((e) => idpIdentityNodeKey(e.key)))) {
    const derived = derivedByKey.get(key);
    if (derived === undefined || entryHolders.has(derived.id)) continue;
    const id = nextNode++;
    toStored.set(derived.id, id);
    entryHolders.set(derived.id, id);
    idpWritten.set(derived.id, id);
    addedIdps.push(id);
  }
  for (const [derived, id] of idpWritten) {
    delta.nodes.push({ ...graph.nodes[derived]!, id });
    derivedIds.set(id, derived);
  }
  for (const app of plan.apps) {
    for (const { key } of app.users) {
      const nodeKey = appEntityNodeKey(app.key, 'user', key);
      const before = existing.get(nodeKey);
      const after = derivedByKey.get(nodeKey);
      delta.tagNodes.push(nodeKey);
      if (before !== undefined) delta.replaced.push(before.id);
      if (after === undefined) {
        if (before === undefined) continue;
        delta.deleted.push(before.id);
        delta.counts.local_users--;
        delta.counts.bindings -= before.bindings;
        delta.counts.grants -= before.grants;
        continue;
      }
      if (before === undefined) delta.counts.local_users++;
      const id = before?.id ?? nextNode++;
      toStored.set(after.id, id);
      remaining.set(after.id, id);
      derivedIds.set(id, after.id);
      delta.nodes.push({ ...after, id, appId: toStored.get(after.appId!)! });
    }
  }
  const map = (id: number) => {
    const mapped = toStored.get(id);
    if (mapped === undefined) throw new Error(`the change derived node ${graph.nodes[id]?.key ?? id}, which is neither a named leaf nor in the stored graph`);
    return mapped;
  };
  const writtenResources = resourceRows(graph, derivedByKey, slice, plan, delta, toStored, () => nextNode++);
  const { written: writtenEntities, rewired, moved } = entityRows(derivedByKey, slice, plan, delta, toStored, () => nextNode++);
  appRows(derivedByKey, slice, plan, delta);
  permissionRows(derivedByKey, slice, plan, delta, toStored, () => nextNode++);
  /** Added and moved groups: stored id -> the parents they are members of (a moved group may have none left). */
  const parents = new Map<number, number[]>(moved.map((id) => [id, []]));

  const targets = new Map<number, number[]>();
  const { edges } = graph;
  for (let i = 0; i < edges.length; i++) {
    const kind = edges.kind(i);
    const from = edges.col.from[i]!;
    const to = edges.col.to[i]!;
    // An added group, role or credential comes with its edges: contained in the application, member
    // of its parents, granting its permissions, including its roles; a moved group with its
    // containment and parents, a redefined role with its containment, permissions and nested roles;
    // a written resource with the edge from its container; a group or credential whose entry
    // changes with its bindings; a named user with its edges (other existing users keep their
    // stored bindings: the small payload holds none of theirs).
    const entity = rewired.has(from) || (kind === 'contains' && (rewired.has(to) || writtenResources.has(to)));
    const user = entity ? undefined : remaining.get(kind === 'contains' ? to : from);
    const binding = entryHolders.has(from) && (kind === 'has_role' || kind === 'has_permission');
    if (!entity && user === undefined && !binding) continue;
    const [source, target] = [map(from), map(to)];
    // A bare stored binding of an entry the change only adds to stays as stored.
    if (binding && additive.get(source)?.has(target) === true) continue;
    delta.edges.push({ kind, from: source, to: target, properties: edges.properties[i] });
    // What the written principals' reach goes through: an added or moved group's parents, a named
    // user's groups and credentials, and where roles hold grants, the roles an added user's entry gives it.
    if (entity && kind === 'member_of') appendTo(parents, source, target);
    else if (user !== undefined && (kind === 'member_of' || kind === 'holds_cred' || (slice.rolesHoldGrants && kind === 'has_role'))) appendTo(targets, user, target);
  }
  // An existing named user keeps the roles it holds (the small payload holds none of its bindings).
  for (const user of existing.values()) {
    const id = remaining.get(derivedByKey.get(user.key)?.id ?? -1);
    if (id !== undefined && user.heldRoles !== undefined) appendTo(targets, id, ...user.heldRoles);
  }

  const holders = new Set<number>();
  let nextGrant = slice.nextGrantId;
  // The entry holders' stored grants, by holder and scope: those the derivation gives again stay, the rest go (`ungranted`).
  const storedGrants = new Map<number, Map<number, StoredGrant[]>>();
  for (const app of slice.apps) {
    for (const holder of [...app.users, ...app.entryEntities]) {
      if (holder.storedGrants === undefined || holder.storedGrants.length === 0) continue;
      const byScope = new Map<number, StoredGrant[]>();
      for (const g of holder.storedGrants) appendTo(byScope, g.scope, g);
      storedGrants.set(holder.id, byScope);
    }
  }
  const { grants } = graph;
  for (let i = 0; i < grants.length; i++) {
    const holder = remaining.get(grants.col.holder[i]!) ?? entryHolders.get(grants.col.holder[i]!);
    if (holder === undefined) continue;
    const role = grants.col.role[i]!;
    const grant = { permission: map(grants.col.permission[i]!), scope: map(grants.col.scope[i]!), self: grants.self(i), descendants: grants.descendants(i), role: role < 0 ? null : map(role), types: grants.types(i) };
    holders.add(holder);
    delta.counts.grants++;
    const atScope = storedGrants.get(holder)?.get(grant.scope);
    const same = atScope?.findIndex((g) => sameGrant(g, grant)) ?? -1;
    if (same >= 0) {
      atScope!.splice(same, 1);
      continue;
    }
    delta.grants.push({ id: nextGrant++, holder, ...grant });
  }
  for (const [holder, byScope] of storedGrants) for (const list of byScope.values()) for (const g of list) delta.ungranted.push({ id: g.id, holder, scope: g.scope });
  // Named users whose entries do not change hold what they held; entry holders hold at least the grants not read with them (of bare bindings).
  for (const user of existing.values()) if (user.entry === undefined ? user.grants > 0 : user.grants > (user.storedGrants?.length ?? 0)) holders.add(user.id);
  for (const app of slice.apps) for (const holder of app.entryEntities) if (holder.grants > holder.storedGrants.length) holders.add(holder.id);

  // Where roles hold grants, an entry holder is reached anew through the roles it holds now (its bindings in the small graph, bare ones too).
  // And the roles each role includes, as the change leaves them (a role it adds may include stored ones).
  const heldRoles = new Map<number, number[]>();
  const roleNesting = new Map<number, number[]>();
  if (slice.rolesHoldGrants) {
    for (let i = 0; i < edges.length; i++) {
      const holder = entryHolders.get(edges.col.from[i]!);
      if (holder !== undefined && edges.kind(i) === 'has_role') appendTo(heldRoles, holder, map(edges.col.to[i]!));
      if (edges.kind(i) === 'includes_role') appendTo(roleNesting, map(edges.col.from[i]!), map(edges.col.to[i]!));
    }
  }
  // A moved group keeps the roles it holds.
  for (const app of slice.apps) for (const entity of app.entities) if (entity.heldRoles !== undefined) parents.get(entity.id)?.push(...entity.heldRoles);
  // The roles it redefines are written anew, their reach rows too.
  const replaced = new Set(delta.replaced);
  const redefinedRoles = slice.rolesHoldGrants ? [...rewired].filter(([derived, id]) => graph.nodes[derived]!.kind === 'local_role' && replaced.has(id)).map(([, id]) => id) : [];
  writeReach(slice, delta, {
    heldRoles,
    roleNesting,
    redefinedRoles,
    groups: [...parents].map(([id, memberOf]) => ({ id, parents: memberOf })),
    // An IdP identity's node that comes with the change is reached as a named user is, through the roles it holds (nothing is below it).
    users: [...[...remaining.values()].map((id) => ({ id, parents: targets.get(id) ?? [] })), ...addedIdps.map((id) => ({ id, parents: heldRoles.get(id) ?? [] }))],
    holders,
    entryHolders: new Set(entryHolders.values()),
  });
  for (const ref of graph.identityRefs) {
    const node = remaining.get(ref.node) ?? writtenEntities.get(ref.node) ?? idpWritten.get(ref.node);
    if (node !== undefined) delta.identityRefs.push({ ...ref, node });
  }
  const { ancestry } = graph;
  for (let i = 0; i < ancestry.length; i++) {
    if (writtenResources.has(ancestry.col.node[i]!)) delta.ancestry.push([map(ancestry.col.node[i]!), map(ancestry.col.ancestor[i]!), ancestry.col.depth[i]!]);
  }
  // The slice's roles come with every role they include: their traces in the small graph are exact.
  const roleKeys = [...slice.apps.flatMap((app) => app.roles.map((role) => role.key)), ...graph.nodes.filter((n) => n.kind === 'local_role').map((n) => n.key)];
  delta.roleTraces = { decided: [...new Set(roleKeys)], traceless: tracelessRoles(graph) };
  return delta;
}

/** Whether a stored grant is the derived one (of the same holder, at the same scope): the same permission, role, flags and type filter. */
function sameGrant(stored: StoredGrant, g: Omit<DeltaGrant, 'id' | 'holder'>): boolean {
  if (stored.permission !== g.permission || stored.role !== g.role || stored.self !== g.self || stored.descendants !== g.descendants) return false;
  if (stored.types === null || g.types === null) return stored.types === g.types;
  return typeSet(stored.types) === typeSet(g.types);
}

/** A type filter as stored: lower-cased, each once, sorted. */
function typeSet(types: readonly string[]): string {
  return [...new Set(types.map((t) => t.toLowerCase()))].sort().join(',');
}

/** A delta that writes nothing yet. */
export function emptyDelta<Counts extends Record<string, number>>(counts: Counts, derivedIds = new Map<number, number>()): LeafDelta<Counts> {
  return { replaced: [], deleted: [], regranted: [], ungranted: [], rebound: [], retouched: [], unreached: [], tagNodes: [], nodes: [], edges: [], reach: [], ancestry: [], grants: [], identityRefs: [], counts, derivedIds };
}

/**
 * The applications the change modifies or re-tags: written anew at their ids (node and tags).
 * Nothing derived depends on an application's description, custom properties or tags, and a
 * change of its type or Okta id goes the whole-state way.
 */
function appRows(derivedByKey: ReadonlyMap<string, GraphNode>, slice: StoredSlice, plan: LeafDeltaPlan, delta: LeafDelta<ApplicationCounts>): void {
  for (const [i, app] of plan.apps.entries()) {
    if (app.own === undefined) continue;
    const stored = slice.apps[i]!.node;
    const after = derivedByKey.get(stored.key);
    if (after === undefined) throw new Error(`the change derived no node for ${stored.key}, which it modifies`);
    delta.retouched.push(stored.id);
    delta.tagNodes.push(stored.key);
    delta.nodes.push({ ...after, id: stored.id });
  }
}

/**
 * The top-level permissions the change adds, changes or deletes: each has a node in every
 * application (the plan holds them all then). Added ones take new ids (a role or binding the change
 * adds may name them), changed ones are written anew at theirs (node only: what grants them is
 * read back and derived anew, `readRoleHolders`), deleted ones go (nothing names them, or the change
 * is refused).
 */
function permissionRows(derivedByKey: ReadonlyMap<string, GraphNode>, slice: StoredSlice, plan: LeafDeltaPlan, delta: LeafDelta<ApplicationCounts>, toStored: Map<number, number>, newId: () => number): void {
  for (const { operation } of plan.changedPermissions) {
    if (operation === 'add') delta.counts.permissions++;
    if (operation === 'delete') delta.counts.permissions--;
  }
  for (const [i, app] of plan.apps.entries()) {
    const stored = new Map(slice.apps[i]!.permissions.map((p) => [p.key, p]));
    for (const { key } of plan.changedPermissions) {
      const nodeKey = appEntityNodeKey(app.key, 'permission', key);
      const before = stored.get(nodeKey);
      const after = derivedByKey.get(nodeKey);
      if (after === undefined) {
        if (before === undefined) throw new Error(`the change derived no node for ${nodeKey}, which it adds or changes`);
        delta.replaced.push(before.id);
        delta.deleted.push(before.id);
        continue;
      }
      const id = before?.id ?? newId();
      if (before === undefined) toStored.set(after.id, id);
      else delta.retouched.push(id);
      delta.nodes.push({ ...after, id, appId: slice.apps[i]!.node.id });
    }
  }
}

const COUNTS = { group: 'local_groups', role: 'local_roles', cred: 'access_creds' } as const;

/**
 * The groups', roles' and credentials' part of the delta: those the change modifies or re-tags are
 * written anew at their ids (node, identity strings, tags: nothing that names them changes), those
 * it adds at new ones (`newId`), with their edges, and so are the groups it moves, whose reach is
 * worked out anew; those it deletes go with their grants and bindings. Returns the written ones
 * and those written with their edges (added and moved), small graph's ids to stored.
 */
function entityRows(derivedByKey: ReadonlyMap<string, GraphNode>, slice: StoredSlice, plan: LeafDeltaPlan, delta: LeafDelta<ApplicationCounts>, toStored: Map<number, number>, newId: () => number) {
  const written = new Map<number, number>();
  const rewired = new Map<number, number>();
  const moved: number[] = [];
  for (const [i, app] of plan.apps.entries()) {
    const stored = new Map(slice.apps[i]!.entities.map((e) => [e.key, e]));
    for (const { segment, key, operation, parents, redefined } of app.changedEntities) {
      const nodeKey = appEntityNodeKey(app.key, segment, key);
      const after = derivedByKey.get(nodeKey);
      const before = stored.get(nodeKey);
      if (operation === 'delete' && before !== undefined && after === undefined) {
        delta.replaced.push(before.id);
        delta.deleted.push(before.id);
        delta.tagNodes.push(nodeKey);
        delta.counts[COUNTS[segment]]--;
        delta.counts.bindings -= before.bindings ?? 0;
        delta.counts.grants -= before.grants ?? 0;
        continue;
      }
      if (after === undefined) throw new Error(`the change derived no node for ${nodeKey}, which it adds or changes`);
      const id = before?.id ?? newId();
      if (before === undefined) {
        toStored.set(after.id, id);
        rewired.set(after.id, id);
        delta.counts[COUNTS[segment]]++;
      } else if (parents !== undefined || redefined) {
        // Written anew with the edges it names: a moved group its parents (and its reach), a redefined role its permissions and nested roles.
        rewired.set(after.id, id);
        if (parents !== undefined) moved.push(id);
        delta.replaced.push(id);
      } else delta.retouched.push(id);
      written.set(after.id, id);
      delta.derivedIds.set(id, after.id);
      delta.tagNodes.push(nodeKey);
      delta.nodes.push({ ...after, id, appId: toStored.get(after.appId!)! });
    }
  }
  return { written, rewired, moved };
}

/**
 * The resources' part of the delta: stored resources the derivation no longer has are deleted
 * (a deleted resource's sub-resources with it); those the change modifies or re-tags are written
 * anew at their ids, and those it adds at new ones (`newId`). Returns the written ones' ids,
 * small graph's to stored.
 */
function resourceRows(
  graph: DerivedGraph,
  derivedByKey: ReadonlyMap<string, GraphNode>,
  slice: StoredSlice,
  plan: LeafDeltaPlan,
  delta: LeafDelta<ApplicationCounts>,
  toStored: Map<number, number>,
  newId: () => number,
): Map<number, number> {
  const written = new Map<number, number>();
  const stored = new Set<string>();
  for (const [i, app] of plan.apps.entries()) {
    const rewritten = new Set(app.changedResources.filter((r) => r.operation !== 'add' && r.operation !== 'delete').map((r) => appEntityNodeKey(app.key, 'resource', r.path)));
    for (const resource of slice.apps[i]!.resources) {
      stored.add(resource.key);
      const after = derivedByKey.get(resource.key);
      if (after === undefined) {
        delta.replaced.push(resource.id);
        delta.deleted.push(resource.id);
        delta.tagNodes.push(resource.key);
        delta.counts.resources--;
      } else if (rewritten.has(resource.key)) {
        delta.replaced.push(resource.id);
        delta.tagNodes.push(resource.key);
        written.set(after.id, resource.id);
      }
    }
  }
  for (const node of graph.nodes) {
    if (node.kind !== 'resource' || stored.has(node.key)) continue;
    const id = newId();
    toStored.set(node.id, id);
    written.set(node.id, id);
    delta.tagNodes.push(node.key);
    delta.counts.resources++;
  }
  // Ids first, then rows: an added resource's parent may be added with it.
  for (const [derived, id] of written) {
    const node = graph.nodes[derived]!;
    delta.nodes.push({ ...node, id, appId: toStored.get(node.appId!)!, parentId: node.parentId === null ? null : toStored.get(node.parentId)! });
  }
  return written;
}

/** Stored node ids of everything in the slice, by node key. */
function storedIds(slice: StoredSlice): Map<string, number> {
  const ids = new Map<string, number>();
  for (const app of slice.apps) {
    ids.set(app.node.key, app.node.id);
    for (const list of [app.users, app.groups, app.creds, app.entryEntities, app.roles, app.resources, app.permissions]) for (const node of list) ids.set(node.key, node.id);
  }
  return ids;
}


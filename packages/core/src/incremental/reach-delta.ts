import type { LeafDelta } from './leaf-delta.js';
import type { StoredSlice } from './stored-slice.js';

/** A principal whose reach is worked out anew, with the parents (groups, credentials, and where roles hold grants, roles) its reach goes through. */
interface Reaching {
  id: number;
  parents: readonly number[];
}

/**
 * The reach part of a change made by difference (docs/architecture.md, "Incremental pushes"): a
 * reach row is (principal, holder, depth), the breadth-first closure over `member_of` and
 * `holds_cred` keeping the holders of grants, so a principal's rows are itself at depth 0 when it
 * holds grants, and its parents' rows one step further, each holder at its shortest depth. Worked
 * out anew, parents first: the added and moved `groups`, the principals below moved and deleted
 * entities and below groups and credentials whose entries may lose every grant (`slice.apps[].below`),
 * and the named `users`; each from its parents' rows, new where they were worked out here, stored
 * otherwise. The named users' and groups' rows are written whole (their old ones go with them);
 * of the principals below only those that change (`unreached` deleted, the new ones added): most
 * of what they reach lies below the moved entity and stays. `holders`: the stored ids that hold
 * grants once the change is made, of the named users and of `entryHolders`, the users, groups and
 * credentials whose entries it changes. Where roles hold grants of their own (`slice.rolesHoldGrants`)
 * the closure passes through the roles a principal holds and those they include too: a named user's
 * parents include its roles, and so do those of a user whose entry changes, which is below
 * (`heldRoles`: the roles its entry holds once the change is made; `roleNesting`: the roles each
 * role includes, from the small graph); and so are the roles it redefines (`redefinedRoles`) and
 * those including a role it redefines or deletes (`SliceApp.rolesAnew`).
 */
export function writeReach(
  slice: StoredSlice,
  delta: LeafDelta,
  changed: { groups: readonly Reaching[]; users: readonly Reaching[]; holders: ReadonlySet<number>; entryHolders: ReadonlySet<number>; heldRoles: ReadonlyMap<number, readonly number[]>; roleNesting: ReadonlyMap<number, readonly number[]>; redefinedRoles: readonly number[] },
): void {
  const { holders, entryHolders } = changed;
  const anew = new Map<number, { holdsGrants: boolean; parents: readonly number[] }>();
  const entityGrants = new Map(slice.apps.flatMap((app) => app.entities.map((e) => [e.id, (e.grants ?? 0) > 0] as const)));
  for (const group of changed.groups) anew.set(group.id, { holdsGrants: entityGrants.get(group.id) ?? false, parents: group.parents });
  const gone = new Set(delta.deleted);
  const reachOf = reachTables(slice);
  // A user, group or credential whose entry now holds grants or no more: its own row at depth 0
  // comes or goes; what a group's or credential's members reach through it follows (they are `below`
  // when it may gain its first grant or lose them all).
  const belowIds = new Set(slice.apps.flatMap((app) => app.below.map((b) => b.id)));
  for (const app of slice.apps) {
    for (const holder of [...app.users.filter((user) => user.entry !== undefined), ...app.entryEntities]) {
      const before = holder.grants > 0;
      // One below a moved or regranted entity is worked out anew below, from whether it holds grants now.
      if (before === holders.has(holder.id) || belowIds.has(holder.id)) continue;
      const rows = (reachOf.get(holder.id) ?? []).filter(([h]) => h !== holder.id);
      if (before) delta.unreached.push([holder.id, holder.id]);
      else delta.reach.push([holder.id, holder.id, 0]);
      reachOf.set(holder.id, before ? rows : [...rows, [holder.id, 0] as const]);
    }
  }
  /** The principals below, with their stored rows: holder -> depth. */
  const below = new Map<number, Map<number, number>>();
  for (const app of slice.apps) {
    for (const principal of app.below) {
      const stored = new Map(reachOf.get(principal.id) ?? []);
      // The closure keeps a principal at depth 0 of its own rows when it holds grants; the change
      // gives it none and takes none away, but to the groups and credentials whose entries it changes.
      const holdsGrants = entryHolders.has(principal.id) ? holders.has(principal.id) : stored.get(principal.id) === 0;
      const parents = [...principal.parents, ...(changed.heldRoles.get(principal.id) ?? [])].filter((p) => !gone.has(p));
      anew.set(principal.id, { holdsGrants, parents });
      below.set(principal.id, stored);
    }
  }
  for (const user of changed.users) anew.set(user.id, { holdsGrants: holders.has(user.id), parents: user.parents });
  // Where roles hold grants: the roles the change redefines (written anew, their rows too), those
  // including a role it redefines or deletes (`rolesAnew`: their stored rows compared), and every
  // role that holds no grant of its own (the full derivation stores no rows of it: it has rows only
  // to pass on to whoever holds it), reached through the roles they include as the change leaves
  // them (`roleNesting`; a role the change adds among them), after those.
  const passOn = new Set<number>();
  const holdsOwn = (id: number) => slice.apps.some((app) => app.reach.get(id)?.some(([holder, depth]) => holder === id && depth === 0) === true);
  const redefined = new Set(changed.redefinedRoles);
  const rolesAnew = new Set([...redefined, ...slice.apps.flatMap((app) => app.rolesAnew ?? [])]);
  for (const role of new Set([...rolesAnew, ...changed.roleNesting.keys()])) {
    const holdsGrants = holdsOwn(role);
    // A role that holds grants and includes no changed one keeps its stored rows.
    if (holdsGrants && !rolesAnew.has(role)) continue;
    anew.set(role, { holdsGrants, parents: (changed.roleNesting.get(role) ?? []).filter((p) => !gone.has(p)) });
    if (!holdsGrants) passOn.add(role);
    else if (!redefined.has(role)) below.set(role, new Map(reachOf.get(role) ?? []));
  }
  // Row by row: the principals below a top-level group have hundreds of thousands, more than a call's arguments can be.
  for (const row of reachAnew(anew, reachOf)) {
    if (passOn.has(row[0])) continue;
    const stored = below.get(row[0]);
    if (stored === undefined) delta.reach.push(row);
    else if (stored.get(row[1]) === row[2]) stored.delete(row[1]);
    else {
      if (stored.delete(row[1])) delta.unreached.push([row[0], row[1]]);
      delta.reach.push(row);
    }
  }
  for (const [principal, rows] of below) for (const holder of rows.keys()) delta.unreached.push([principal, holder]);
}

/**
 * A principal's reach rows: itself when it holds grants, and every holder its parents (groups,
 * credentials, and where roles hold grants, roles) reach, one step further, each at its shortest
 * depth — what the breadth-first closure of a full derivation gives, from its parents' rows.
 */
function userReach(user: number, holdsGrants: boolean, targets: readonly number[], reachOf: ReadonlyMap<number, ReadonlyArray<readonly [number, number]>>): Array<readonly [number, number, number]> {
  const depths = new Map<number, number>();
  if (holdsGrants) depths.set(user, 0);
  for (const target of targets) {
    for (const [holder, depth] of reachOf.get(target) ?? []) {
      const known = depths.get(holder);
      if (known === undefined || depth + 1 < known) depths.set(holder, depth + 1);
    }
  }
  return [...depths].map(([holder, depth]) => [user, holder, depth] as const);
}

/**
 * The reach rows of principals whose parents or grants change, each from its parents' rows one step
 * further (`userReach`): a parent whose rows are also worked out anew goes first (parents before
 * members: groups do not nest in cycles, which validation and the slice's read rule out), the rest
 * from their stored rows in `reachOf`.
 */
function reachAnew(principals: ReadonlyMap<number, { holdsGrants: boolean; parents: readonly number[] }>, reachOf: Map<number, ReadonlyArray<readonly [number, number]>>): Array<readonly [number, number, number]> {
  const rows: Array<readonly [number, number, number]> = [];
  const done = new Set<number>();
  const visiting = new Set<number>();
  const visit = (id: number) => {
    if (done.has(id)) return;
    if (visiting.has(id)) throw new Error(`node ${id} is its own ancestor: groups or roles nest in a cycle`);
    visiting.add(id);
    const { holdsGrants, parents } = principals.get(id)!;
    for (const parent of parents) if (principals.has(parent)) visit(parent);
    const own = userReach(id, holdsGrants, parents, reachOf);
    rows.push(...own);
    reachOf.set(id, own.map(([, holder, depth]) => [holder, depth] as const));
    visiting.delete(id);
    done.add(id);
  };
  for (const id of principals.keys()) visit(id);
  return rows;
}

/** The stored reach rows of the slice, by principal. */
function reachTables(slice: StoredSlice): Map<number, ReadonlyArray<readonly [number, number]>> {
  const all = new Map<number, ReadonlyArray<readonly [number, number]>>();
  for (const app of slice.apps) for (const [principal, rows] of app.reach) all.set(principal, rows);
  return all;
}

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ApplicationPayload } from '@accessgraph/contract';
import { IssueCollector, applyIncremental, planLeafDelta } from '@accessgraph/core';
import { validPayload } from '../../core/src/application/test-support/payloads.js';
import { validIdpPayload } from '../../core/src/idp/test-support/idp-payloads.js';
import type { KyselyStore } from './kysely-store.js';
import { accessLines, commitByDifference, graphDump, lastCounts as sharedLastCounts } from './test-support/leaf-delta-oracle.js';
import { commitPayload, pushPayload, pushPayloadCommitted, type PushTarget } from './test-support/push-payload.js';
import { testBackends, type TestDatabase } from './test-support/test-backends.js';

type Json = Record<string, unknown>;

/**
 * Changes of local users made by difference (`readLeafSlice`, `applyToSlice`, `commitLeafDelta`)
 * against the oracle: the same changes applied to the whole payload and pushed whole into a data
 * source of their own. After each change every table of the data source's graph — nodes, edges,
 * reach, ancestry, grants with their types, identity strings, tags, identity links both ways,
 * SQLite's second keys — and its effective permissions must be what the whole push gives, node
 * ids aside.
 */
for (const backend of testBackends()) {
  const title = backend.skipReason ? `Changes of local users by difference on ${backend.name} (skipped: ${backend.skipReason})` : `Changes of local users by difference on ${backend.name}`;
  describe.skipIf(backend.skipReason !== undefined)(title, () => {
    let db: TestDatabase;
    let store: KyselyStore;
    let idp: string;

    beforeEach(async () => {
      db = await backend.create();
      store = db.store;
      idp = await pushPayload(store, 'identity_provider', validIdpPayload());
    });
    afterEach(async () => {
      await db.dispose();
    });

    /** A change made by difference (it must be one), with its warnings. */
    async function byDifference(target: PushTarget, change: Json): Promise<string[]> {
      const outcome = await commitByDifference(store, target, change);
      if ('whole' in outcome) throw new Error(`not made by difference: ${outcome.whole}`);
      return outcome.warnings;
    }

    /** The oracle: the whole payload with the changes applied, pushed whole into a new data source. */
    async function whole(payload: Json): Promise<string> {
      return (await pushPayloadCommitted(store, 'application', payload)).dataSourceId;
    }

    it('leaves the graph, links and access a whole push of the same state leaves, change after change', async () => {
      const base = shopWithGroupGrants();
      const pushed = await pushPayloadCommitted(store, 'application', base);
      const target = { providerId: pushed.providerId, dataSourceId: pushed.dataSourceId };
      const state = structuredClone(base) as Json;
      const changes = [addAndModify(), deleteAndRetag(), bindingsAdded(), bindingsChanged(), resourcesChanged(), entitiesChanged()];
      const last = changes.at(-1);
      for (const change of changes) {
        const issues = new IssueCollector();
        applyIncremental('application', state, structuredClone(change), issues);
        expect(issues.errors).toEqual([]);
        const warnings = await byDifference(target, change);
        // The identity strings that link to nothing of what it wrote (the new group), and only those:
        // cy, given a role, is not written anew, and neither are its identity strings and links.
        if (change === last) expect(warnings).toEqual([expect.stringContaining('"interns@nowhere.example"')]);
        const oracle = await whole(structuredClone(state));
        expect(await dump(target.dataSourceId)).toEqual(await dump(oracle));
        expect(await access(target.dataSourceId)).toEqual(await access(oracle));
        expect(await lastCounts(target.dataSourceId)).toEqual(await lastCounts(oracle));
      }
      // By hand, after the changes: cy (u3) holds r2 on s2 (edit, inherited by s2.box, and view
      // through r1, not inherited), r1 on s1 and s2 (view), r5 on s3 (view, its own and r1's), and
      // reaches staff's edit on s2 through managers; the edit on the application it was given is
      // gone. Dee (u4) holds view on the application and r2 on s1: edit on s1 and what is under it
      // (the lid, added when the box was deleted), view on s1; r3 is gone. Bob (u2) moved from
      // managers to the new group interns, also in staff: staff's edit on s2 and its box still.
      const lines = await access(target.dataSourceId);
      expect(lines.filter((l) => /^u[234] /.test(l))).toEqual([
        'u2 -> s2.box: edit',
        'u2 -> s2: edit',
        'u3 -> s1: view',
        'u3 -> s2.box: edit',
        'u3 -> s2: edit,view',
        'u3 -> s3: view',
        'u4 -> Shop: view',
        'u4 -> s1.lid: edit',
        'u4 -> s1: edit,view',
      ]);
    });

    /**
     * Each change made by difference to `base` pushed whole, then, against the oracle, every graph
     * table, the access and the counts; and the users' access lines against those worked out by hand.
     */
    async function checkSequence(base: Json, changes: readonly Json[], expected: readonly string[][], principals = /^u\d /): Promise<PushTarget> {
      const pushed = await pushPayloadCommitted(store, 'application', base);
      const state = structuredClone(base);
      for (const [n, change] of changes.entries()) {
        const issues = new IssueCollector();
        applyIncremental('application', state, structuredClone(change), issues);
        expect(issues.errors).toEqual([]);
        await byDifference(pushed, change);
        const oracle = await whole(structuredClone(state));
        expect(await dump(pushed.dataSourceId)).toEqual(await dump(oracle));
        expect(await access(pushed.dataSourceId)).toEqual(await access(oracle));
        expect(await lastCounts(pushed.dataSourceId)).toEqual(await lastCounts(oracle));
        expect((await access(pushed.dataSourceId)).filter((l) => principals.test(l))).toEqual(expected[n]);
      }
      return pushed;
    }

    it('moves and deletes groups and deletes credentials by difference, reaching the principals below anew', async () => {
      const base = shopWithFloor();
      const shop = (entities: Json) => ({ incremental_change: true, applications: [{ name: 'Shop', ...entities }] });
      const changes = [
        // managers (bob's group) leaves staff for floor; floor is no one's member yet.
        shop({ local_groups: [{ operation: 'modify', name: 'managers', groups: ['floor'] }] }),
        // staff goes with its grant (edit on s2) and ann's membership.
        shop({ local_groups: [{ operation: 'delete', name: 'staff' }] }),
        // c2 goes with its grant (edit on s1) and cy's hold of it.
        shop({ local_access_creds: [{ operation: 'delete', id: 'c2' }] }),
      ];
      const expected = [
        // By hand: bob now reaches floor's view on s1 and no longer staff's edit on s2.
        ['u1 -> Shop: view', 'u1 -> s1.box: view', 'u1 -> s1: view', 'u1 -> s2.box: edit', 'u1 -> s2: edit', 'u2 -> s1: view', 'u3 -> s1.box: edit', 'u3 -> s1: edit,view'],
        // ann loses staff's edit on s2.
        ['u1 -> Shop: view', 'u1 -> s1.box: view', 'u1 -> s1: view', 'u2 -> s1: view', 'u3 -> s1.box: edit', 'u3 -> s1: edit,view'],
        // cy keeps floor's view on s1 only.
        ['u1 -> Shop: view', 'u1 -> s1.box: view', 'u1 -> s1: view', 'u2 -> s1: view', 'u3 -> s1: view'],
      ];
      await checkSequence(base, changes, expected);
    });

    it("changes groups' and credentials' entries by difference: their members reach what they grant now", async () => {
      const base = shopWithFloor();
      const changes: Json[] = [
        // staff (ann; bob through managers) is given r1 (view) on s1.
        { incremental_change: true, identity_to_permissions: [{ identity: 'staff', identity_type: 'local_group', role_assignments: [{ operation: 'add', application: 'Shop', role: 'r1', resources: ['s1'] }] }] },
        // floor's entry goes: floor holds no grant any more, and cy keeps only c2's edit.
        { incremental_change: true, applications: [{ name: 'Shop' }], identity_to_permissions: [{ operation: 'delete', identity: 'floor', identity_type: 'local_group' }] },
      ];
      const expected = [
        ['u1 -> Shop: view', 'u1 -> s1.box: view', 'u1 -> s1: view', 'u1 -> s2.box: edit', 'u1 -> s2: edit', 'u2 -> s1: view', 'u2 -> s2.box: edit', 'u2 -> s2: edit', 'u3 -> s1.box: edit', 'u3 -> s1: edit,view'],
        ['u1 -> Shop: view', 'u1 -> s1.box: view', 'u1 -> s1: view', 'u1 -> s2.box: edit', 'u1 -> s2: edit', 'u2 -> s1: view', 'u2 -> s2.box: edit', 'u2 -> s2: edit', 'u3 -> s1.box: edit', 'u3 -> s1: edit'],
      ];
      await checkSequence(base, changes, expected);
    });

    it("gives a group that held no grant its first by difference: its members reach it", async () => {
      const base = shopWithFloor();
      // floor's binding names no resource: it grants nothing (a warning), so floor holds no grant.
      base.identity_to_permissions!.find((e) => e.identity === 'floor')!.application_permissions = [{ application: 'Shop', permission: 'view' }];
      const change = { incremental_change: true, identity_to_permissions: [{ identity: 'floor', identity_type: 'local_group', role_assignments: [{ operation: 'add', application: 'Shop', role: 'r1', resources: ['s1'] }] }] };
      // By hand: cy (u3, in floor) reaches r1's view on s1 beside c2's edit.
      const expected = [['u1 -> Shop: view', 'u1 -> s1.box: view', 'u1 -> s1: view', 'u1 -> s2.box: edit', 'u1 -> s2: edit', 'u2 -> s2.box: edit', 'u2 -> s2: edit', 'u3 -> s1.box: edit', 'u3 -> s1: edit,view']];
      await checkSequence(base, [change], expected);
    });

    it('redefines and deletes roles by difference: the holders of them and of the roles including them hold what they grant now', async () => {
      const base = shopWithRoles();
      const roles = (items: Json[]) => ({ incremental_change: true, applications: [{ name: 'Shop', local_roles: items }] });
      const changes = [
        // r6 grants edit instead of view: floor's on s2, c1's on s2.box, and bob's through r7 (which includes r6) on s1.
        roles([{ operation: 'modify', id: 'r6', name: 'stocker', permissions: ['edit'] }]),
        // r6 goes: its bindings with it (c1 then holds no grant), and from r7, which then grants nothing (traceless).
        roles([{ operation: 'delete', id: 'r6', name: 'stocker' }]),
        // r7 grants view: bob's assignment of it, which granted nothing, is read back with s1 from its edge.
        roles([{ operation: 'modify', id: 'r7', name: 'lead', permissions: ['view'] }]),
      ];
      const expected = [
        // By hand: ann's s2.box is edit only (c1's r6 gave view); bob reaches edit on s1 and its box (edit is inherited); cy edit on s2 and its box.
        ['u1 -> Shop: view', 'u1 -> s1.box: view', 'u1 -> s1: view', 'u1 -> s2.box: edit', 'u1 -> s2: edit', 'u2 -> s1.box: edit', 'u2 -> s1: edit', 'u2 -> s2.box: edit', 'u2 -> s2: edit', 'u3 -> s1.box: edit', 'u3 -> s1: edit,view', 'u3 -> s2.box: edit', 'u3 -> s2: edit'],
        // bob keeps staff's edit through managers; cy floor's view and c2's edit on s1.
        ['u1 -> Shop: view', 'u1 -> s1.box: view', 'u1 -> s1: view', 'u1 -> s2.box: edit', 'u1 -> s2: edit', 'u2 -> s2.box: edit', 'u2 -> s2: edit', 'u3 -> s1.box: edit', 'u3 -> s1: edit,view'],
        // bob views s1 again (view is not inherited by its box).
        ['u1 -> Shop: view', 'u1 -> s1.box: view', 'u1 -> s1: view', 'u1 -> s2.box: edit', 'u1 -> s2: edit', 'u2 -> s1: view', 'u2 -> s2.box: edit', 'u2 -> s2: edit', 'u3 -> s1.box: edit', 'u3 -> s1: edit,view'],
      ];
      await checkSequence(base, changes, expected);
    });

    it("changes a user's entry while it sits below a group the change moves: both reach and grants follow", async () => {
      // staff (ann's group, and managers' with bob) moves under floor (view on s1); ann is given r2 on s2 besides.
      const change = {
        incremental_change: true,
        applications: [{ name: 'Shop', local_groups: [{ operation: 'modify', name: 'staff', groups: ['floor'] }] }],
        identity_to_permissions: [{ identity: 'u1', role_assignments: [{ operation: 'add', application: 'Shop', role: 'r2', resources: ['s2'] }] }],
      };
      // By hand: bob reaches floor's view on s1; ann r2's edit (inherited) and r1's view on s2.
      const expected = [['u1 -> Shop: view', 'u1 -> s1.box: view', 'u1 -> s1: view', 'u1 -> s2.box: edit', 'u1 -> s2: edit,view', 'u2 -> s1: view', 'u2 -> s2.box: edit', 'u2 -> s2: edit', 'u3 -> s1.box: edit', 'u3 -> s1: edit,view']];
      await checkSequence(shopWithFloor(), [change], expected);
    });

    it("adds to the entry of a holder of a role the change redefines: the entry is read back whole, not bare", async () => {
      // r6 grants edit instead of view; bob (who holds r7, which includes r6) is given view on s2 besides.
      const change = {
        incremental_change: true,
        applications: [{ name: 'Shop', local_roles: [{ operation: 'modify', id: 'r6', name: 'stocker', permissions: ['edit'] }] }],
        identity_to_permissions: [{ identity: 'u2', application_permissions: [{ operation: 'add', application: 'Shop', permission: 'view', resources: ['s2'] }] }],
      };
      const expected = [
        [
          'u1 -> Shop: view', 'u1 -> s1.box: view', 'u1 -> s1: view', 'u1 -> s2.box: edit', 'u1 -> s2: edit',
          'u2 -> s1.box: edit', 'u2 -> s1: edit', 'u2 -> s2.box: edit', 'u2 -> s2: edit,view',
          'u3 -> s1.box: edit', 'u3 -> s1: edit,view', 'u3 -> s2.box: edit', 'u3 -> s2: edit',
        ],
      ];
      await checkSequence(shopWithRoles(), [change], expected);
    });

    it('goes the whole-state way for a role whose holder the change also names, or a deleted one holding bindings', async () => {
      const pushed = await pushPayloadCommitted(store, 'application', shopWithRoles());
      const holderNamed = planLeafDelta({ incremental_change: true, applications: [{ name: 'Shop', local_roles: [{ operation: 'delete', id: 'r7', name: 'lead' }], local_users: [{ operation: 'modify', id: 'u2', name: 'bob', groups: [] }] }] })!;
      expect(await store.readLeafSlice(pushed.dataSourceId, holderNamed)).toEqual({ whole: 'a holder of a role the change redefines or deletes, or of a permission it changes, is changed by it too' });
      // r7 with an entry of its own whose binding grants nothing (no resource): deleting r7 takes that binding too.
      const payload = shopWithRoles();
      payload.identity_to_permissions!.push({ identity: 'r7', identity_type: 'local_role', application_permissions: [{ application: 'Shop', permission: 'view' }] });
      const roleWithEntry = await pushPayloadCommitted(store, 'application', payload);
      const deleteLead = planLeafDelta({ incremental_change: true, applications: [{ name: 'Shop', local_roles: [{ operation: 'delete', id: 'r7', name: 'lead' }] }] })!;
      expect(await store.readLeafSlice(roleWithEntry.dataSourceId, deleteLead)).toEqual({ whole: 'a role the change deletes holds bindings of its own' });
    });

    it('changes top-level permissions by difference, in every application: their holders, directly and through roles, hold what they grant now', async () => {
      // shopWithRoles without the IdP identity's binding (its holders go the whole-state way), and a
      // second application, Depot, whose user zed (u9) holds view on its rack k1.
      const base = shopWithRoles();
      base.identity_to_permissions = base.identity_to_permissions!.filter((e) => e.identity !== 'ops@corp.example');
      base.applications!.push({ name: 'Depot', application_type: 'depot', local_users: [{ name: 'zed', id: 'u9' }], resources: [{ name: 'rack', id: 'k1', resource_type: 'rack' }] });
      base.identity_to_permissions!.push({ identity: 'u9', identity_type: 'local_user', application_permissions: [{ application: 'Depot', permission: 'view', resources: ['k1'] }] });
      const changes: Json[] = [
        // view now applies to sub-resources too.
        { incremental_change: true, permissions: [{ operation: 'modify', name: 'view', permission_type: ['DataRead'], apply_to_sub_resources: true }] },
        // view, through a role, applies to boxes only (direct grants ignore resource types).
        { incremental_change: true, permissions: [{ operation: 'add_resource', name: 'view', resource_types: ['box'] }] },
        // A permission added, and granted by r6 (stocker) beside view.
        {
          incremental_change: true,
          permissions: [{ operation: 'add', name: 'stock', permission_type: ['DataWrite'], apply_to_sub_resources: false, resource_types: [] }],
          applications: [{ name: 'Shop', local_roles: [{ operation: 'modify', id: 'r6', name: 'stocker', permissions: ['view', 'stock'] }] }],
        },
        // peek deleted once r3 (peeker, which no one holds) no longer grants it.
        { incremental_change: true, permissions: [{ operation: 'delete', name: 'peek' }], applications: [{ name: 'Shop', local_roles: [{ operation: 'modify', id: 'r3', name: 'peeker', permissions: [] }] }] },
      ];
      // By hand. Before: ann (u1) holds view on Shop, r1 (view) on s1 and its box, r6 (view) on
      // s2.box through c1, staff's edit on s2 (inherited by its box); bob (u2) r7 ⊃ r6 on s1 and
      // staff's edit through managers; cy (u3) floor's view on s1 and r6 on s2, c2's edit on s1
      // (inherited); zed view on k1. With view inherited, each of those reaches the box below.
      const inherited = [
        ...['u1 -> Shop: view', 'u1 -> s1.box: view', 'u1 -> s1: view', 'u1 -> s2.box: edit,view', 'u1 -> s2: edit,view'],
        ...['u2 -> s1.box: view', 'u2 -> s1: view', 'u2 -> s2.box: edit', 'u2 -> s2: edit'],
        ...['u3 -> s1.box: edit,view', 'u3 -> s1: edit,view', 'u3 -> s2.box: view', 'u3 -> s2: view', 'u9 -> k1: view'],
      ];
      // view through roles on boxes only: bob's r7 on s1 and floor's r6 on s2 reach only the boxes
      // below; the direct grants (ann's on Shop, floor's on s1, zed's) stay.
      const boxesOnly = [
        ...['u1 -> Shop: view', 'u1 -> s1.box: view', 'u1 -> s1: view', 'u1 -> s2.box: edit,view', 'u1 -> s2: edit,view'],
        ...['u2 -> s1.box: view', 'u2 -> s2.box: edit', 'u2 -> s2: edit'],
        ...['u3 -> s1.box: edit,view', 'u3 -> s1: edit,view', 'u3 -> s2.box: view', 'u9 -> k1: view'],
      ];
      // stock through r6: floor's on s2 (cy), c1's on s2.box (ann), bob's through r7 on s1.
      const stock = [
        ...['u1 -> Shop: view', 'u1 -> s1.box: view', 'u1 -> s1: view', 'u1 -> s2.box: edit,stock,view', 'u1 -> s2: edit,view'],
        ...['u2 -> s1.box: view', 'u2 -> s1: stock', 'u2 -> s2.box: edit', 'u2 -> s2: edit'],
        ...['u3 -> s1.box: edit,view', 'u3 -> s1: edit,view', 'u3 -> s2.box: view', 'u3 -> s2: stock', 'u9 -> k1: view'],
      ];
      await checkSequence(base, changes, [inherited, boxesOnly, stock, stock]);
    });

    it('gives a user and a group without bindings their first entries by difference; an entry that may exist empty goes the whole-state way', async () => {
      const entry = (identity: string, type: string, body: Json): Json => ({ incremental_change: true, identity_to_permissions: [{ identity, identity_type: type, ...body }] });
      const changes = [
        // bob (u2) and managers hold no binding: their entries are added.
        entry('u2', 'local_user', { operation: 'add', role_assignments: [{ application: 'Shop', role: 'r1', resources: ['s1'] }] }),
        entry('managers', 'local_group', { operation: 'add', application_permissions: [{ application: 'Shop', permission: 'edit', resources: ['s1'] }] }),
        // bob's one binding deleted: his entry stays, empty.
        entry('u2', 'local_user', { role_assignments: [{ operation: 'delete', application: 'Shop', role: 'r1' }] }),
      ];
      // By hand: ann (u1) as in the base (view on Shop, r1's view on s1 and its box, staff's edit on
      // s2 and its box) throughout; bob reaches staff's edit through managers, then r1's view on s1,
      // then managers' edit on s1 (inherited by its box), then loses r1's view.
      const ann = ['u1 -> Shop: view', 'u1 -> s1.box: view', 'u1 -> s1: view', 'u1 -> s2.box: edit', 'u1 -> s2: edit'];
      const expected = [
        [...ann, 'u2 -> s1: view', 'u2 -> s2.box: edit', 'u2 -> s2: edit'],
        [...ann, 'u2 -> s1.box: edit', 'u2 -> s1: edit,view', 'u2 -> s2.box: edit', 'u2 -> s2: edit'],
        [...ann, 'u2 -> s1.box: edit', 'u2 -> s1: edit', 'u2 -> s2.box: edit', 'u2 -> s2: edit'],
      ];
      const pushed = await checkSequence(shopWithGroupGrants(), changes, expected);
      // bob's entry is empty now: adding it again collides with it, which the whole-state way reports.
      const again = entry('u2', 'local_user', { operation: 'add', role_assignments: [{ application: 'Shop', role: 'r1', resources: ['s2'] }] });
      const mayExist = { whole: 'an entry the change changes may exist without a binding the graph shows' };
      expect(await store.readLeafSlice(pushed.dataSourceId, planLeafDelta(again)!)).toEqual(mayExist);
      // So does an entry pushed empty, and one some other principal holds bindings under (c1's, a
      // credential of Depot here), since an entry is keyed by its identity alone.
      const payload = shopWithGroupGrants();
      payload.identity_to_permissions!.push({ identity: 'managers', identity_type: 'local_group', role_assignments: [], application_permissions: [] });
      payload.applications!.push({ name: 'Depot', application_type: 'depot', local_access_creds: [{ id: 'c1', name: 'key' }], resources: [{ name: 'rack', id: 'k1', resource_type: 'rack' }] });
      payload.identity_to_permissions!.push({ identity: 'c1', identity_type: 'local_access_creds', application_permissions: [{ application: 'Depot', permission: 'view', resources: ['k1'] }] });
      const other = await pushPayloadCommitted(store, 'application', payload);
      const managers = entry('managers', 'local_group', { operation: 'add', application_permissions: [{ application: 'Shop', permission: 'edit', resources: ['s1'] }] });
      expect(await store.readLeafSlice(other.dataSourceId, planLeafDelta(managers)!)).toEqual(mayExist);
      const token = entry('c1', 'local_access_creds', { operation: 'add', application_permissions: [{ application: 'Shop', permission: 'edit', resources: ['s1'] }] });
      expect(await store.readLeafSlice(other.dataSourceId, planLeafDelta(token)!)).toEqual(mayExist);
      const issues = new IssueCollector();
      applyIncremental('application', payload, structuredClone(token), issues);
      expect(issues.errors).toEqual([expect.objectContaining({ code: 'already_exists' })]);
    });

    it("changes IdP identities' entries by difference: bindings added and deleted, a first entry, the last binding taking the node, a role they hold redefined", async () => {
      const idpEntry = (identity: string, body: Json): Json => ({ incremental_change: true, identity_to_permissions: [{ identity, identity_type: 'idp', ...body }] });
      const changes = [
        idpEntry('ops@corp.example', { application_permissions: [{ operation: 'add', application: 'Shop', permission: 'view', resources: ['s1'] }] }),
        // Located without identity_type, as the stored entry is: no local user has that key.
        { incremental_change: true, identity_to_permissions: [{ identity: 'ops@corp.example', role_assignments: [{ operation: 'delete', application: 'Shop', role: 'r2' }] }] },
        idpEntry('ann@corp.example', { operation: 'add', role_assignments: [{ application: 'Shop', role: 'r1', resources: ['s2'] }] }),
        idpEntry('ops@corp.example', { application_permissions: [{ operation: 'delete', application: 'Shop', permission: 'view' }] }),
        // r1 (clerk, view) grants edit too: ann's identity holds it on s2.
        { incremental_change: true, applications: [{ name: 'Shop', local_roles: [{ operation: 'modify', id: 'r1', name: 'clerk', permissions: ['view', 'edit'] }] }] },
      ];
      // By hand: ops holds r2 (boss: edit, inherited, and r1's view) on Shop, so edit on every shelf
      // and box; then view on s1 besides; then view on s1 alone; ann's identity r1's view on s2;
      // ops' last binding gone, its node with it; r1 given edit (inherited): ann's identity edits s2 and its box.
      const ops = ['ops@corp.example -> Shop: edit,view', 'ops@corp.example -> s1.box: edit', 'ops@corp.example -> s1: edit,view', 'ops@corp.example -> s2.box: edit', 'ops@corp.example -> s2: edit'];
      const expected = [ops, ['ops@corp.example -> s1: view'], ['ann@corp.example -> s2: view', 'ops@corp.example -> s1: view'], ['ann@corp.example -> s2: view'], ['ann@corp.example -> s2.box: edit', 'ann@corp.example -> s2: edit,view']];
      const pushed = await checkSequence(shopWithGroupGrants(), changes, expected, /@corp\.example /);
      // ops' entry is empty now: adding it again collides with it.
      const again = idpEntry('ops@corp.example', { operation: 'add', role_assignments: [{ application: 'Shop', role: 'r1', resources: ['s1'] }] });
      expect(await store.readLeafSlice(pushed.dataSourceId, planLeafDelta(again)!)).toEqual({ whole: 'an entry the change changes may exist without a binding the graph shows' });
      // An identity bound in two applications: its one node holds both.
      const payload = shopWithGroupGrants();
      payload.applications!.push({ name: 'Depot', application_type: 'depot', resources: [{ name: 'rack', id: 'k1', resource_type: 'rack' }] });
      payload.identity_to_permissions!.find((e) => e.identity === 'ops@corp.example')!.application_permissions = [{ application: 'Depot', permission: 'view', resources: ['k1'] }];
      const twoApps = await pushPayloadCommitted(store, 'application', payload);
      const addView = idpEntry('ops@corp.example', { application_permissions: [{ operation: 'add', application: 'Shop', permission: 'view', resources: ['s1'] }] });
      expect(await store.readLeafSlice(twoApps.dataSourceId, planLeafDelta(addView)!)).toEqual({ whole: "an IdP identity's entry binds in another application too" });
      // And when it holds a role the change redefines (r1, which ops' r2 includes), though the change does not name it.
      const redefine = { incremental_change: true, applications: [{ name: 'Shop', local_roles: [{ operation: 'modify', id: 'r1', name: 'clerk', permissions: ['edit'] }] }] };
      expect(await store.readLeafSlice(twoApps.dataSourceId, planLeafDelta(redefine)!)).toEqual({ whole: "an IdP identity's entry binds in another application too" });
      expect(planLeafDelta(idpEntry('ops@corp.example', { application_permissions: [{ operation: 'add', application: 'Shop', permission: 'view' }, { operation: 'add', application: 'Depot', permission: 'edit' }] }))).toBeUndefined();
    });

    it('edits one entry whose identity is a local user of two applications, in both at once', async () => {
      // Depot's zed is keyed u1 too: the entry u1 binds ann in Shop and zed in Depot.
      const base = shopWithGroupGrants();
      base.applications!.push({ name: 'Depot', application_type: 'depot', local_users: [{ name: 'zed', id: 'u1' }], resources: [{ name: 'rack', id: 'k1', resource_type: 'rack' }] });
      base.identity_to_permissions!.find((e) => e.identity === 'u1')!.application_permissions!.push({ application: 'Depot', permission: 'view', resources: ['k1'] });
      const change = {
        incremental_change: true,
        identity_to_permissions: [{ identity: 'u1', identity_type: 'local_user', role_assignments: [{ operation: 'delete', application: 'Shop', role: 'r1' }], application_permissions: [{ operation: 'delete', application: 'Depot', permission: 'view' }] }],
      };
      // By hand: ann keeps view on Shop and staff's edit on s2 and its box, not r1's view; zed holds nothing.
      await checkSequence(base, [change], [['u1 -> Shop: view', 'u1 -> s2.box: edit', 'u1 -> s2: edit', 'u2 -> s2.box: edit', 'u2 -> s2: edit']]);
    });

    it("modifies and re-tags the application itself by difference: its node and tags, nothing of what it holds", async () => {
      const changes: Json[] = [
        // Its description and one custom property, its name in another case (a re-tag leaves the name as it is), and a user beside.
        { incremental_change: true, applications: [{ operation: 'modify', name: 'SHOP', description: 'the corner shop', custom_properties: { region: 'us-east' }, local_users: [{ operation: 'modify', id: 'u2', name: 'bob', email: 'bob@shop.example' }] }] },
        { incremental_change: true, applications: [{ operation: 'add_tag', name: 'shop', tags: [{ key: 'owner', value: 'ops' }, { key: 'tier', value: 'gold' }] }] },
        { incremental_change: true, applications: [{ operation: 'delete_tag', name: 'Shop', tags: [{ key: 'tier', value: 'gold' }] }] },
        // The stored type, given again, is no change of type.
        { incremental_change: true, applications: [{ operation: 'modify', name: 'SHOP', application_type: 'shop', description: 'shop two' }] },
      ];
      // By hand: who reaches what does not change (ann: view on the application, r1's view on s1 and
      // its box, staff's edit on s2 and its box; bob: staff's edit through managers); only the
      // application's name, as the first modify gave it.
      const lines = ['u1 -> SHOP: view', 'u1 -> s1.box: view', 'u1 -> s1: view', 'u1 -> s2.box: edit', 'u1 -> s2: edit', 'u2 -> s2.box: edit', 'u2 -> s2: edit'];
      const pushed = await checkSequence(shopWithGroupGrants(), changes, changes.map(() => lines));
      const final = await dump(pushed.dataSourceId);
      expect(final.nodes!.filter((line) => line.startsWith('app:shop |'))).toEqual([
        'app:shop | application | SHOP | shop | SHOP | OAA.shop.Application |  |  |  |  | {"application_type":"shop","customprop_region":"us-east","description":"shop two"}',
      ]);
      expect(final.tags!.filter((line) => line.startsWith('app:shop '))).toEqual(['app:shop owner=ops']);
      // Another type decides other custom properties for all the application holds; another Okta id re-matches every user's sign-ins.
      // Nor does its case: node types are made of it.
      for (const type of ['store', 'Shop']) {
        const retype = planLeafDelta({ incremental_change: true, applications: [{ operation: 'modify', name: 'Shop', application_type: type }] })!;
        expect(await store.readLeafSlice(pushed.dataSourceId, retype)).toEqual({ whole: "a modify changes the application's type" });
      }
      expect(planLeafDelta({ incremental_change: true, applications: [{ operation: 'modify', name: 'Shop', okta_app_id: '0oa1' }] })).toBeUndefined();
    });

    it('goes the whole-state way for a group moved under one below a moved group', async () => {
      const pushed = await pushPayloadCommitted(store, 'application', shopWithFloor());
      // managers is below staff: staff under managers would be a cycle, which the whole state reports.
      const cycle = planLeafDelta({ incremental_change: true, applications: [{ name: 'Shop', local_groups: [{ operation: 'modify', name: 'staff', groups: ['managers'] }] }] })!;
      expect(await store.readLeafSlice(pushed.dataSourceId, cycle)).toEqual({ whole: 'a moved group would be a member of a group below a moved one' });
    });

    it('re-resolves the links of the users it changes, and only theirs', async () => {
      const pushed = await pushPayloadCommitted(store, 'application', shopWithGroupGrants());
      const before = await linkLines(pushed.dataSourceId);
      expect(before).toEqual([`u1 -> ${idp} u1 (identities)`, `u2 -> ${idp} u2 (identities)`]);
      await byDifference(pushed, { incremental_change: true, applications: [{ name: 'Shop', local_users: [{ operation: 'modify', id: 'u1', name: 'ann', identities: ['bob@corp.example'] }] }] });
      const after = await linkLines(pushed.dataSourceId);
      // ann's identities now name the IdP user bob (identity u2); bob's own link is untouched.
      expect(after).toEqual([`u1 -> ${idp} u2 (identities)`, `u2 -> ${idp} u2 (identities)`]);
    });

    it('changes leaves by difference where roles hold grants of their own, while the roles principals hold stay', async () => {
      // clerk (r1) holds view on s2 itself: ann (u1), who holds clerk, reaches it; bob (u2) holds no role.
      const base = shopWithGroupGrants();
      (base.identity_to_permissions as Json[]).push({ identity: 'r1', identity_type: 'local_role', application_permissions: [{ application: 'Shop', permission: 'view', resources: ['s2'] }] });
      const shop = (entities: Json) => ({ incremental_change: true, applications: [{ name: 'Shop', ...entities }] });
      const changes = [
        // dee (u5) joins managers; bob is renamed; a shelf s3 is added and s1 re-tagged.
        shop({
          local_users: [
            { operation: 'add', id: 'u5', name: 'dee', groups: ['managers'] },
            { operation: 'modify', id: 'u2', name: 'robert', groups: ['managers'] },
          ],
          resources: [
            { operation: 'add', id: 's3', name: 'shelf three', resource_type: 'shelf' },
            { operation: 'add_tag', id: 's1', tags: [{ key: 'aisle', value: '4' }] },
          ],
        }),
        // ann, who holds clerk, leaves staff.
        shop({ local_users: [{ operation: 'modify', id: 'u1', name: 'ann', groups: [] }] }),
        // eve (u6) joins as boss on s1: boss includes clerk.
        {
          incremental_change: true,
          applications: [{ name: 'Shop', local_users: [{ operation: 'add', id: 'u6', name: 'eve' }] }],
          identity_to_permissions: [{ operation: 'add', identity: 'u6', identity_type: 'local_user', role_assignments: [{ application: 'Shop', role: 'r2', resources: ['s1'] }] }],
        },
        // bob is given his first entry, clerk on s1; ann's clerk is taken away.
        { incremental_change: true, identity_to_permissions: [{ operation: 'add', identity: 'u2', identity_type: 'local_user', role_assignments: [{ application: 'Shop', role: 'r1', resources: ['s1'] }] }] },
        { incremental_change: true, identity_to_permissions: [{ identity: 'u1', role_assignments: [{ operation: 'delete', application: 'Shop', role: 'r1' }] }] },
        // ann leaves.
        shop({ local_users: [{ operation: 'delete', id: 'u1', name: 'ann' }] }),
        // staff is given clerk on s1; then managers (bob's and dee's group) leaves staff.
        { incremental_change: true, identity_to_permissions: [{ identity: 'staff', identity_type: 'local_group', role_assignments: [{ operation: 'add', application: 'Shop', role: 'r1', resources: ['s1'] }] }] },
        shop({ local_groups: [{ operation: 'modify', name: 'managers', groups: [] }] }),
        // ops@corp.example (an IdP identity's entry, located without identity_type) loses boss, its one binding.
        { incremental_change: true, identity_to_permissions: [{ identity: 'ops@corp.example', role_assignments: [{ operation: 'delete', application: 'Shop', role: 'r2' }] }] },
        // clerk now grants edit instead of view; its own view on s2 stays.
        shop({ local_roles: [{ operation: 'modify', id: 'r1', name: 'clerk', permissions: ['edit'] }] }),
        // auditor (r9), added, includes clerk; fay (u7), added, holds it on s3.
        {
          incremental_change: true,
          applications: [{ name: 'Shop', local_users: [{ operation: 'add', id: 'u7', name: 'fay' }], local_roles: [{ operation: 'add', id: 'r9', name: 'auditor', permissions: [], roles: ['r1'] }] }],
          identity_to_permissions: [{ operation: 'add', identity: 'u7', identity_type: 'local_user', role_assignments: [{ application: 'Shop', role: 'r9', resources: ['s3'] }] }],
        },
        // boss includes no role any more; auditor is deleted.
        shop({ local_roles: [{ operation: 'modify', id: 'r2', name: 'boss', roles: [] }] }),
        shop({ local_roles: [{ operation: 'delete', id: 'r9', name: 'auditor' }] }),
      ];
      const bobAndDee = ['u2 -> s2.box: edit', 'u2 -> s2: edit', 'u5 -> s2.box: edit', 'u5 -> s2: edit'];
      const eve = ['u6 -> s1.box: edit', 'u6 -> s1: edit,view', 'u6 -> s2: view'];
      const clerkBob = ['u2 -> s1: view', 'u2 -> s2.box: edit', 'u2 -> s2: edit,view', 'u5 -> s2.box: edit', 'u5 -> s2: edit'];
      const expected = [
        // By hand: ann reaches clerk's own view on s2 beside staff's edit; dee, as bob, staff's edit through managers.
        ['u1 -> Shop: view', 'u1 -> s1.box: view', 'u1 -> s1: view', 'u1 -> s2.box: edit', 'u1 -> s2: edit,view', ...bobAndDee],
        // Out of staff, ann keeps what clerk gives her, its own view on s2 too.
        ['u1 -> Shop: view', 'u1 -> s1.box: view', 'u1 -> s1: view', 'u1 -> s2: view', ...bobAndDee],
        // eve: boss's edit on s1 (inherited by its box) and clerk's view there, and clerk's own view on s2 through boss.
        ['u1 -> Shop: view', 'u1 -> s1.box: view', 'u1 -> s1: view', 'u1 -> s2: view', ...bobAndDee, ...eve],
        // bob: clerk's view on s1, and its own view on s2 beside staff's edit.
        ['u1 -> Shop: view', 'u1 -> s1.box: view', 'u1 -> s1: view', 'u1 -> s2: view', ...clerkBob, ...eve],
        // ann keeps her own view on the application only.
        ['u1 -> Shop: view', ...clerkBob, ...eve],
        [...clerkBob, ...eve],
        // dee now reaches clerk's view on s1 and its own on s2 through staff (bob did already).
        ['u2 -> s1: view', 'u2 -> s2.box: edit', 'u2 -> s2: edit,view', 'u5 -> s1: view', 'u5 -> s2.box: edit', 'u5 -> s2: edit,view', ...eve],
        // Out of staff, bob keeps his own clerk: its view on s1 and its own view on s2; dee reaches nothing.
        ['u2 -> s1: view', 'u2 -> s2: view', ...eve],
        ['u2 -> s1: view', 'u2 -> s2: view', ...eve],
        // bob's clerk on s1 gives edit there (inherited by its box); so does eve's boss, which includes clerk.
        ['u2 -> s1.box: edit', 'u2 -> s1: edit', 'u2 -> s2: view', 'u6 -> s1.box: edit', 'u6 -> s1: edit', 'u6 -> s2: view'],
        // fay: clerk's edit on s3 through auditor, and clerk's own view on s2.
        ['u2 -> s1.box: edit', 'u2 -> s1: edit', 'u2 -> s2: view', 'u6 -> s1.box: edit', 'u6 -> s1: edit', 'u6 -> s2: view', 'u7 -> s2: view', 'u7 -> s3: edit'],
        // eve keeps boss's own edit on s1, no longer clerk's view on s2.
        ['u2 -> s1.box: edit', 'u2 -> s1: edit', 'u2 -> s2: view', 'u6 -> s1.box: edit', 'u6 -> s1: edit', 'u7 -> s2: view', 'u7 -> s3: edit'],
        // fay's one assignment goes with auditor.
        ['u2 -> s1.box: edit', 'u2 -> s1: edit', 'u2 -> s2: view', 'u6 -> s1.box: edit', 'u6 -> s1: edit'],
      ];
      const pushed = await checkSequence(base, changes, expected);
      // A permission that a role holds itself goes the whole-state way (the role's own entry is not read back).
      const read = await store.readLeafSlice(pushed.dataSourceId, planLeafDelta({ incremental_change: true, permissions: [{ operation: 'modify', name: 'view', permission_type: ['DataRead'] }] })!);
      expect(read).toEqual({ whole: 'a role the change redefines or deletes, or a permission it changes, is held by a role' });
    });

    it('reaches anew the roles including a role given other nested roles, where roles hold grants of their own', async () => {
      // clerk (r1) holds view on s2 itself, boss (r2, including clerk) edit on s1, peeker (r3) peek on s2.box; bob (u2) holds boss on s2.
      const base = shopWithGroupGrants();
      (base.identity_to_permissions as Json[]).push(
        { identity: 'r1', identity_type: 'local_role', application_permissions: [{ application: 'Shop', permission: 'view', resources: ['s2'] }] },
        { identity: 'r2', identity_type: 'local_role', application_permissions: [{ application: 'Shop', permission: 'edit', resources: ['s1'] }] },
        { identity: 'r3', identity_type: 'local_role', application_permissions: [{ application: 'Shop', permission: 'peek', resources: ['s2.box'] }] },
        { identity: 'u2', identity_type: 'local_user', role_assignments: [{ application: 'Shop', role: 'r2', resources: ['s2'] }] },
      );
      // clerk now includes peeker: boss, which includes clerk, reaches peeker's own grant too; so
      // does auditor (r9), added with clerk in it, and held by dee (u5), added.
      const changes = [
        {
          incremental_change: true,
          applications: [
            {
              name: 'Shop',
              local_users: [{ operation: 'add', id: 'u5', name: 'dee' }],
              local_roles: [
                { operation: 'modify', id: 'r1', name: 'clerk', permissions: ['view'], roles: ['r3'] },
                { operation: 'add', id: 'r9', name: 'auditor', permissions: [], roles: ['r1'] },
              ],
            },
          ],
          identity_to_permissions: [{ operation: 'add', identity: 'u5', identity_type: 'local_user', role_assignments: [{ application: 'Shop', role: 'r9', resources: ['s1'] }] }],
        },
      ];
      const expected = [
        [
          // ann holds clerk on s1 and its box: peeker's peek on the box (boxes only), and through clerk peeker's own peek on s2.box.
          'u1 -> Shop: view',
          'u1 -> s1.box: peek,view',
          'u1 -> s1: view',
          'u1 -> s2.box: edit,peek',
          'u1 -> s2: edit,view',
          // bob: boss's edit on s2 and its box, clerk's view on s2, peeker's peek on s2.box; through boss its own edit on s1 and its box, clerk's own view on s2, peeker's own peek on s2.box.
          'u2 -> s1.box: edit',
          'u2 -> s1: edit',
          'u2 -> s2.box: edit,peek',
          'u2 -> s2: edit,view',
          // dee: clerk's view on s1 and peeker's peek on its box through auditor; through auditor and clerk their own view on s2 and peek on s2.box.
          'u5 -> s1.box: peek',
          'u5 -> s1: view',
          'u5 -> s2.box: peek',
          'u5 -> s2: view',
        ],
      ];
      const pushed = await checkSequence(base, changes, expected);
      // A role whose own entry assigns it a role reaches through that one too, which a change by difference does not read.
      const held = structuredClone(base);
      (held.identity_to_permissions as Json[]).push({ identity: 'r3', identity_type: 'local_role', role_assignments: [{ application: 'Shop', role: 'r2', resources: ['s1'] }] });
      const other = await pushPayloadCommitted(store, 'application', held);
      const redefine = planLeafDelta({ incremental_change: true, applications: [{ name: 'Shop', local_roles: [{ operation: 'modify', id: 'r3', name: 'peeker', permissions: ['peek', 'view'] }] }] })!;
      expect(await store.readLeafSlice(other.dataSourceId, redefine)).toEqual({ whole: 'a role the change reaches through holds roles in its own entry' });
      expect('slice' in (await store.readLeafSlice(pushed.dataSourceId, redefine))).toBe(true);
    });

    it('goes the whole-state way when the state was stored without a basis', async () => {
      const pushed = await pushPayloadCommitted(store, 'application', shopWithGroupGrants());
      const plan = planLeafDelta(deleteAndRetag())!;
      await db.query('update data_source_states set delta_basis = null');
      expect(await store.readLeafSlice(pushed.dataSourceId, plan)).toEqual({ whole: 'the state was stored before differences were kept' });
    });

    it('deletes a resource by difference with the bindings naming it: the grants on it go with their entries', async () => {
      const base = shopWithGroupGrants();
      const staff = (operation: string, resources: string[]) => ({ identity: 'staff', identity_type: 'local_group', application_permissions: [{ operation, application: 'Shop', permission: 'edit', resources }] });
      const changes = [
        // staff (ann; bob through managers) edits s1 besides s2.
        { incremental_change: true, identity_to_permissions: [staff('add_resource', ['s1'])] },
        // s2 goes, and with it staff's edit there.
        { incremental_change: true, applications: [{ name: 'Shop', resources: [{ operation: 'delete', id: 's2', name: 'shelf two' }] }], identity_to_permissions: [staff('delete_resource', ['s2'])] },
      ];
      const expected = [
        ['u1 -> Shop: view', 'u1 -> s1.box: edit,view', 'u1 -> s1: edit,view', 'u1 -> s2.box: edit', 'u1 -> s2: edit', 'u2 -> s1.box: edit', 'u2 -> s1: edit', 'u2 -> s2.box: edit', 'u2 -> s2: edit'],
        ['u1 -> Shop: view', 'u1 -> s1.box: edit,view', 'u1 -> s1: edit,view', 'u2 -> s1.box: edit', 'u2 -> s1: edit'],
      ];
      await checkSequence(base, changes, expected);
    });

    it('goes the whole-state way for a resource deleted with grants on it, an added one of a new type or keyed unlike its type', async () => {
      const pushed = await pushPayloadCommitted(store, 'application', shopWithGroupGrants());
      const resources = (items: Json[]) => planLeafDelta({ incremental_change: true, applications: [{ name: 'Shop', resources: items }] })!;
      // staff holds edit on s2.
      expect(await store.readLeafSlice(pushed.dataSourceId, resources([{ operation: 'delete', id: 's2', name: 'shelf two' }]))).toEqual({ whole: 'a deleted resource has grants that the change leaves' });
      expect(await store.readLeafSlice(pushed.dataSourceId, resources([{ operation: 'add', id: 'c1', name: 'crate', resource_type: 'crate' }]))).toEqual({
        whole: 'an added resource is of a type the data source has not declared',
      });
      // Shelves have ids.
      expect(await store.readLeafSlice(pushed.dataSourceId, resources([{ operation: 'add', name: 'shelf four', resource_type: 'shelf' }]))).toEqual({ whole: 'an added resource is keyed otherwise than its type' });
      expect('slice' in (await store.readLeafSlice(pushed.dataSourceId, resources([{ operation: 'add', id: 's4', name: 'shelf four', resource_type: 'shelf' }])))).toBe(true);
      // A role whose one permission applies to boxes only, not to sub-resources: assigned to bob on
      // a shelf, it grants nothing there and leaves no grant; the shelf's deletion cannot be made by difference.
      const traceless = await pushPayloadCommitted(store, 'application', shopWithCounter());
      expect(await store.readLeafSlice(traceless.dataSourceId, resources([{ operation: 'delete', id: 's5', name: 'shelf five' }]))).toEqual({
        whole: 'a binding may name a deleted resource without a grant on it',
      });
      // A box is one of the types the role applies to: deleting one is made by difference.
      expect('slice' in (await store.readLeafSlice(traceless.dataSourceId, resources([{ id: 's2', name: 'shelf two', sub_resources: [{ operation: 'delete', name: 'box' }] }])))).toBe(true);
    });

    it('reads back an entry holding an assignment that grants nothing on the scope it names, from the scopes its edge keeps', async () => {
      const bob = (roles: Json[]) => ({ incremental_change: true, identity_to_permissions: [{ identity: 'u2', role_assignments: roles }] });
      const changes = [
        // bob's r4 on s5 grants nothing (count applies to boxes only); r1 (view) on the application is added beside it.
        bob([{ operation: 'add', application: 'Shop', role: 'r1', apply_to_application: true }]),
        // r4 redefined to view: bob's assignment of it, read back with s5, grants view there.
        { incremental_change: true, applications: [{ name: 'Shop', local_roles: [{ operation: 'modify', id: 'r4', name: 'counter', permissions: ['view'] }] }] },
      ];
      const ann = ['u1 -> Shop: view', 'u1 -> s1.box: view', 'u1 -> s1: view', 'u1 -> s2.box: edit', 'u1 -> s2: edit'];
      const expected = [
        [...ann, 'u2 -> Shop: view', 'u2 -> s2.box: edit', 'u2 -> s2: edit'],
        [...ann, 'u2 -> Shop: view', 'u2 -> s2.box: edit', 'u2 -> s2: edit', 'u2 -> s5: view'],
      ];
      await checkSequence(shopWithCounter(), changes, expected);
    });

    it('goes the whole-state way for users of an application enriched with Okta sign-ins, not for its resources or their entries', async () => {
      const payload = shopWithGroupGrants();
      payload.applications![0]!.okta_app_id = '0oa1shop';
      const pushed = await pushPayloadCommitted(store, 'application', payload);
      expect(await store.readLeafSlice(pushed.dataSourceId, planLeafDelta(deleteAndRetag())!)).toEqual({ whole: 'the application is enriched with Okta sign-ins and the change touches its users' });
      const resourceChange = { incremental_change: true, applications: [{ name: 'Shop', resources: [{ operation: 'modify', id: 's2', name: 'shelf two', description: 'moved' }] }] };
      // An entry's holder is not written anew: the enrichment its node carries stays.
      const entryChange = { incremental_change: true, identity_to_permissions: [{ identity: 'u1', role_assignments: [{ operation: 'add', application: 'Shop', role: 'r2', resources: ['s1'] }] }] };
      const state = structuredClone(payload) as Json;
      for (const change of [resourceChange, entryChange]) {
        expect(await commitByDifference(store, pushed, change)).toEqual({ warnings: [] });
        applyIncremental('application', state, structuredClone(change), new IssueCollector());
      }
      expect(await dump(pushed.dataSourceId)).toEqual(await dump(await whole(state)));
    });

    it('reads back an entry holding one role twice from the scopes their edges keep, unless the change edits it', async () => {
      const payload = shopWithGroupGrants();
      const ann = payload.identity_to_permissions!.find((e) => e.identity === 'u1')!;
      ann.role_assignments!.push({ application: 'Shop', role: 'r3', resources: ['s1.box'] }, { application: 'Shop', role: 'r3', resources: ['s2'] });
      const pushed = await pushPayloadCommitted(store, 'application', payload);
      // Which of the two assignments an edit names follows their order in the payload, which the graph does not keep.
      const plan = planLeafDelta({ incremental_change: true, identity_to_permissions: [{ identity: 'u1', role_assignments: [{ operation: 'delete', application: 'Shop', role: 'r3' }] }] })!;
      expect(await store.readLeafSlice(pushed.dataSourceId, plan)).toEqual({ whole: 'an entry the change edits holds one role or permission twice' });
      // r3 (peek on boxes) redefined to view: ann's two assignments of it, read back with s1.box and s2, grant view on both.
      const redefine = (permission: string) => ({ incremental_change: true, applications: [{ name: 'Shop', local_roles: [{ operation: 'modify', id: 'r3', name: 'peeker', permissions: [permission] }] }] });
      // The box under s1, keyed by its name, renamed in another case: the kept scopes name it by its lower-cased key, which stays.
      const rename = { incremental_change: true, applications: [{ name: 'Shop', resources: [{ id: 's1', name: 'shelf one', sub_resources: [{ operation: 'modify', name: 'BOX' }] }] }] };
      const changes = [redefine('view'), rename, redefine('edit')];
      const bob = ['u2 -> s2.box: edit', 'u2 -> s2: edit'];
      const expected = [
        ['u1 -> Shop: view', 'u1 -> s1.box: view', 'u1 -> s1: view', 'u1 -> s2.box: edit', 'u1 -> s2: edit,view', ...bob],
        ['u1 -> Shop: view', 'u1 -> s1.BOX: view', 'u1 -> s1: view', 'u1 -> s2.box: edit', 'u1 -> s2: edit,view', ...bob],
        // r3 as edit (inherited): edit on s1's box and on s2 and its box; view on the box through r1 still.
        ['u1 -> Shop: view', 'u1 -> s1.BOX: edit,view', 'u1 -> s1: view', 'u1 -> s2.box: edit', 'u1 -> s2: edit', ...bob],
      ];
      await checkSequence(payload, changes, expected);
    });

    it('goes the whole-state way when a deleted user shares its key with an IdP binding, or an added binding names a bound identity', async () => {
      const payload = shopWithGroupGrants();
      // The shop's IdP binding is for ops@corp.example; a user keyed alike would take that entry with it when deleted.
      payload.applications![0]!.local_users!.push({ name: 'ops', id: 'ops@corp.example' });
      const pushed = await pushPayloadCommitted(store, 'application', payload);
      const deleteOps = { incremental_change: true, applications: [{ name: 'Shop', local_users: [{ operation: 'delete', id: 'ops@corp.example', name: 'ops' }] }] };
      expect(await store.readLeafSlice(pushed.dataSourceId, planLeafDelta(deleteOps)!)).toEqual({ whole: 'a deleted principal shares its key with an IdP binding' });
      // So would a group (or a role, a credential) keyed alike.
      payload.applications![0]!.local_groups!.push({ name: 'ops@corp.example' });
      const withGroup = await pushPayloadCommitted(store, 'application', payload);
      const deleteGroup = { incremental_change: true, applications: [{ name: 'Shop', local_groups: [{ operation: 'delete', name: 'ops@corp.example' }] }] };
      expect(await store.readLeafSlice(withGroup.dataSourceId, planLeafDelta(deleteGroup)!)).toEqual({ whole: 'a deleted principal shares its key with an IdP binding' });
      const change = addAndModify();
      (change.applications as Json[])[0]!.local_users = [{ operation: 'add', id: 'staff', name: 'staff member' }];
      (change.identity_to_permissions as Json[]).splice(0, 2, { operation: 'add', identity: 'staff', identity_type: 'local_user', application_permissions: [{ application: 'Shop', permission: 'view', apply_to_application: true }] });
      expect(await store.readLeafSlice(pushed.dataSourceId, planLeafDelta(change)!)).toEqual({ whole: 'an added binding names an identity that has bindings' });
    });

    it('logs each change after the stored payload, which a whole push then replaces', async () => {
      const pushed = await pushPayloadCommitted(store, 'application', shopWithGroupGrants());
      await byDifference(pushed, addAndModify());
      await byDifference(pushed, deleteAndRetag());
      const state = await store.getDataSourceState(pushed.dataSourceId);
      expect(state!.changes.map((c) => (JSON.parse(Buffer.from(c).toString('utf8')) as Json).applications)).toEqual([addAndModify().applications, deleteAndRetag().applications]);
      const counts = await db.query<{ counts: string }>('select counts from pushes where incremental = 1 order by started_at');
      // 2 users and 4 bindings (u1's two, ops@corp.example's, staff's); +2 users, +3 bindings (u3: 1, u4: 2); then -1 user with its 2 bindings.
      expect(counts.map((c) => JSON.parse(c.counts) as Json)).toMatchObject([
        { local_users: 4, bindings: 7 },
        { local_users: 3, bindings: 5 },
      ]);
      await commitPayload(store, pushed, 'application', shopWithGroupGrants());
      expect((await store.getDataSourceState(pushed.dataSourceId))!.changes).toEqual([]);
    });

    it('folds the logged changes into the stored payload, only while no push came since', async () => {
      const pushed = await pushPayloadCommitted(store, 'application', shopWithGroupGrants());
      await byDifference(pushed, addAndModify());
      await byDifference(pushed, deleteAndRetag());
      const before = (await store.getDataSourceState(pushed.dataSourceId))!;
      expect(before.changes).toHaveLength(2);
      const folded = Buffer.from('the payload with both changes');
      expect(await store.compactDataSourceState(pushed.dataSourceId, { payload: folded, pushedAt: '2020-01-01T00:00:00.000Z', changes: 2 })).toBe(false);
      expect(await store.compactDataSourceState(pushed.dataSourceId, { payload: folded, pushedAt: before.pushedAt, changes: 1 })).toBe(false);
      expect((await store.getDataSourceState(pushed.dataSourceId))!.changes).toHaveLength(2);
      expect(await store.compactDataSourceState(pushed.dataSourceId, { payload: folded, pushedAt: before.pushedAt, changes: 2 })).toBe(true);
      const after = (await store.getDataSourceState(pushed.dataSourceId))!;
      expect({ payload: Buffer.from(after.payload).toString(), changes: after.changes, pushedAt: after.pushedAt }).toEqual({ payload: 'the payload with both changes', changes: [], pushedAt: before.pushedAt });
    });

    const dump = (dataSourceId: string) => graphDump(db, backend.name, dataSourceId);
    const access = (dataSourceId: string) => accessLines(store, dataSourceId);

    const lastCounts = (dataSourceId: string) => sharedLastCounts(db, dataSourceId);

    async function linkLines(dataSourceId: string): Promise<string[]> {
      const links = await store.listIdentityLinks(dataSourceId, { pageSize: 1000 });
      return links.items.map((l) => `${l.from.key} -> ${l.to?.data_source_id} ${l.to?.key} (${l.rule})`).sort();
    }
  });
}

/**
 * The core tests' shop (`validPayload`: users u1, u2 keyed by id, groups staff and managers ⊂
 * staff, roles r1 and r2 ⊃ r1, credential c1, shelves s1 and s2 with boxes), plus grants that
 * make membership matter — staff holds edit on s2 — and a role r3 whose permission peek applies
 * to boxes only (a typed grant).
 */
function shopWithGroupGrants(): ApplicationPayload & Json {
  const payload = validPayload() as ApplicationPayload & Json;
  const app = payload.applications![0]!;
  app.local_roles!.push({ name: 'peeker', id: 'r3', permissions: ['peek'] });
  payload.permissions!.push({ name: 'peek', permission_type: ['MetadataRead'], apply_to_sub_resources: true, resource_types: ['box'] });
  payload.identity_to_permissions!.push({ identity: 'staff', identity_type: 'local_group', application_permissions: [{ application: 'Shop', permission: 'edit', resources: ['s2'] }] });
  return payload;
}

/**
 * `shopWithGroupGrants` with a group floor (a member of nothing) holding view on s1, a credential
 * c2 holding edit on s1 (inherited by its box), and a user cy (u3) in floor holding c2.
 */
function shopWithFloor(): ApplicationPayload & Json {
  const payload = shopWithGroupGrants();
  const app = payload.applications![0]!;
  app.local_groups!.push({ name: 'floor' });
  app.local_access_creds!.push({ id: 'c2', name: 'badge' });
  app.local_users!.push({ name: 'cy', id: 'u3', groups: ['floor'], access_creds: ['c2'] });
  payload.identity_to_permissions!.push(
    { identity: 'floor', identity_type: 'local_group', application_permissions: [{ application: 'Shop', permission: 'view', resources: ['s1'] }] },
    { identity: 'c2', identity_type: 'local_access_creds', application_permissions: [{ application: 'Shop', permission: 'edit', resources: ['s1'] }] },
  );
  return payload;
}

/**
 * `shopWithGroupGrants` with a role r4 (counter) whose one permission, count, applies to boxes only
 * and not to sub-resources, and a shelf s5 on which bob (u2) is assigned it: it grants nothing there.
 */
function shopWithCounter(): ApplicationPayload & Json {
  const payload = shopWithGroupGrants();
  payload.permissions!.push({ name: 'count', permission_type: ['MetadataRead'], resource_types: ['box'] });
  payload.applications![0]!.local_roles!.push({ name: 'counter', id: 'r4', permissions: ['count'] });
  payload.applications![0]!.resources!.push({ id: 's5', name: 'shelf five', resource_type: 'shelf' });
  payload.identity_to_permissions!.push({ identity: 'u2', identity_type: 'local_user', role_assignments: [{ application: 'Shop', role: 'r4', resources: ['s5'] }] });
  return payload;
}

/**
 * `shopWithFloor` with two roles of its own: r6 (stocker: view) and r7 (lead: no permission,
 * includes r6); floor holds r6 on s2, c1 (ann's) r6 on s2.box, bob (u2) r7 on s1.
 */
function shopWithRoles(): ApplicationPayload & Json {
  const payload = shopWithFloor();
  payload.applications![0]!.local_roles!.push({ id: 'r6', name: 'stocker', permissions: ['view'] }, { id: 'r7', name: 'lead', permissions: [], roles: ['r6'] });
  const entries = payload.identity_to_permissions!;
  entries.find((e) => e.identity === 'floor')!.role_assignments = [{ application: 'Shop', role: 'r6', resources: ['s2'] }];
  entries.push(
    { identity: 'c1', identity_type: 'local_access_creds', role_assignments: [{ application: 'Shop', role: 'r6', resources: ['s2.box'] }] },
    { identity: 'u2', identity_type: 'local_user', role_assignments: [{ application: 'Shop', role: 'r7', resources: ['s1'] }] },
  );
  return payload;
}

/** Every operation but delete: a modify that moves ann to managers and changes properties, a tag added, two users added with bindings. */
function addAndModify(): Json {
  return {
    incremental_change: true,
    applications: [
      {
        name: 'Shop',
        local_users: [
          { operation: 'modify', id: 'u1', name: 'ann', email: 'ann@corp.example', groups: ['managers'], custom_properties: { seats: 5 } },
          { operation: 'add_tag', id: 'u2', name: 'bob', tags: [{ key: 'team', value: 'ops' }] },
          { operation: 'add', id: 'u3', name: 'cy', identities: ['cy@corp.example', 'nobody@nowhere.example'], groups: ['staff'], access_creds: ['c1'], custom_properties: { nickname: 'c' }, tags: [{ key: 'new', value: 'yes' }] },
          { operation: 'add', id: 'u4', name: 'dee', email: 'dee@corp.example' },
        ],
      },
    ],
    identity_to_permissions: [
      { operation: 'add', identity: 'u3', identity_type: 'local_user', role_assignments: [{ application: 'Shop', role: 'r2', resources: ['s2'], custom_properties: { approved: false } }] },
      {
        operation: 'add',
        identity: 'u4',
        identity_type: 'local_user',
        role_assignments: [{ application: 'Shop', role: 'r3', resources: ['s1'] }],
        application_permissions: [{ application: 'Shop', permission: 'view', apply_to_application: true }],
      },
    ],
  };
}

/** Bindings added to the stored entries of two existing users (entries located by identity, without an operation). */
function bindingsAdded(): Json {
  return {
    incremental_change: true,
    identity_to_permissions: [
      {
        identity: 'u3',
        role_assignments: [{ operation: 'add', application: 'Shop', role: 'r1', resources: ['s1'] }],
        application_permissions: [{ operation: 'add', application: 'Shop', permission: 'edit', apply_to_application: true }],
      },
      { identity: 'U4', identity_type: 'local_user', role_assignments: [{ operation: 'add', application: 'Shop', role: 'r2', resources: ['s1'] }] },
    ],
  };
}

/** Every operation on bindings inside stored entries: a modify of an assignment's properties, resources added to one, a permission and a role deleted. */
function bindingsChanged(): Json {
  return {
    incremental_change: true,
    identity_to_permissions: [
      {
        identity: 'u3',
        role_assignments: [
          { operation: 'modify', application: 'Shop', role: 'r2', custom_properties: { approved: true } },
          { operation: 'add_resource', application: 'Shop', role: 'r1', resources: ['s2'] },
        ],
        application_permissions: [{ operation: 'delete', application: 'Shop', permission: 'edit' }],
      },
      { identity: 'u4', role_assignments: [{ operation: 'delete', application: 'Shop', role: 'r3' }] },
    ],
  };
}

/**
 * Every resource operation: a sub-resource added under an existing shelf, a shelf added with a box,
 * a shelf with grants on it modified, a box re-tagged, a box without grants deleted.
 */
function resourcesChanged(): Json {
  return {
    incremental_change: true,
    applications: [
      {
        name: 'Shop',
        resources: [
          { id: 's1', name: 'shelf one', sub_resources: [{ operation: 'add', name: 'lid', resource_type: 'box', custom_properties: { size: 1 }, tags: [{ key: 'new', value: 'lid' }] }, { operation: 'delete', name: 'box' }] },
          { operation: 'modify', id: 's2', name: 'shelf two, moved', description: 'by the door', custom_properties: { private: false } },
          { id: 's2', name: 'shelf two', sub_resources: [{ operation: 'add_tag', name: 'box', tags: [{ key: 'aisle', value: '4' }] }] },
          { operation: 'add', id: 's3', name: 'shelf three', resource_type: 'shelf', sub_resources: [{ name: 'box', resource_type: 'box' }] },
        ],
      },
    ],
  };
}

/**
 * Groups, roles and credentials added, modified in place and re-tagged, with a user moved into the
 * new group and given the new credential, and a binding of the new role.
 */
function entitiesChanged(): Json {
  return {
    incremental_change: true,
    applications: [
      {
        name: 'Shop',
        local_groups: [
          { operation: 'add', name: 'interns', groups: ['staff'], identities: ['staff', 'interns@nowhere.example'] },
          { operation: 'modify', name: 'managers', custom_properties: { cost_center: 'cc-9' } },
          { operation: 'add_tag', name: 'staff', tags: [{ key: 'floor', value: '2' }] },
        ],
        local_roles: [
          { operation: 'add', id: 'r5', name: 'auditor', permissions: ['view'], roles: ['r1'] },
          { operation: 'modify', id: 'r1', name: 'clerk', custom_properties: { level: 2 } },
        ],
        local_access_creds: [
          { operation: 'add', id: 'c2', name: 'key two', is_active: false },
          { operation: 'add_tag', id: 'c1', tags: [{ key: 'rotated', value: 'no' }] },
        ],
        local_users: [{ operation: 'modify', id: 'u2', name: 'bob', groups: ['interns'], access_creds: ['c2'] }],
      },
    ],
    identity_to_permissions: [{ identity: 'u3', role_assignments: [{ operation: 'add', application: 'Shop', role: 'r5', resources: ['s3'] }] }],
  };
}

/** A user with bindings deleted, a tag removed, a user moved out of its groups. */
function deleteAndRetag(): Json {
  return {
    incremental_change: true,
    applications: [
      {
        name: 'Shop',
        local_users: [
          { operation: 'delete', id: 'u1', name: 'ann' },
          { operation: 'delete_tag', id: 'u2', name: 'bob', tags: [{ key: 'team', value: 'ops' }] },
          { operation: 'modify', id: 'u3', name: 'cy', groups: ['managers'] },
        ],
      },
    ],
  };
}

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { ApplicationPayload } from '@accessgraph/contract';
import { expandEffectiveAccess } from '../graph/effective-access.js';
import { tableRows } from '../graph/graph-tables.js';
import { IssueCollector } from '../payload/issues.js';
import { deriveApplicationGraph } from './derive-application.js';
import { readApplicationPayload } from './read-application.js';

/**
 * Golden answers for effective permissions, worked out by hand from the payloads (the reasoning
 * is in the comments). They pin the readings of spec §13.3: groups nest, roles nest, inheritance
 * only through apply_to_sub_resources, resource_types limit role grants, credentials pass their
 * grants to the users holding them.
 */
function fixture(name: string): ApplicationPayload {
  return JSON.parse(readFileSync(new URL(`../../../../test/fixtures/${name}`, import.meta.url), 'utf8')) as ApplicationPayload;
}

function derive(payload: ApplicationPayload) {
  const issues = new IssueCollector();
  const model = readApplicationPayload(payload, issues);
  expect(issues.errors).toEqual([]);
  return { graph: deriveApplicationGraph(model), warnings: issues.warnings };
}

const DR = 'DataRead', DW = 'DataWrite', MR = 'MetadataRead', MW = 'MetadataWrite', ND = 'NonData';

function table(graph: ReturnType<typeof deriveApplicationGraph>) {
  return expandEffectiveAccess(graph).map((row) => [row.principal, row.target, row.permissions, row.canonicalTypes]);
}

describe('golden effective permissions', () => {
  it('seed "Simple Custom Application": direct grants and a group', () => {
    // bob (0000000001): operator on the app, manager on resource 0001 only (not its child, not
    // inheritable). admins: admin on the app; jane is in admins, so she gets it too.
    const { graph, warnings } = derive(fixture('seed-app-simple.json'));
    expect(warnings).toEqual([]);
    expect(table(graph)).toEqual([
      ['0000000001', '0001', ['manager'], [MW]],
      ['0000000001', 'Sample App', ['operator'], [DR, MR]],
      ['0000000002', 'Sample App', ['admin'], [DR, DW]],
      ['admins', 'Sample App', ['admin'], [DR, DW]],
    ]);
  });

  it('seed "Sample Application using Roles": role assignments at application scope', () => {
    // user = view_tickets + close_tickets; admin = manage_users. bob has user; jane has both.
    const { graph } = derive(fixture('seed-app-roles.json'));
    expect(table(graph)).toEqual([
      ['0000000001', 'Sample App', ['close_tickets', 'view_tickets'], [DR, MW]],
      ['0000000002', 'Sample App', ['close_tickets', 'manage_users', 'view_tickets'], [DR, MW]],
    ]);
  });

  it('ledger: nested groups and roles, inheritance, resource_types, credentials, IdP identities', () => {
    const { graph, warnings } = derive(fixture('app-ledger.json'));
    const all9 = ['DataCreate', 'DataDelete', DR, DW, 'MetadataCreate', 'MetadataDelete', MR, MW, ND];
    const five = [DR, DW, MR, MW, ND];
    expect(table(graph)).toEqual([
      // ann: keeper@app -> every (app only), Owner (app and, inheritable, every resource),
      // Edit_Book (typed "book": book1 and book2, not the app, not page1); auditors' reader@book1 -> Read.
      ['ann', 'book1', ['Edit_Book', 'Owner', 'Read'], five],
      ['ann', 'book2', ['Edit_Book', 'Owner'], five],
      ['ann', 'book2.page1', ['Owner'], five],
      ['ann', 'Ledger', ['every', 'Owner'], all9],
      // auditors: reader@book1.
      ['auditors', 'book1', ['Read'], [DR, MR]],
      // bot holds credential c1, whose Read@book2 it receives.
      ['bot', 'book2', ['Read'], [DR, MR]],
      ['c1', 'book2', ['Read'], [DR, MR]],
      // kim: clerk@app = Edit + Mystery + nested reader's Read, on the app only.
      ['kim', 'Ledger', ['Edit', 'Mystery', 'Read'], [DR, DW, MR, MW, ND, 'Uncategorized']],
      // lee: Edit on the app and book1 directly; team -> auditors -> Read on book1.
      ['lee', 'book1', ['Edit', 'Read'], five],
      ['lee', 'Ledger', ['Edit'], five],
      // max: Read on book2 and page1 directly; auditors -> Read on book1.
      ['max', 'book1', ['Read'], [DR, MR]],
      ['max', 'book2', ['Read'], [DR, MR]],
      ['max', 'book2.page1', ['Read'], [DR, MR]],
      // The IdP identity holds keeper@app like ann, without ann's group grants.
      ['ops@corp.example', 'book1', ['Edit_Book', 'Owner'], five],
      ['ops@corp.example', 'book2', ['Edit_Book', 'Owner'], five],
      ['ops@corp.example', 'book2.page1', ['Owner'], five],
      ['ops@corp.example', 'Ledger', ['every', 'Owner'], all9],
      // team is a member of auditors, so it has auditors' Read on book1; staff has nothing.
      ['team', 'book1', ['Read'], [DR, MR]],
    ]);
    expect(warnings.map((w) => w.message)).toEqual([expect.stringMatching(/^Role is missing permission: role "idle"/)]);
  });

  it('ledger: nodes carry Veza-style types, properties and tags', () => {
    const { graph } = derive(fixture('app-ledger.json'));
    const byKey = new Map(graph.nodes.map((n) => [n.key, n]));
    expect(byKey.get('app:ledger')).toMatchObject({ nodeType: 'OAA.ledger.Application', properties: { customprop_region: 'eu-west' }, tags: [{ key: 'tier', value: 'gold' }] });
    expect(byKey.get('app:ledger/user:ann')).toMatchObject({ nodeType: 'OAA.ledger.User', properties: { is_active: true, customprop_seat_count: 2 } });
    expect(byKey.get('app:ledger/resource:book2.page1')).toMatchObject({ nodeType: 'OAA.ledger.page.SubResource', localKey: 'book2.page1' });
    expect(byKey.get('app:ledger/resource:book1')).toMatchObject({ nodeType: 'OAA.ledger.book.Resource', properties: { customprop_closed_at: '2023-12-31T23:59:59Z' } });
    // What linking asks for (identities, idp bindings) and what it may find local users by (unique ids, emails).
    expect(graph.identityRefs.map((r) => [r.identity, r.source]).sort()).toEqual([
      ['ann', 'local_user_unique_id'],
      ['ann@corp.example', 'identities'],
      ['bot', 'local_user_unique_id'],
      ['kim', 'local_user_unique_id'],
      ['lee', 'local_user_unique_id'],
      ['max', 'local_user_unique_id'],
      ['ops@corp.example', 'idp_binding'],
    ]);
    expect(graph.types).toEqual({ application_types: ['ledger'], resource_types: ['book', 'page'], idp_types: [], hris_types: [] });
  });
});

describe('derived grants and reach', () => {
  it('count a grant reached twice once, and keep reach to holders that hold grants', () => {
    const payload = fixture('seed-app-simple.json');
    // bob's operator-on-the-app grant, listed a second time.
    const bob = payload.identity_to_permissions!.find((entry) => entry.identity === '0000000001')!;
    bob.application_permissions = [...bob.application_permissions!, { ...bob.application_permissions![0]! }];
    const { graph } = derive(payload);
    const grants = tableRows(graph.grants).map((g) => [graph.nodes[g.holder]!.localKey, graph.nodes[g.permission]!.name, graph.nodes[g.scope]!.localKey]);
    expect(grants.sort()).toEqual([
      ['0000000001', 'manager', '0001'],
      ['0000000001', 'operator', 'Sample App'],
      ['admins', 'admin', 'Sample App'],
    ]);
    // jane (0000000002) holds nothing herself: she reaches admins only; bob reaches himself.
    const reach = tableRows(graph.reach).map((r) => [graph.nodes[r.principal]!.localKey, graph.nodes[r.holder]!.localKey, r.depth]);
    expect(reach.sort()).toEqual([
      ['0000000001', '0000000001', 0],
      ['0000000002', 'admins', 1],
      ['admins', 'admins', 0],
    ]);
  });
});

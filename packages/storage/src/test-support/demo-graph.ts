import type { EffectivePermission, EntityRef } from '@accessgraph/contract';
import type { DerivedGraph } from '@accessgraph/core';
import { GraphFixture } from './graph-fixture.js';

/** Expected-value builders and the graphs the push store contract tests share. */
export const DEMO = 'Demo';
export const ref = (type: string, nodeType: string, key: string, name: string, application: string | null = DEMO): EntityRef => ({
  type,
  node_type: nodeType,
  key,
  name,
  application,
});
export const user = (id: string) => ref('local_user', 'OAA.demo.User', id, id.charAt(0).toUpperCase() + id.slice(1));
export const group = (id: string) => ref('local_group', 'OAA.demo.Group', id, id.charAt(0).toUpperCase() + id.slice(1));
export const role = (id: string) => ref('local_role', 'OAA.demo.Role', id, id.charAt(0).toUpperCase() + id.slice(1));
export const app = ref('application', 'OAA.demo.Application', DEMO, DEMO, null);
export const repo = (path: string, sub = false) =>
  ref('resource', `OAA.demo.repo.${sub ? 'SubResource' : 'Resource'}`, path, path.split('.').pop()!);
export const path = (permission: string, canonical: string[], via: Partial<EffectivePermission['paths'][number]> = {}) => ({
  permission,
  canonical_types: canonical,
  linked: null,
  through: null,
  role: null,
  inherited_from: null,
  ...via,
});

/**
 * One application "Demo" with resources repo1 (sub-resource repo1.src), repo2 and wiki1 (type
 * wiki), users alice..erin, groups devs ⊂ eng, role maintainer; see each test for the grants.
 */
export function demoGraph(extra?: (f: GraphFixture, ids: DemoIds) => void): DerivedGraph {
  const f = new GraphFixture();
  const a = f.application(DEMO);
  const ids = {
    app: a,
    alice: f.entity(a, 'local_user', 'alice'),
    bob: f.entity(a, 'local_user', 'bob'),
    carol: f.entity(a, 'local_user', 'carol'),
    dave: f.entity(a, 'local_user', 'dave'),
    erin: f.entity(a, 'local_user', 'erin'),
    devs: f.entity(a, 'local_group', 'devs'),
    eng: f.entity(a, 'local_group', 'eng'),
    maintainer: f.entity(a, 'local_role', 'maintainer'),
    read: f.permission(a, 'read', ['DataRead', 'MetadataRead']),
    write: f.permission(a, 'write', ['DataWrite']),
    admin: f.permission(a, 'admin', ['NonData', 'DataRead']),
    repo1: f.resource(a, 'repo1', 'repo'),
    repo2: f.resource(a, 'repo2', 'repo'),
    wiki1: f.resource(a, 'wiki1', 'wiki'),
    src: 0,
  };
  ids.src = f.resource(a, 'src', 'repo', ids.repo1);
  f.member(ids.bob, ids.devs).member(ids.devs, ids.eng);
  f.grant(ids.alice, ids.read, ids.app); // direct, app only
  f.grant(ids.eng, ids.write, ids.repo1); // to bob and devs through eng
  f.grant(ids.carol, ids.read, ids.repo2, { role: ids.maintainer }).grant(ids.carol, ids.write, ids.repo2, { role: ids.maintainer });
  f.grant(ids.dave, ids.admin, ids.app, { descendants: true }); // inherited by every resource
  f.grant(ids.erin, ids.read, ids.app, { self: false, descendants: true, types: ['repo'], role: ids.maintainer });
  extra?.(f, ids);
  return f.build();
}
export type DemoIds = Record<'app' | 'alice' | 'bob' | 'carol' | 'dave' | 'erin' | 'devs' | 'eng' | 'maintainer' | 'read' | 'write' | 'admin' | 'repo1' | 'repo2' | 'wiki1' | 'src', number>;

/** A second, unrelated application: one user reading it. */
export function otherGraph(name: string, type: string, tags: { key: string; value: string }[] = []): DerivedGraph {
  const f = new GraphFixture();
  const a = f.application(name, type, tags);
  f.resource(a, 'home', 'page');
  f.grant(f.entity(a, 'local_user', 'reader'), f.permission(a, 'view', ['DataRead']), a);
  return f.build();
}

export function duplicateKeyGraph(): DerivedGraph {
  const graph = demoGraph();
  graph.nodes.push({ ...graph.nodes[1]!, id: graph.nodes.length });
  return graph;
}

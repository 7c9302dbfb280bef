import { describe, expect, it } from 'vitest';
import { encodeNodeId } from '../graph-query/node-id.js';
import { matchesCondition } from './condition-match.js';
import { matchesNodeSet, matchesSelector, type SelectableNode } from './node-selector-match.js';
import { nodeTypeKinds } from './node-type-kinds.js';
import { parseQuerySpec } from './parse-query-spec.js';
import type { ConditionExpression, QuerySpec } from './query-spec.js';

/** The paths of every problem of a spec (it must be refused). */
function problems(body: unknown): string[] {
  const parsed = parseQuerySpec(body);
  expect(parsed.ok).toBe(false);
  return parsed.ok ? [] : parsed.issues.map((i) => i.path);
}

function parsed(body: unknown): QuerySpec {
  const result = parseQuerySpec(body);
  if (!result.ok) throw new Error(result.issues.map((i) => `${i.path}: ${i.message}`).join('; '));
  return result.value;
}

/** A spec over one source node type with the given node entry fields. */
const source = (node: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({ source_node_types: { nodes: [{ node_type: 'OAA.pytest.User', ...node }] }, ...extra });
const withSpecs = (...specs: unknown[]) => source({ condition_expression: { specs } });

describe('parsing a query spec', () => {
  it("reads the spec digest's example: conditions, destinations, permission filters; documented extras are ignored", () => {
    const spec = parsed({
      query_type: 'SOURCE_TO_DESTINATION',
      include_nodes: true,
      source_node_types: {
        nodes: [
          {
            node_type: 'OAA.pytest.User',
            condition_expression: { specs: [{ fn: 'EQ', property: 'customprop_is_guest', value: true, not: false }], child_expressions: [], operator: 'AND', not: false },
            node_id: '',
            tags: [],
            excluded_tags: [],
            direct_relationship_only: false,
          },
        ],
        nodes_operator: 'AND',
      },
      destination_node_types: { nodes: [{ node_type: 'OAA.pytest.thing.Resource' }] },
      raw_permissions: { values: ['Admin'], operator: 'OR' },
      effective_permissions: { values: ['DATA_WRITE', 'data_read'], operator: 'or' },
      no_relation: false,
      relates_to_exp: { specs: [], child_expressions: [], operator: 'AND', not: false },
      snapshot_id: 'x',
      labels: ['a'],
      name: 'saved queries carry a name',
    });
    expect(spec.sources).toEqual({
      operator: 'AND',
      selectors: [
        {
          nodeType: 'OAA.pytest.User',
          kinds: ['local_user', 'external'],
          exactType: 'oaa.pytest.user',
          condition: { specs: [{ fn: 'EQ', property: 'customprop_is_guest', value: true, not: false }], children: [], operator: 'AND', not: false },
          tags: [],
          excludedTags: [],
        },
      ],
    });
    expect(spec.relation).toMatchObject({
      destinations: { operator: 'OR', selectors: [{ kinds: ['resource', 'external'], exactType: 'oaa.pytest.thing.resource' }] },
      rawPermissions: { values: ['admin'], operator: 'OR' },
      effectivePermissions: { values: ['DataWrite', 'DataRead'], operator: 'OR' },
      noRelation: false,
    });
  });

  it('defaults: fn EQ, nodes_operator OR, condition operator AND; no relation without destinations, filters or no_relation', () => {
    const spec = parsed(withSpecs({ property: 'is_active', value: false }));
    expect(spec.sources.operator).toBe('OR');
    expect(spec.sources.selectors[0]!.condition).toEqual({ specs: [{ fn: 'EQ', property: 'is_active', value: false, not: false }], children: [], operator: 'AND', not: false });
    expect(spec.relation).toBeUndefined();
    expect(parsed(source({}, { destination_node_types: { nodes: [] }, raw_permissions: { values: [] } })).relation).toBeUndefined();
    // A permission filter alone asks about access to anything: a relation without destination types.
    expect(parsed(source({}, { raw_permissions: { values: ['admin'] } })).relation).toEqual({ rawPermissions: { values: ['admin'], operator: 'OR' }, noRelation: false });
    expect(parsed(source({}, { no_relation: true })).relation).toEqual({ noRelation: true });
  });

  it('accepts our node ids, lower-case function names and tag conditions with and without value', () => {
    const id = encodeNodeId('ds-1', 'app:a/user:kim');
    const spec = parsed(source({ node_id: id, tags: [{ key: 'env', value: 'prod' }, { key: 'team', value: '' }], excluded_tags: [{ key: 'old' }], condition_expression: { specs: [{ fn: 'starts_with', property: 'name', value: 'k' }] } }));
    expect(spec.sources.selectors[0]).toMatchObject({ nodeId: id, tags: [{ key: 'env', value: 'prod' }, { key: 'team' }], excludedTags: [{ key: 'old' }] });
    expect(spec.sources.selectors[0]!.condition!.specs[0]!.fn).toBe('STARTS_WITH');
  });

  it('refuses a body that is not an object, and a missing or empty source_node_types', () => {
    expect(problems([])).toEqual(['body']);
    expect(problems('spec')).toEqual(['body']);
    expect(problems({})).toEqual(['source_node_types']);
    expect(problems({ source_node_types: [] })).toEqual(['source_node_types']);
    expect(problems({ source_node_types: {} })).toEqual(['source_node_types.nodes']);
    expect(problems({ source_node_types: { nodes: [] } })).toEqual(['source_node_types.nodes']);
    expect(problems({ source_node_types: { nodes: {} } })).toEqual(['source_node_types.nodes']);
  });

  it('refuses node entries that are not objects or have no node type', () => {
    expect(problems({ source_node_types: { nodes: ['OAA.pytest.User'] } })).toEqual(['source_node_types.nodes[0]']);
    expect(problems({ source_node_types: { nodes: [{ node_type: 'OAA.x.User' }, {}] } })).toEqual(['source_node_types.nodes[1].node_type']);
    expect(problems({ source_node_types: { nodes: [{ node_type: 7 }] } })).toEqual(['source_node_types.nodes[0].node_type']);
    expect(problems(source({}, { destination_node_types: { nodes: [{ node_type: ' ' }] } }))).toEqual(['destination_node_types.nodes[0].node_type']);
    expect(problems(source({}, { destination_node_types: 'OAA.x.Resource' }))).toEqual(['destination_node_types']);
  });

  it('refuses unknown operators wherever they appear', () => {
    expect(problems({ source_node_types: { nodes: [{ node_type: 'User' }], nodes_operator: 'XOR' } })).toEqual(['source_node_types.nodes_operator']);
    expect(problems(source({ condition_expression: { specs: [], operator: 1 } }))).toEqual(['source_node_types.nodes[0].condition_expression.operator']);
    expect(problems(source({}, { raw_permissions: { values: ['a'], operator: 'ALL' } }))).toEqual(['raw_permissions.operator']);
  });

  it('refuses a condition spec without property, with an unknown fn, or with a value of the wrong type', () => {
    const at = (i: number, field: string) => `source_node_types.nodes[0].condition_expression.specs[${i}].${field}`;
    expect(problems(withSpecs({ property: 'a', value: 1 }, { fn: 'EQ', value: 1 }))).toEqual([at(1, 'property')]);
    expect(problems(withSpecs({ property: 'a', value: 1 }, { property: 'a', fn: 'BETWEEN', value: 1 }))).toEqual([at(1, 'fn')]);
    expect(problems(withSpecs({ property: 'a', fn: 3, value: 1 }))).toEqual([at(0, 'fn')]);
    expect(problems(withSpecs({ property: 'a', fn: 'IN', value: 'x' }))).toEqual([at(0, 'value')]);
    expect(problems(withSpecs({ property: 'a', fn: 'IN', value: ['x', { y: 1 }] }))).toEqual([`${at(0, 'value')}[1]`]);
    expect(problems(withSpecs({ property: 'a', fn: 'EQ', value: ['x'] }))).toEqual([at(0, 'value')]);
    expect(problems(withSpecs({ property: 'a', fn: 'GT' }))).toEqual([at(0, 'value')]);
    expect(problems(withSpecs({ property: 'a', value: 1, not: 'yes' }))).toEqual([at(0, 'not')]);
    expect(problems(withSpecs('a eq 1'))).toEqual(['source_node_types.nodes[0].condition_expression.specs[0]']);
  });

  it('refuses malformed expressions, nested ones included, naming the nested path', () => {
    expect(problems(source({ condition_expression: 'a eq 1' }))).toEqual(['source_node_types.nodes[0].condition_expression']);
    expect(problems(source({ condition_expression: { specs: {} } }))).toEqual(['source_node_types.nodes[0].condition_expression.specs']);
    expect(problems(source({ condition_expression: { not: 'true' } }))).toEqual(['source_node_types.nodes[0].condition_expression.not']);
    expect(problems(source({ condition_expression: { child_expressions: [{ specs: [{ property: 'a', fn: 'LIKE', value: 1 }] }] } }))).toEqual([
      'source_node_types.nodes[0].condition_expression.child_expressions[0].specs[0].fn',
    ]);
    expect(problems(source({ condition_expression: { child_expressions: [7] } }))).toEqual(['source_node_types.nodes[0].condition_expression.child_expressions[0]']);
  });

  it('refuses bad tags, node ids and direct_relationship_only', () => {
    expect(problems(source({ tags: 'env' }))).toEqual(['source_node_types.nodes[0].tags']);
    expect(problems(source({ tags: ['env'] }))).toEqual(['source_node_types.nodes[0].tags[0]']);
    expect(problems(source({ tags: [{ value: 'prod' }] }))).toEqual(['source_node_types.nodes[0].tags[0].key']);
    expect(problems(source({ excluded_tags: [{ key: 'env', value: 1 }] }))).toEqual(['source_node_types.nodes[0].excluded_tags[0].value']);
    expect(problems(source({ node_id: 'arn:aws:iam::1:user/x' }))).toEqual(['source_node_types.nodes[0].node_id']);
    expect(problems(source({ node_id: 12 }))).toEqual(['source_node_types.nodes[0].node_id']);
    expect(problems(source({ direct_relationship_only: 'no' }))).toEqual(['source_node_types.nodes[0].direct_relationship_only']);
  });

  it('refuses bad permission filters and no_relation', () => {
    expect(problems(source({}, { raw_permissions: ['admin'] }))).toEqual(['raw_permissions']);
    expect(problems(source({}, { raw_permissions: { values: 'admin' } }))).toEqual(['raw_permissions.values']);
    expect(problems(source({}, { raw_permissions: { values: ['admin', 3] } }))).toEqual(['raw_permissions.values[1]']);
    expect(problems(source({}, { effective_permissions: { values: ['DATA_READS'] } }))).toEqual(['effective_permissions.values[0]']);
    expect(problems(source({}, { no_relation: 'true' }))).toEqual(['no_relation']);
  });

  it('reads relates_to_exp: relations with destinations, filters and no_relation, nested and negated; direction is ignored', () => {
    const spec = parsed(
      source(
        {},
        {
          relates_to_exp: {
            specs: [
              { node_types: { nodes: [{ node_type: 'OAA.pytest.Application' }] }, raw_permissions: { values: ['Admin'] }, no_relation: false, direction: 'ANY_DIRECTION' },
              { node_types: { nodes: [{ node_type: 'OktaUser' }] }, raw_permissions: null, effective_permissions: null, no_relation: true },
            ],
            child_expressions: [{ specs: [{ effective_permissions: { values: ['NON_DATA'] } }], operator: 'OR', not: true }, { specs: [], child_expressions: [] }],
            operator: 'OR',
          },
        },
      ),
    );
    expect(spec.relation).toBeUndefined();
    expect(spec.relatesTo).toMatchObject({
      operator: 'OR',
      not: false,
      relations: [
        { destinations: { selectors: [{ exactType: 'oaa.pytest.application' }] }, rawPermissions: { values: ['admin'], operator: 'OR' }, noRelation: false },
        { destinations: { selectors: [{ kinds: ['external'], exactType: 'oktauser' }] }, noRelation: true },
      ],
      // The empty child is dropped; the other keeps its operator and negation.
      children: [{ relations: [{ effectivePermissions: { values: ['NonData'] }, noRelation: false }], children: [], operator: 'OR', not: true }],
    });
    // An empty expression (as Veza's UI sends one) is none.
    expect(parsed(source({}, { relates_to_exp: { specs: [], child_expressions: [], operator: 'AND', not: false } })).relatesTo).toBeUndefined();
  });

  it('refuses a malformed relates_to_exp naming the nested path', () => {
    expect(problems(source({}, { relates_to_exp: 'x' }))).toEqual(['relates_to_exp']);
    expect(problems(source({}, { relates_to_exp: { specs: ['OktaUser'] } }))).toEqual(['relates_to_exp.specs[0]']);
    expect(problems(source({}, { relates_to_exp: { specs: [{ node_types: { nodes: [{}] } }] } }))).toEqual(['relates_to_exp.specs[0].node_types.nodes[0].node_type']);
    expect(problems(source({}, { relates_to_exp: { specs: [{ raw_permissions: { values: [1] }, no_relation: 'no', direction: {} }] } }))).toEqual([
      'relates_to_exp.specs[0].raw_permissions.values[0]',
      'relates_to_exp.specs[0].no_relation',
      'relates_to_exp.specs[0].direction',
    ]);
    expect(problems(source({}, { relates_to_exp: { child_expressions: [{ operator: 'NAND' }] } }))).toEqual(['relates_to_exp.child_expressions[0].operator']);
  });

  it('reports every problem at once', () => {
    expect(problems({ source_node_types: { nodes: [{ node_type: 'User', condition_expression: { specs: [{ fn: 'NOPE' }] } }] }, no_relation: 1, effective_permissions: { values: ['X'] } })).toEqual([
      'source_node_types.nodes[0].condition_expression.specs[0].property',
      'source_node_types.nodes[0].condition_expression.specs[0].fn',
      'source_node_types.nodes[0].condition_expression.specs[0].value',
      'effective_permissions.values[0]',
      'no_relation',
    ]);
  });
});

describe('node types', () => {
  it('grouping types expand to their member kinds; OAA types name one kind (or the external nodes of that type)', () => {
    expect(nodeTypeKinds('User')).toEqual({ kinds: ['local_user', 'idp_user'] });
    expect(nodeTypeKinds('idpuser')).toEqual({ kinds: ['idp_user'] });
    expect(nodeTypeKinds('Resource')).toEqual({ kinds: ['resource'] });
    expect(nodeTypeKinds('OAA.Github.repository.Resource')).toEqual({ kinds: ['resource', 'external'], exactType: 'oaa.github.repository.resource' });
    expect(nodeTypeKinds('OAA.x.page.SubResource').kinds).toEqual(['resource', 'external']);
    expect(nodeTypeKinds('OAA.okta.IDPUser').kinds).toEqual(['idp_user', 'external']);
    expect(nodeTypeKinds('OAA.hr.HRISEmployee').kinds).toEqual(['hris_employee', 'external']);
    expect(nodeTypeKinds('OktaUser')).toEqual({ kinds: ['external'], exactType: 'oktauser' });
  });
});

const PROPS = {
  name: 'kim',
  is_active: false,
  customprop_seat_count: 3,
  customprop_is_guest: true,
  customprop_hired_at: '2021-03-04T10:00:00Z',
  customprop_teams: ['Blue', 'Red'],
  email: 'Kim@Corp.example',
  customprop_manager: null,
};
const expr = (specs: unknown[], more: Partial<ConditionExpression> = {}): ConditionExpression => {
  const spec = parsed(source({ condition_expression: { specs } }));
  return { ...spec.sources.selectors[0]!.condition!, ...more };
};
const holds = (...specs: unknown[]) => matchesCondition(expr(specs), PROPS);

describe('condition matching', () => {
  it('compares as the node search filter does: custom properties with or without prefix, text ignoring case, numbers, booleans, times', () => {
    expect(holds({ property: 'customprop_is_guest', value: true })).toBe(true);
    expect(holds({ property: 'IS_GUEST', value: true })).toBe(true);
    expect(holds({ property: 'is_guest', value: false })).toBe(false);
    expect(holds({ property: 'email', value: 'kim@corp.example' })).toBe(true);
    expect(holds({ property: 'email', fn: 'NEQ', value: 'kim@corp.example' })).toBe(false);
    expect(holds({ property: 'email', fn: 'CONTAINS', value: 'CORP' })).toBe(true);
    expect(holds({ property: 'email', fn: 'STARTS_WITH', value: 'corp' })).toBe(false);
    // 3 > 20 is false as numbers, though "3" > "20" as text.
    expect(holds({ property: 'seat_count', fn: 'GT', value: 20 })).toBe(false);
    expect(holds({ property: 'seat_count', fn: 'GTE', value: 3 }, { property: 'seat_count', fn: 'LT', value: 4 }, { property: 'seat_count', fn: 'LTE', value: 3 })).toBe(true);
    expect(holds({ property: 'hired_at', fn: 'GT', value: '2021-03-04T09:00:00Z' }, { property: 'hired_at', fn: 'LT', value: '2021-03-05' })).toBe(true);
    expect(holds({ property: 'name', value: 'kim' }, { property: 'is_active', value: false })).toBe(true);
  });

  it('IN holds when one value equals; a list property matches by any entry (NEQ: when none equals)', () => {
    expect(holds({ property: 'name', fn: 'IN', value: ['ann', 'KIM'] })).toBe(true);
    expect(holds({ property: 'name', fn: 'IN', value: ['ann', 'bob'] })).toBe(false);
    expect(holds({ property: 'name', fn: 'IN', value: [] })).toBe(false);
    expect(holds({ property: 'teams', value: 'red' })).toBe(true);
    expect(holds({ property: 'teams', fn: 'NEQ', value: 'red' })).toBe(false);
    expect(holds({ property: 'teams', fn: 'NEQ', value: 'green' })).toBe(true);
  });

  it('a missing property matches only NEQ; null asks whether the property is set', () => {
    expect(holds({ property: 'department', value: 'x' })).toBe(false);
    expect(holds({ property: 'department', fn: 'NEQ', value: 'x' })).toBe(true);
    expect(holds({ property: 'department', value: null })).toBe(true);
    expect(holds({ property: 'manager', value: null })).toBe(true);
    expect(holds({ property: 'name', value: null })).toBe(false);
    expect(holds({ property: 'name', fn: 'NEQ', value: null })).toBe(true);
    expect(holds({ property: 'is_active', fn: 'NEQ', value: null })).toBe(true);
  });

  it('not negates a spec and an expression; OR needs one term; child expressions nest; an empty expression holds', () => {
    expect(holds({ property: 'name', value: 'kim', not: true })).toBe(false);
    expect(matchesCondition(expr([{ property: 'name', value: 'kim' }], { not: true }), PROPS)).toBe(false);
    expect(matchesCondition(expr([{ property: 'name', value: 'ann' }, { property: 'is_guest', value: true }], { operator: 'OR' }), PROPS)).toBe(true);
    expect(matchesCondition(expr([{ property: 'name', value: 'ann' }, { property: 'is_guest', value: false }], { operator: 'OR' }), PROPS)).toBe(false);
    // name = kim AND NOT (seat_count > 5 OR is_active = true)
    const nested = expr([{ property: 'name', value: 'kim' }], { children: [expr([{ property: 'seat_count', fn: 'GT', value: 5 }, { property: 'is_active', value: true }], { operator: 'OR', not: true })] });
    expect(matchesCondition(nested, PROPS)).toBe(true);
    expect(matchesCondition(nested, { ...PROPS, is_active: true })).toBe(false);
    expect(matchesCondition(expr([]), PROPS)).toBe(true);
    expect(matchesCondition(expr([], { operator: 'OR' }), PROPS)).toBe(true);
  });
});

describe('selector matching', () => {
  const kim: SelectableNode = { id: encodeNodeId('ds', 'app:a/user:kim'), kind: 'local_user', nodeType: 'OAA.Ledger.User', properties: PROPS, tags: [{ key: 'env', value: 'prod' }, { key: 'vip', value: '' }] };
  const selectorOf = (node: Record<string, unknown>) => parsed({ source_node_types: { nodes: [node] } }).sources.selectors[0]!;

  it('checks the kind and exact type (any case), node id, tags, excluded tags and condition', () => {
    expect(matchesSelector(selectorOf({ node_type: 'OAA.ledger.User' }), kim)).toBe(true);
    expect(matchesSelector(selectorOf({ node_type: 'OAA.shop.User' }), kim)).toBe(false);
    expect(matchesSelector(selectorOf({ node_type: 'User' }), kim)).toBe(true);
    expect(matchesSelector(selectorOf({ node_type: 'IdPUser' }), kim)).toBe(false);
    expect(matchesSelector(selectorOf({ node_type: 'User', node_id: kim.id }), kim)).toBe(true);
    expect(matchesSelector(selectorOf({ node_type: 'User', node_id: encodeNodeId('ds', 'app:a/user:ann') }), kim)).toBe(false);
    expect(matchesSelector(selectorOf({ node_type: 'User', tags: [{ key: 'env', value: 'prod' }, { key: 'vip' }] }), kim)).toBe(true);
    expect(matchesSelector(selectorOf({ node_type: 'User', tags: [{ key: 'env', value: 'test' }] }), kim)).toBe(false);
    expect(matchesSelector(selectorOf({ node_type: 'User', excluded_tags: [{ key: 'vip' }] }), kim)).toBe(false);
    expect(matchesSelector(selectorOf({ node_type: 'User', excluded_tags: [{ key: 'env', value: 'test' }] }), kim)).toBe(true);
    expect(matchesSelector(selectorOf({ node_type: 'User', condition_expression: { specs: [{ property: 'seat_count', value: 4 }] } }), kim)).toBe(false);
  });

  it('a node set holds one selector under OR, every selector under AND', () => {
    const set = (operator: string) =>
      parsed({ source_node_types: { nodes_operator: operator, nodes: [{ node_type: 'User' }, { node_type: 'OAA.ledger.User', condition_expression: { specs: [{ property: 'is_active', value: true }] } }] } }).sources;
    expect(matchesNodeSet(set('OR'), kim)).toBe(true);
    expect(matchesNodeSet(set('AND'), kim)).toBe(false);
    expect(matchesNodeSet(set('AND'), { ...kim, properties: { ...PROPS, is_active: true } })).toBe(true);
  });
});

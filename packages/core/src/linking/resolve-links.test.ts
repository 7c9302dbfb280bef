import { describe, expect, it } from 'vitest';
import type { ApplicationPayload, CustomTemplate, HrisPayload, IdpPayload } from '@accessgraph/contract';
import type { DerivedGraph } from '../graph/derived-graph.js';
import { checkTemplate } from '../test-support/template-check.js';
import { validHrisPayload } from '../hris/test-support/hris-payloads.js';
import { validIdpPayload } from '../idp/test-support/idp-payloads.js';
import { resolveLinks, type IdentityLink, type LinkSource } from './resolve-links.js';
import { shopPayload } from './test-support/shop-payload.js';

/**
 * Golden links, worked out by hand. The identity provider is the core tests' (users u1 ann
 * ann@corp.example, u2 bob bob@corp.example, cy; groups staff, admins, ops; one mapping rule:
 * EMAIL -> EMAIL with IGNORE_DOMAIN to CUSTOM_APPLICATION of type Shop); the application is
 * `shopPayload`, of type shop.
 */

function source(ds: number, template: CustomTemplate, payload: unknown): LinkSource & { graph: DerivedGraph } {
  const graph = checkTemplate(template, payload).graph();
  const domain = graph.nodes.find((n) => n.kind === 'idp_domain');
  const system = graph.nodes.find((n) => n.kind === 'hris_system');
  return {
    ds,
    template,
    graph,
    types: [...graph.types.application_types, ...graph.types.idp_types],
    refs: graph.identityRefs,
    mappings: (domain?.properties.identity_mappings as LinkSource['mappings']) ?? [],
    idpProviders: (system?.properties.idp_providers as string[] | undefined) ?? [],
  };
}

/** Links as `rule detail: ds/from-key -> ds/to-key`, sorted. */
function described(links: IdentityLink[], sources: Array<LinkSource & { graph: DerivedGraph }>): string[] {
  const key = (ds: number, node: number) => `${ds}/${sources.find((s) => s.ds === ds)!.graph.nodes[node]!.key}`;
  const detail = (l: IdentityLink) =>
    l.rule === 'mapping'
      ? `mapping ${l.detail.mapping}: ${l.detail.destination}${(l.detail.transformations as string[]).length > 0 ? ` (${(l.detail.transformations as string[]).join(', ')})` : ''}`
      : l.rule === 'hris'
        ? String(l.detail.field)
        : String(l.detail.matched);
  return links.map((l) => `${l.rule} ${detail(l)}: ${key(l.fromDs, l.fromNode)} -> ${key(l.toDs, l.toNode)}`).sort();
}

describe('application <-> identity provider', () => {
  const app = source(1, 'application', shopPayload());
  const idp = source(2, 'identity_provider', validIdpPayload());
  const expected = [
    'identities email: 1/app:shop/user:ann-local -> 2/user:u1',
    'identities identity: 1/app:shop/group:clerks -> 2/group:admins',
    'idp_binding identity: 1/idp:staff -> 2/group:staff',
    'mapping mapping 1: CUSTOM_APPLICATION (IGNORE_DOMAIN): 1/app:shop/user:bob-local -> 2/user:u2',
    // zed@shop.example becomes "zed", and the IdP has no zed@...; nothing else matches.
  ].sort();

  it('links identities entries, idp bindings (to a group) and mapping rules; nothing for unknown strings', () => {
    expect(described(resolveLinks(app, [idp]), [app, idp])).toEqual(expected);
  });

  it('gives the same links whichever side is pushed', () => {
    expect(described(resolveLinks(idp, [app]), [app, idp])).toEqual(expected);
  });

  it('a mapping rule for another application type, or another destination, links nothing', () => {
    const otherType = validIdpPayload();
    otherType.identity_mapping_configuration!.mappings![0]!.destination_datasource_oaa_app_type = 'Ledger';
    const github = validIdpPayload();
    github.identity_mapping_configuration!.mappings![0]!.destination_datasource_type = 'GITHUB_USERS';
    for (const payload of [otherType, github]) {
      const links = resolveLinks(app, [source(2, 'identity_provider', payload)]);
      expect(links.filter((l) => l.rule === 'mapping')).toEqual([]);
    }
  });

  it('IGNORE_SPECIAL drops _ - . on both sides; AND needs every matcher to agree', () => {
    const payload = validIdpPayload();
    const mapping = payload.identity_mapping_configuration!.mappings![0]!;
    mapping.transformations = ['IGNORE_SPECIAL'];
    mapping.property_matchers = [{ source_property: 'UNIQUE_ID', destination_property: 'UNIQUE_ID' }];
    const shop = shopPayload();
    shop.applications![0]!.local_users!.push({ name: 'u-1' }, { name: 'u.2', email: 'nobody@shop.example' });
    const links = (p: IdpPayload, a: ApplicationPayload) => {
      const sources = [source(1, 'application', a), source(2, 'identity_provider', p)];
      return described(resolveLinks(sources[1]!, [sources[0]!]), sources).filter((l) => l.startsWith('mapping'));
    };
    expect(links(payload, shop)).toEqual([
      'mapping mapping 1: CUSTOM_APPLICATION (IGNORE_SPECIAL): 1/app:shop/user:u-1 -> 2/user:u1',
      'mapping mapping 1: CUSTOM_APPLICATION (IGNORE_SPECIAL): 1/app:shop/user:u.2 -> 2/user:u2',
    ]);
    mapping.property_matchers.push({ source_property: 'EMAIL', destination_property: 'EMAIL' });
    mapping.property_match_operator = 'AND';
    // u.2's email is not bob's, and u-1 has none: no pair satisfies both.
    expect(links(payload, shop)).toEqual([]);
  });
});

describe('HRIS -> identity provider', () => {
  it('matches idp_id first, then email, then id', () => {
    const idpPayload = validIdpPayload();
    // An IdP user whose identity is the third employee's number (its id for matching).
    idpPayload.users!.push({ name: 'cole', identity: 'N3' });
    const hrisPayload: HrisPayload = validHrisPayload();
    // bob's idp_id matches nothing, so his email decides.
    hrisPayload.employees![1]!.idp_id = 'nobody';
    const sources = [source(3, 'hris', hrisPayload), source(2, 'identity_provider', idpPayload)];
    expect(described(resolveLinks(sources[0]!, [sources[1]!]), sources)).toEqual(
      ['hris idp_id: 3/employee:e1 -> 2/user:u1', 'hris email: 3/employee:e2 -> 2/user:u2', 'hris id: 3/employee:n3 -> 2/user:n3'].sort(),
    );
  });

  it("links only to identity providers of the system's idp_providers types", () => {
    const hrisPayload = validHrisPayload();
    hrisPayload.system!.idp_providers = ['okta'];
    const corp = source(2, 'identity_provider', validIdpPayload());
    const okta = validIdpPayload();
    okta.idp_type = 'Okta';
    const oktaSource = source(4, 'identity_provider', okta);
    const hris = source(3, 'hris', hrisPayload);
    const links = resolveLinks(hris, [corp, oktaSource]);
    expect(links.length).toBeGreaterThan(0);
    expect(links.every((l) => l.toDs === 4)).toBe(true);
  });
});

describe('source_identity federation', () => {
  it('links a federated user to the user of the other identity provider it names, by provider type', () => {
    const federated = validIdpPayload();
    federated.idp_type = 'partner';
    federated.users = [{ name: 'ann-partner', identity: 'p1', source_identity: { identity: 'ANN@corp.example', provider_type: 'custom' } }];
    federated.groups = [{ name: 'partners', source_identity: { identity: 'staff', provider_type: 'okta' } }];
    delete federated.apps;
    const sources = [source(5, 'identity_provider', federated), source(2, 'identity_provider', validIdpPayload())];
    // The group names an okta source: the corp_ldap IdP is not one.
    expect(described(resolveLinks(sources[0]!, [sources[1]!]), sources)).toEqual(['source_identity email: 5/user:p1 -> 2/user:u1']);
    expect(described(resolveLinks(sources[1]!, [sources[0]!]), sources)).toEqual(['source_identity email: 5/user:p1 -> 2/user:u1']);
  });
});

describe('scope', () => {
  it('returns only links that touch the pushed data source', () => {
    const app = source(1, 'application', shopPayload());
    const idp = source(2, 'identity_provider', validIdpPayload());
    const hris = source(3, 'hris', validHrisPayload());
    expect(resolveLinks(hris, [app, idp]).every((l) => l.fromDs === 3 || l.toDs === 3)).toBe(true);
    expect(resolveLinks(app, [hris, idp]).every((l) => l.fromDs === 1 || l.toDs === 1)).toBe(true);
  });
});

import type { DerivedGraph } from '../graph/derived-graph.js';
import { GraphBuilder } from '../graph/graph-builder.js';
import { AWS_ROLE_NODE_TYPE as AWS_ROLE, externalNodeKey, idpNodeKey, type IdpSegment } from '../graph/node-keys.js';
import { ASK, OFFER, qualified } from '../linking/identity-keys.js';
import type { ExternalRef, IdentityMapping, IdpModel, IdpPrincipal, MappingProperty } from './model.js';


/**
 * Derives an identity provider data source's graph (spec §13): the domain, users, groups and
 * apps; memberships, managers, app assignments; `external` nodes for the AWS roles principals may
 * assume and the entities they own, which identity linking resolves against other data sources.
 * An IdP principal receives every grant its groups receive in the applications linked to them;
 * those groups are its `member_of` edges, followed transitively.
 */
export function deriveIdpGraph(model: IdpModel): DerivedGraph {
  const b = new GraphBuilder();
  const type = `OAA.${model.idpType}`;
  // The mapping rules ride on the domain: identity linking reads them from there.
  const domainProperties = model.mappings.length === 0 ? model.domain.properties : { ...model.domain.properties, identity_mappings: model.mappings.map(storedMapping) };
  const domain = b.node({ kind: 'idp_domain', key: idpNodeKey('domain', model.domain.key), localKey: model.domain.localKey, name: model.domain.name, nodeType: `${type}.IDPDomain`, properties: domainProperties, tags: model.domain.tags });
  const contained = (kind: 'idp_user' | 'idp_group' | 'idp_app', segment: IdpSegment, nodeType: string, entity: { key: string; localKey: string; name: string; properties: Record<string, unknown>; tags: IdpPrincipal['tags'] }) => {
    const id = b.node({ kind, key: idpNodeKey(segment, entity.key), localKey: entity.localKey, name: entity.name, nodeType: `${type}.${nodeType}`, properties: entity.properties, tags: entity.tags });
    b.edge('contains', domain, id);
    return id;
  };
  const apps = new Map([...model.apps.values()].map((a) => [a.key, contained('idp_app', 'app', 'IDPApp', a)]));
  const groups = new Map([...model.groups.values()].map((g) => [g.key, contained('idp_group', 'group', 'IDPGroup', g)]));
  const users = new Map([...model.users.values()].map((u) => [u.key, contained('idp_user', 'user', 'IDPUser', u)]));

  const externals = new Map<string, number>();
  const external = (ref: ExternalRef) => {
    const key = externalNodeKey(ref.nodeType, ref.id);
    let id = externals.get(key);
    if (id === undefined) externals.set(key, (id = b.node({ kind: 'external', key, localKey: ref.id, name: ref.id, nodeType: ref.nodeType })));
    return id;
  };
  const ref = (node: number, identity: string | null | undefined, source: string) => {
    if (identity) b.identityRefs.push({ node, identity, source });
  };
  const mappedProperties = new Set(model.mappings.flatMap((m) => m.matchers.flatMap((x) => (x.sourceName === null ? [] : [propertyKey(x.source, x.sourceName)]))));
  const principalEdges = (id: number, principal: IdpPrincipal) => {
    const user = b.nodes[id]!.kind === 'idp_user';
    ref(id, principal.localKey, user ? OFFER.idpUserIdentity : OFFER.idpGroupIdentity);
    if (principal.name.toLowerCase() !== principal.key) ref(id, principal.name, user ? OFFER.idpUserName : OFFER.idpGroupName);
    if (principal.sourceIdentity) {
      ref(id, principal.sourceIdentity.identity, qualified(user ? ASK.userSourceIdentity : ASK.groupSourceIdentity, principal.sourceIdentity.providerType));
    }
    for (const owned of principal.owned) ref(id, owned.id, qualified(ASK.owned, owned.nodeType));
    if (user) {
      for (const key of mappedProperties) for (const value of propertyValues(principal.properties[key])) ref(id, value, qualified(OFFER.idpUserProperty, key));
    }
    for (const group of principal.groups) b.edge('member_of', id, groups.get(group.key)!);
    for (const arn of principal.assumedRoles) b.edge('can_assume', id, external({ nodeType: AWS_ROLE, id: arn }));
    for (const owned of principal.owned) b.edge('owns', id, external(owned));
    for (const a of principal.appAssignments) {
      b.edge('assigned_app', id, apps.get(a.app)!, { assignment_id: a.id, name: a.name, ...a.properties });
    }
  };
  for (const group of model.groups.values()) principalEdges(groups.get(group.key)!, group);
  const unresolvedManagers = new Set<string>();
  for (const user of model.users.values()) {
    const id = users.get(user.key)!;
    principalEdges(id, user);
    ref(id, user.email, OFFER.idpUserEmail);
    if (user.manager !== null && users.has(user.manager)) b.edge('manages', users.get(user.manager)!, id);
    else if (user.manager !== null) unresolvedManagers.add(user.manager);
  }
  for (const app of model.apps.values()) {
    for (const arn of app.assumedRoles) b.edge('can_assume', apps.get(app.key)!, external({ nodeType: AWS_ROLE, id: arn }));
  }

  // No reach rows: an identity provider's groups hold no grant in it (design: reach keeps only
  // holders of grants). What a user's groups receive in applications comes through identity
  // links, and the groups are found by walking member_of edges at query time.
  return b.finish({
    types: { idp_types: [model.idpType] },
    counts: { domains: 1, users: model.users.size, groups: model.groups.size, apps: model.apps.size, mappings: model.mappings.length },
    unresolvedManagers: [...unresolvedManagers],
  });
}

/** How a mapping rule names the property it compares among a node's properties. */
export function propertyKey(property: MappingProperty, name: string): string {
  return property === 'custom_property' ? `customprop_${name}` : name;
}

/** A property's values as strings to compare: a string, each string of a list, a number or boolean as text. */
function propertyValues(value: unknown): string[] {
  if (typeof value === 'string') return value === '' ? [] : [value];
  if (typeof value === 'number' || typeof value === 'boolean') return [String(value)];
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string' && v !== '');
  return [];
}

/** A mapping rule as the domain node keeps it (its payload path is of no use after the push). */
function storedMapping({ path: _path, ...mapping }: IdentityMapping): Omit<IdentityMapping, 'path'> {
  return mapping;
}

import type { CustomTemplate } from '@accessgraph/contract';
import type { IdentityRef } from '../graph/derived-graph.js';
import type { IdentityMapping, MappingProperty } from '../idp/model.js';
import { propertyKey } from '../idp/derive-idp.js';
import { ASK, OFFER, splitKind } from './identity-keys.js';
import { transform } from './transformations.js';

/** What linking knows of one data source: its template, declared types and identity strings. */
export interface LinkSource {
  ds: number;
  template: CustomTemplate;
  /** Application types of an application, the idp_type of an identity provider (any case). */
  types: readonly string[];
  refs: readonly IdentityRef[];
  /** An identity provider's mapping rules. */
  mappings?: ReadonlyArray<Omit<IdentityMapping, 'path'>>;
  /** An HRIS system's `idp_providers`: the identity providers its employees link to (none: all). */
  idpProviders?: readonly string[];
}

export const LINK_RULES = ['identities', 'idp_binding', 'mapping', 'source_identity', 'hris', 'owner', 'manager'] as const;
export type LinkRule = (typeof LINK_RULES)[number];

/**
 * One link between two nodes, usually of two data sources: from the node that refers (a local
 * account, an `idp` binding's identity, a federated IdP principal, an HRIS employee, an owner)
 * to the identity it resolves to. `detail` says how: which of the identity's strings matched
 * (`email`), which mapping rule, or by which employee field.
 */
export interface IdentityLink {
  fromDs: number;
  fromNode: number;
  toDs: number;
  toNode: number;
  rule: LinkRule;
  detail: LinkDetail;
}

/**
 * How a link was made. `value`: the string that referred (an identities entry, an HRIS field's
 * value, a source identity, an owned entity's id); `matched`: the identity's string it equalled
 * (`identity`, `email`, `name`); `field`: the HRIS field that matched; `mapping`: the rule's
 * number (from 1) with its `destination` and `transformations`; `provider_type`, `node_type`.
 */
export type LinkDetail = Record<string, string | number | string[]>;

/** A string of a node of a data source, found under one kind. */
interface Holder {
  ds: number;
  node: number;
}

/**
 * The links that touch data source `pushed`, given every other data source as it stands (spec
 * §13.2, §7.3, §6.6). Links between two other data sources are not this push's business and are
 * not returned. Strings compare ignoring case. An identity string may match several identities
 * (the same email in two identity providers): each is a link.
 *
 * - `identities` and `idp` bindings of applications match IdP users by identity, email or name,
 *   and IdP groups by identity or name, in every identity provider;
 * - an identity provider's mapping rules match its users' properties against local users of the
 *   application data sources the rule names (`CUSTOM_APPLICATION`, optionally of one application
 *   type), after the rule's transformations; other destination types name systems Accessgraph
 *   does not hold and link nothing;
 * - `source_identity` matches users (groups) of the other identity providers of its provider
 *   type (`any` and `custom`: all of them; another type: those whose idp_type is that type);
 * - an HRIS employee matches IdP users by `idp_id`, else by `email`, else by `id` (the first that
 *   matches anything wins), in the identity providers of its system's `idp_providers`.
 *
 * Owned entities and managers are resolved by storage (they need every node, not strings).
 */
export function resolveLinks(pushed: LinkSource, others: readonly LinkSource[]): IdentityLink[] {
  const links = new LinkSet();
  const all = [pushed, ...others];
  const idps = all.filter((s) => s.template === 'identity_provider');
  const touching = (a: LinkSource, b: LinkSource) => a === pushed || b === pushed;

  // Applications' identity strings against identity providers.
  const identityOffers = new OfferIndex([OFFER.idpUserIdentity, OFFER.idpUserEmail, OFFER.idpUserName, OFFER.idpGroupIdentity, OFFER.idpGroupName]);
  for (const idp of idps) if (pushed.template === 'application' || idp === pushed) identityOffers.add(idp);
  for (const app of all) {
    if (app.template !== 'application' || !(app === pushed || pushed.template === 'identity_provider')) continue;
    for (const ref of app.refs) {
      if (ref.source !== ASK.identities && ref.source !== ASK.idpBinding) continue;
      for (const { holder, kind } of identityOffers.find(ref.identity)) {
        links.add({ fromDs: app.ds, fromNode: ref.node, toDs: holder.ds, toNode: holder.node, rule: ref.source, detail: { value: ref.identity, matched: offerDetail(kind) } });
      }
    }
  }

  // Identity providers' mapping rules against applications' local users.
  for (const idp of idps) {
    for (const app of all) {
      if (app.template === 'application' && touching(idp, app)) linkByMappings(idp, app, links);
    }
  }

  // Federation between identity providers.
  for (const asker of idps) {
    for (const target of idps) {
      if (asker !== target && touching(asker, target)) linkSourceIdentities(asker, target, links);
    }
  }

  // HRIS employees to IdP users.
  for (const hris of all) {
    if (hris.template !== 'hris') continue;
    const targets = idps.filter((idp) => touching(hris, idp) && servesProviders(idp, hris.idpProviders ?? []));
    if (targets.length > 0) linkEmployees(hris, targets, links);
  }
  return links.values();
}

/** Which string of an identity matched: `email` for idp_user_email, and so on. */
function offerDetail(kind: string): string {
  return kind.replace(/^idp_(user|group)_/, '');
}

/** Links, each once. */
class LinkSet {
  private readonly links = new Map<string, IdentityLink>();

  add(link: IdentityLink): void {
    const key = `${link.fromDs}:${link.fromNode}:${link.toDs}:${link.toNode}:${link.rule}`;
    // One link per pair and rule: the first way it was found is the one recorded.
    if (!this.links.has(key)) this.links.set(key, link);
  }

  values(): IdentityLink[] {
    return [...this.links.values()];
  }
}

/** Nodes by lower-cased string, for the given kinds of offer. */
class OfferIndex {
  private readonly byValue = new Map<string, Array<{ holder: Holder; kind: string }>>();

  constructor(private readonly kinds: readonly string[]) {}

  add(source: LinkSource, convert: (value: string) => string = (v) => v): void {
    for (const ref of source.refs) {
      if (!this.kinds.includes(ref.source)) continue;
      const value = convert(ref.identity.toLowerCase());
      if (value === '') continue;
      const list = this.byValue.get(value) ?? this.byValue.set(value, []).get(value)!;
      list.push({ holder: { ds: source.ds, node: ref.node }, kind: ref.source });
    }
  }

  find(value: string): ReadonlyArray<{ holder: Holder; kind: string }> {
    return this.byValue.get(value.toLowerCase()) ?? [];
  }
}

/** Whether an identity provider is one of the provider types named (none named: any). */
export function servesProviders(idp: LinkSource, providers: readonly string[]): boolean {
  if (providers.length === 0) return true;
  const types = idp.types.map(providerKey);
  return providers.some((p) => p === 'any' || p === 'custom' || types.includes(providerKey(p)));
}

/** `azure_ad`, `AzureAD` and `azure-ad` name one provider type. */
function providerKey(type: string): string {
  return type.toLowerCase().replace(/[^a-z0-9]/g, '');
}

const SOURCE_OFFERS: Record<string, readonly string[]> = {
  [ASK.userSourceIdentity]: [OFFER.idpUserIdentity, OFFER.idpUserEmail, OFFER.idpUserName],
  [ASK.groupSourceIdentity]: [OFFER.idpGroupIdentity, OFFER.idpGroupName],
};

function linkSourceIdentities(asker: LinkSource, target: LinkSource, links: LinkSet): void {
  const indexes = new Map<string, OfferIndex>();
  for (const ref of asker.refs) {
    const { kind, qualifier } = splitKind(ref.source);
    const offers = SOURCE_OFFERS[kind];
    if (!offers || !servesProviders(target, [qualifier ?? 'any'])) continue;
    let index = indexes.get(kind);
    if (!index) indexes.set(kind, (index = new OfferIndex(offers))).get(kind)!.add(target);
    for (const { holder, kind: matched } of index.find(ref.identity)) {
      const detail = { value: ref.identity, matched: offerDetail(matched), provider_type: qualifier ?? 'any' };
      links.add({ fromDs: asker.ds, fromNode: ref.node, toDs: holder.ds, toNode: holder.node, rule: 'source_identity', detail });
    }
  }
}

/** The employee fields tried in order, with the detail each link records. */
const EMPLOYEE_ASKS = [
  [ASK.employeeIdpId, 'idp_id'],
  [ASK.employeeEmail, 'email'],
  [ASK.employeeId, 'id'],
] as const;

function linkEmployees(hris: LinkSource, idps: readonly LinkSource[], links: LinkSet): void {
  const users = new OfferIndex([OFFER.idpUserIdentity, OFFER.idpUserEmail, OFFER.idpUserName]);
  for (const idp of idps) users.add(idp);
  const asks = new Map<number, Map<string, string>>();
  for (const ref of hris.refs) {
    if (!EMPLOYEE_ASKS.some(([kind]) => kind === ref.source)) continue;
    (asks.get(ref.node) ?? asks.set(ref.node, new Map()).get(ref.node)!).set(ref.source, ref.identity);
  }
  for (const [node, values] of asks) {
    for (const [kind, field] of EMPLOYEE_ASKS) {
      const value = values.get(kind);
      const found = value === undefined ? [] : users.find(value);
      if (found.length === 0) continue;
      for (const { holder, kind: matched } of found) {
        links.add({ fromDs: hris.ds, fromNode: node, toDs: holder.ds, toNode: holder.node, rule: 'hris', detail: { field, value: value!, matched: offerDetail(matched) } });
      }
      break;
    }
  }
}

/** The offer kind that carries a mapping property of an IdP user (source) or a local user (destination). */
function mappingOffer(side: 'source' | 'destination', property: MappingProperty, name: string | null): string {
  if (property === 'unique_id') return side === 'source' ? OFFER.idpUserIdentity : OFFER.localUserUniqueId;
  if (property === 'email') return side === 'source' ? OFFER.idpUserEmail : OFFER.localUserEmail;
  return `${side === 'source' ? OFFER.idpUserProperty : OFFER.localUserProperty}/${propertyKey(property, name!)}`;
}

function linkByMappings(idp: LinkSource, app: LinkSource, links: LinkSet): void {
  const appTypes = app.types.map((t) => t.toLowerCase());
  (idp.mappings ?? []).forEach((mapping, index) => {
    if (mapping.destinationType !== 'CUSTOM_APPLICATION' || mapping.matchers.length === 0) return;
    if (mapping.destinationAppType !== null && !appTypes.includes(mapping.destinationAppType)) return;
    const convert = (value: string) => transform(value, mapping.transformations);
    // For each matcher, the (IdP user, local user) pairs it matches.
    const matched = mapping.matchers.map((matcher) => {
      const sources = new OfferIndex([mappingOffer('source', matcher.source, matcher.sourceName)]);
      sources.add(idp, convert);
      const pairs = new Set<string>();
      for (const ref of app.refs) {
        if (ref.source !== mappingOffer('destination', matcher.destination, matcher.destinationName)) continue;
        const value = convert(ref.identity.toLowerCase());
        if (value === '') continue;
        for (const { holder } of sources.find(value)) pairs.add(`${holder.node}:${ref.node}`);
      }
      return pairs;
    });
    const [first, ...rest] = matched;
    const pairs = mapping.requireAll ? [...first!].filter((p) => rest.every((m) => m.has(p))) : [...new Set(matched.flatMap((m) => [...m]))];
    const detail = { mapping: index + 1, destination: mapping.destinationType, transformations: [...mapping.transformations] };
    for (const pair of pairs) {
      const [user, local] = pair.split(':').map(Number) as [number, number];
      links.add({ fromDs: app.ds, fromNode: local, toDs: idp.ds, toNode: user, rule: 'mapping', detail });
    }
  });
}

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
 * to the identity it resolves to. `via` is the referring string as written (an identities entry,
 * a source identity, an HRIS field's value, an owned entity's id; '' for mapping rules and
 * managers); `detail` says how it matched.
 */
export interface IdentityLink {
  fromDs: number;
  fromNode: number;
  toDs: number;
  toNode: number;
  rule: LinkRule;
  via: string;
  detail: LinkDetail;
}

/**
 * How a link was made: `matched`, the identity's string the referring one equalled (`identity`,
 * `email`, `name`); `field`, the HRIS field that matched; `mapping`, the rule's number (from 1)
 * with its `destination` and `transformations`; `provider_type`, `node_type`. Links made the
 * same way share one detail object (a million links, a handful of details).
 */
export type LinkDetail = Readonly<Record<string, string | number | readonly string[]>>;

/** One detail object per distinct detail. */
class Details {
  private readonly known = new Map<string, LinkDetail>();

  of(detail: LinkDetail): LinkDetail {
    const key = JSON.stringify(detail);
    let shared = this.known.get(key);
    if (!shared) this.known.set(key, (shared = detail));
    return shared;
  }
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
  const details = new Details();
  const all = [pushed, ...others];
  const idps = all.filter((s) => s.template === 'identity_provider');
  const touching = (a: LinkSource, b: LinkSource) => a === pushed || b === pushed;

  // Applications' identity strings against identity providers.
  const apps = all.filter((app) => app.template === 'application' && (app === pushed || pushed.template === 'identity_provider'));
  // Built only when some application's strings are to be resolved (a re-pushed identity provider may have none to look at).
  const identityOffers = new OfferIndex([OFFER.idpUserIdentity, OFFER.idpUserEmail, OFFER.idpUserName, OFFER.idpGroupIdentity, OFFER.idpGroupName]);
  if (apps.some((app) => app.refs.length > 0)) for (const idp of idps) if (pushed.template === 'application' || idp === pushed) identityOffers.add(idp);
  for (const app of apps) {
    const matched = new Map(identityOffers.kinds.map((kind) => [kind, details.of({ matched: offerDetail(kind) })]));
    for (const ref of byNode(app.refs)) {
      if (ref.source !== ASK.identities && ref.source !== ASK.idpBinding) continue;
      for (const offer of identityOffers.find(ref.identity)) {
        links.add({ fromDs: app.ds, fromNode: ref.node, toDs: offer.ds, toNode: offer.node, rule: ref.source, via: ref.identity, detail: matched.get(offer.kind)! });
      }
    }
  }

  // Identity providers' mapping rules against applications' local users.
  for (const idp of idps) {
    for (const app of all) {
      if (app.template === 'application' && touching(idp, app)) linkByMappings(idp, app, links, details);
    }
  }

  // Federation between identity providers.
  for (const asker of idps) {
    for (const target of idps) {
      if (asker !== target && touching(asker, target)) linkSourceIdentities(asker, target, links, details);
    }
  }

  // HRIS employees to IdP users.
  for (const hris of all) {
    if (hris.template !== 'hris') continue;
    const targets = idps.filter((idp) => touching(hris, idp) && servesProviders(idp, hris.idpProviders ?? []));
    if (targets.length > 0) linkEmployees(hris, targets, links, details);
  }
  return links.values();
}

/** Which string of an identity matched: `email` for idp_user_email, and so on. */
function offerDetail(kind: string): string {
  return kind.replace(/^idp_(user|group)_/, '');
}

/**
 * Links, each (from, to, rule) once: the first way it was found is the one recorded. Links are
 * added one referring node at a time (a source's refs are grouped by node, `byNode`), so a
 * repeat can only be among the links of the node being resolved: those are kept aside and
 * scanned, a handful, instead of a key per link in a map of a million.
 */
class LinkSet {
  private readonly list: IdentityLink[] = [];
  private current: IdentityLink[] = [];
  private currentDs = -1;
  private currentNode = -1;

  add(link: IdentityLink): void {
    if (link.fromDs !== this.currentDs || link.fromNode !== this.currentNode) {
      this.currentDs = link.fromDs;
      this.currentNode = link.fromNode;
      this.current = [];
    } else if (this.current.some((l) => l.toDs === link.toDs && l.toNode === link.toNode && l.rule === link.rule)) {
      return;
    }
    this.current.push(link);
    this.list.push(link);
  }

  values(): IdentityLink[] {
    return this.list;
  }
}

/** A source's refs grouped by node (as derivations and storage write them; sorted here otherwise). */
function byNode(refs: readonly IdentityRef[]): readonly IdentityRef[] {
  for (let i = 1; i < refs.length; i++) if (refs[i]!.node < refs[i - 1]!.node) return [...refs].sort((a, b) => a.node - b.node);
  return refs;
}

/** A string of a node of a data source, found under one kind. */
interface Offer {
  ds: number;
  node: number;
  kind: string;
}

/**
 * Nodes by lower-cased string, for the given kinds of offer. A string usually has one holder, so
 * it maps to that offer itself, not to a list of one: an HRIS push indexes an identity provider's
 * 300k offers, and a list and a nested holder object per offer were half the time of its linking.
 */
class OfferIndex {
  private readonly byValue = new Map<string, Offer | Offer[]>();

  constructor(readonly kinds: readonly string[]) {}

  add(source: LinkSource, convert: (value: string) => string = (v) => v): void {
    for (const ref of source.refs) {
      if (!this.kinds.includes(ref.source)) continue;
      const value = convert(ref.identity.toLowerCase());
      if (value === '') continue;
      const offer: Offer = { ds: source.ds, node: ref.node, kind: ref.source };
      const known = this.byValue.get(value);
      if (known === undefined) this.byValue.set(value, offer);
      else if (Array.isArray(known)) known.push(offer);
      else this.byValue.set(value, [known, offer]);
    }
  }

  find(value: string): readonly Offer[] {
    const found = this.byValue.get(value.toLowerCase());
    return found === undefined ? [] : Array.isArray(found) ? found : [found];
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

function linkSourceIdentities(asker: LinkSource, target: LinkSource, links: LinkSet, details: Details): void {
  const indexes = new Map<string, OfferIndex>();
  for (const ref of byNode(asker.refs)) {
    const { kind, qualifier } = splitKind(ref.source);
    const offers = SOURCE_OFFERS[kind];
    if (!offers || !servesProviders(target, [qualifier ?? 'any'])) continue;
    let index = indexes.get(kind);
    if (!index) indexes.set(kind, (index = new OfferIndex(offers))).get(kind)!.add(target);
    for (const offer of index.find(ref.identity)) {
      const detail = details.of({ matched: offerDetail(offer.kind), provider_type: qualifier ?? 'any' });
      links.add({ fromDs: asker.ds, fromNode: ref.node, toDs: offer.ds, toNode: offer.node, rule: 'source_identity', via: ref.identity, detail });
    }
  }
}

/** The employee fields tried in order, with the detail each link records. */
const EMPLOYEE_ASKS = [
  [ASK.employeeIdpId, 'idp_id'],
  [ASK.employeeEmail, 'email'],
  [ASK.employeeId, 'id'],
] as const;

function linkEmployees(hris: LinkSource, idps: readonly LinkSource[], links: LinkSet, details: Details): void {
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
      for (const offer of found) {
        const detail = details.of({ field, matched: offerDetail(offer.kind) });
        links.add({ fromDs: hris.ds, fromNode: node, toDs: offer.ds, toNode: offer.node, rule: 'hris', via: value!, detail });
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

function linkByMappings(idp: LinkSource, app: LinkSource, links: LinkSet, details: Details): void {
  const appTypes = app.types.map((t) => t.toLowerCase());
  // A pair two rules match is linked by the first (pairs come in no node order, so LinkSet cannot tell).
  const linked = new Set<string>();
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
        for (const offer of sources.find(value)) pairs.add(`${offer.node}:${ref.node}`);
      }
      return pairs;
    });
    const [first, ...rest] = matched;
    const pairs = mapping.requireAll ? [...first!].filter((p) => rest.every((m) => m.has(p))) : [...new Set(matched.flatMap((m) => [...m]))];
    const detail = details.of({ mapping: index + 1, destination: mapping.destinationType, transformations: [...mapping.transformations] });
    for (const pair of pairs) {
      if (linked.has(pair)) continue;
      linked.add(pair);
      const [user, local] = pair.split(':').map(Number) as [number, number];
      links.add({ fromDs: app.ds, fromNode: local, toDs: idp.ds, toNode: user, rule: 'mapping', via: '', detail });
    }
  });
}

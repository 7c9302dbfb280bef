import type { Kysely } from 'kysely';
import type { CustomTemplate } from '@accessgraph/contract';
import {
  ASK,
  IDP_OFFER_KINDS,
  isIdpOffer,
  OFFER,
  keptNodeIds,
  offerChanges,
  propertyKey,
  renumberNodes,
  resolveLinks,
  splitKind,
  unlinkedAsks,
  type DerivedGraph,
  type IdentityLink,
  type IdentityRef,
  type LinkSource,
  type OfferChanges,
} from '@accessgraph/core';
import type { DialectCapabilities } from './capabilities.js';
import type { Database } from './database.js';
import type { GraphStorage, GraphTransaction } from './graph-writer.js';
import { inChunks } from './grant-paths.js';
import { countLinks, replaceNodeLinks, REWRITE_ABOVE, writeLinkChanges, type LinkScope } from './link-changes.js';
import type { LinkChanges } from './store.js';
import { LOWER_CASED_IN_LIMIT, lowerCasedAsciiIn, notAscii } from './lower-cased-in.js';
import { lockIdentityLinks } from './write-transaction.js';

/** The data source a push is committing, as linking sees it. */
export interface PushedSource {
  ds: number;
  template: CustomTemplate;
  graph: LinkedGraph;
}

/** What linking reads of a derived graph: the whole graph of a push, or the nodes a change made by difference rewrote. */
export type LinkedGraph = Pick<DerivedGraph, 'nodes' | 'identityRefs' | 'types'>;

/**
 * Re-resolves every identity link that touches the pushed data source, in the push's
 * transaction (design: "identity links across data sources"): drops the links it had, resolves
 * its identity strings against every other data source as it stands and theirs against it
 * (`resolveLinks`), adds owners and managers, and writes what changed (`writeLinkChanges`). A
 * re-pushed identity provider re-resolves only what its changes can affect (`linkScope`). Returns the strings of the pushed data source that link to nothing, for the push's warnings,
 * and how many links there are and were written.
 *
 * On PostgreSQL the link phases of concurrent pushes take turns (a transaction-scoped lock): each
 * reads the other data sources' identity strings after the previous one committed, so two pushes
 * that link to each other cannot each resolve against the other's old graph.
 */
export async function relinkDataSource(
  tx: GraphTransaction,
  graphs: GraphStorage,
  caps: DialectCapabilities,
  { ds, template, graph }: { ds: number; template: CustomTemplate; graph: DerivedGraph },
  previous: PreviousOffers | undefined,
): Promise<{ unlinked: IdentityRef[]; changes: LinkChanges }> {
  const pushed: PushedSource = { ds, template, graph };
  const conn = tx.conn;
  await lockIdentityLinks(conn, caps);
  const self = sourceOf(pushed);
  const plan = linkScope(self, previous, pushed.graph.nodes.length);
  const { sources: others, resolvedAgain } = await otherSources(conn, graphs, caps, pushed, self, plan);
  const scope: LinkScope = plan === 'all' ? 'all' : { ...plan, identityProviders: others.filter((o) => o.template === 'identity_provider').map((o) => o.ds), resolvedAgain };
  const links = resolveLinks(plan === 'all' ? self : withOffersNamedBy(self, others), others);
  links.push(...(await ownerLinks(conn, graphs, pushed, others)), ...managerLinks(ds, graph));
  const written = await writeLinkChanges(tx, pushed.ds, links, scope);
  const total = scope === 'all' ? links.length : await countLinks(conn, pushed.ds);
  return { unlinked: unlinkedAsks(pushed.ds, pushed.graph.identityRefs, links), changes: { links: total, ...written } };
}

/**
 * Re-resolves the links of some nodes of an application or an HRIS — the local users or employees
 * a change made by difference added, rewrote or deleted — against the other data sources as they
 * stand: a local user's or an employee's links depend on its own identity strings and the identity
 * providers' alone, so the links of the data source's other nodes stay as they are. `nodes` holds
 * the rewritten nodes; `touched` their ids and those of the deleted ones, whose links go;
 * `managers`, the `manages` edges that touch the written employees (their managers' and their
 * reports'), within the data source. An HRIS' system says which identity providers its employees
 * link to: it is read for them.
 */
export async function relinkNodes(
  tx: GraphTransaction,
  graphs: GraphStorage,
  caps: DialectCapabilities,
  change: { ds: number; template: 'application' | 'hris'; nodes: DerivedGraph['nodes']; refs: IdentityRef[]; touched: readonly number[]; managers: ReadonlyArray<{ manager: number; report: number }> },
): Promise<{ unlinked: IdentityRef[]; changes: LinkChanges }> {
  const { ds, template, refs, touched } = change;
  const conn = tx.conn;
  await lockIdentityLinks(conn, caps);
  const kind = template === 'hris' ? 'hris_type' : 'application_type';
  const declared = (await conn.selectFrom('data_source_types').select('type_name').where('ds', '=', ds).where('kind', '=', kind).execute()).map((t) => t.type_name);
  const system = template === 'hris' ? await graphs.reader(conn, ds).selectFrom('graph_nodes').select(['properties']).where('ds', '=', ds).where('kind', '=', 'hris_system').limit(1).executeTakeFirst() : undefined;
  const types = { application_types: template === 'application' ? declared : [], resource_types: [], idp_types: [], hris_types: template === 'hris' ? declared : [] };
  const pushed: PushedSource = { ds, template, graph: { nodes: change.nodes, identityRefs: refs, types } };
  const self = { ...sourceOf(pushed), ...(system ? { idpProviders: (JSON.parse(system.properties) as { idp_providers?: string[] }).idp_providers ?? [] } : {}) };
  const asked = new Set([...refs.map((r) => r.identity.toLowerCase()), ...change.nodes.map((n) => n.localKey.toLowerCase())]);
  const { sources: others } = await otherSources(conn, graphs, caps, pushed, self, 'all', asked);
  const mine = new Set(touched);
  const touches = (link: IdentityLink) => (link.fromDs === ds && mine.has(link.fromNode)) || (link.toDs === ds && mine.has(link.toNode));
  const links = [...resolveLinks(self, others), ...(await ownerLinks(conn, graphs, pushed, others))].filter(touches);
  for (const { manager, report } of change.managers) links.push({ fromDs: ds, fromNode: report, toDs: ds, toNode: manager, rule: 'manager', via: '', detail: MANAGERS });
  const written = await replaceNodeLinks(tx, ds, touched, links);
  return { unlinked: unlinkedAsks(ds, refs, links), changes: { links: await countLinks(conn, ds), ...written } };
}

/**
 * What other data sources' links to an identity provider depend on, read before a push replaces
 * its graph: what its users and groups offered (at node ids its re-push keeps: `keepNodeIds`),
 * and its mapping rules. Undefined for other templates, and before the first push.
 */
export interface PreviousOffers {
  refs: IdentityRef[];
  mappings: unknown;
}

/**
 * Which links a push must re-resolve (design: "identity links"). Everything, unless an identity
 * provider is re-pushed under the same mapping rules: then only the links by strings whose offers
 * changed (`offerChanges`) — none on a connector's daily run, ten accounts' worth when one user
 * left — besides those it makes itself. Mapping rules for applications compare properties after
 * transformations, which no changed string names: when any offer changed under such rules, or
 * when most nodes changed (more than REWRITE_ABOVE), everything is re-resolved.
 */
function linkScope(self: LinkSource, previous: PreviousOffers | undefined, nodes: number): 'all' | OfferChanges {
  if (previous === undefined || JSON.stringify(previous.mappings ?? []) !== JSON.stringify(self.mappings ?? [])) return 'all';
  const changes = offerChanges(previous.refs, self.refs);
  const changed = changes.values.size > 0 || changes.properties;
  if (changed && mapsApplications(self)) return 'all';
  return changes.holders.length > REWRITE_ABOVE && changes.holders.length > nodes / 4 ? 'all' : changes;
}

function mapsApplications(self: LinkSource): boolean {
  return (self.mappings ?? []).some((m) => m.destinationType === 'CUSTOM_APPLICATION' && m.matchers.length > 0);
}

/**
 * Before an identity provider's graph is replaced: gives its re-pushed nodes the ids their keys
 * had (`keptNodeIds`), so that links other data sources hold to its users stay valid when users
 * are added, removed or reordered, and returns what the old graph offered. Only identity
 * providers: a million accounts link to one, while links that name an application's or an HRIS'
 * nodes are that data source's own (rewritten by its push) or owners (re-resolved by every push).
 */
export async function previousOffers(conn: Kysely<Database>, graphs: GraphStorage, ds: number, template: CustomTemplate, graph: DerivedGraph): Promise<PreviousOffers | undefined> {
  if (template !== 'identity_provider') return undefined;
  const pushed = await conn.selectFrom('data_source_states').select('ds').where('ds', '=', ds).executeTakeFirst();
  if (!pushed) return undefined;
  const reader = graphs.reader(conn, ds);
  const nodes = await reader.selectFrom('graph_nodes').select(['node_key', 'id']).where('ds', '=', ds).execute();
  const ids = keptNodeIds(graph.nodes, new Map(nodes.map((r) => [r.node_key, Number(r.id)])));
  if (ids !== null) renumberNodes(graph, ids);
  return { refs: await readRefs(reader, ds, [...IDP_OFFER_KINDS, `${OFFER.idpUserProperty}/`]), mappings: await nodeProperty(reader, ds, 'idp_domain', 'identity_mappings') };
}

/**
 * The pushed identity provider with only the offers that some string of the other data sources,
 * as read, names: with a few changed strings, the applications' and HRIS' strings read are a
 * handful, and indexing the identity provider's 300k offers to look them up cost more than the
 * rest of the link phase.
 */
function withOffersNamedBy(self: LinkSource, others: readonly LinkSource[]): LinkSource {
  const named = new Set<string>();
  for (const other of others) for (const ref of other.refs) named.add(ref.identity.toLowerCase());
  return { ...self, refs: self.refs.filter((r) => !isIdpOffer(r.source) || named.has(r.identity.toLowerCase())) };
}

export function sourceOf(pushed: PushedSource): LinkSource {
  const { graph } = pushed;
  const domain = graph.nodes.find((n) => n.kind === 'idp_domain');
  const system = graph.nodes.find((n) => n.kind === 'hris_system');
  return {
    ds: pushed.ds,
    template: pushed.template,
    types: [...graph.types.application_types, ...graph.types.idp_types, ...graph.types.hris_types],
    refs: graph.identityRefs,
    mappings: (domain?.properties.identity_mappings as LinkSource['mappings']) ?? [],
    idpProviders: (system?.properties.idp_providers as string[] | undefined) ?? [],
  };
}

const IDP_KINDS = [
  OFFER.idpUserIdentity,
  OFFER.idpUserEmail,
  OFFER.idpUserName,
  OFFER.idpGroupIdentity,
  OFFER.idpGroupName,
  `${OFFER.idpUserProperty}/`,
  `${ASK.userSourceIdentity}/`,
  `${ASK.groupSourceIdentity}/`,
  `${ASK.owned}/`,
];
const IDP_KINDS_FOR_HRIS = [OFFER.idpUserIdentity, OFFER.idpUserEmail, OFFER.idpUserName, `${ASK.owned}/`];
const APP_ASKS = [ASK.identities, ASK.idpBinding];
/** What mapping rules compare local users by: read only for an identity provider that has rules for applications. */
const APP_OFFERS = [OFFER.localUserUniqueId, OFFER.localUserEmail];
const HRIS_KINDS = [ASK.employeeIdpId, ASK.employeeEmail, ASK.employeeId];

/**
 * Every other data source that has a graph, with the identity strings this push can link to:
 * identity providers' always (applications and HRIS link to them, they link to each other, and
 * they own entities anywhere); applications' and HRIS' only when an identity provider is pushed
 * whose links from them may have changed (with some strings changed: only applications' asks by
 * those strings). `offersFor`: the strings a change made by difference asks for and its nodes'
 * keys (what owners name them by): only those of an identity provider without mapping rules are read.
 */
export async function otherSources(
  conn: Kysely<Database>,
  graphs: GraphStorage,
  caps: DialectCapabilities,
  pushed: PushedSource,
  self: LinkSource,
  scope: 'all' | OfferChanges,
  offersFor?: ReadonlySet<string>,
): Promise<{ sources: LinkSource[]; resolvedAgain: Map<number, number[]> }> {
  const rows = await conn
    .selectFrom('data_sources as d')
    .innerJoin('data_source_states as s', 's.ds', 'd.seq')
    .innerJoin('providers as p', 'p.id', 'd.provider_id')
    .select(['d.seq', 'p.custom_template'])
    .where('d.seq', '<>', pushed.ds)
    .orderBy('d.seq')
    .execute();
  const types = new Map<number, string[]>();
  if (rows.length > 0) {
    const declared = await conn.selectFrom('data_source_types').select(['ds', 'type_name']).where('kind', '<>', 'resource_type').execute();
    for (const t of declared) (types.get(t.ds) ?? types.set(t.ds, []).get(t.ds)!).push(t.type_name);
  }
  // Local users' properties the pushed identity provider's rules compare by name (PROPERTY, CUSTOM_PROPERTY destinations).
  const destinationNames = new Set((self.mappings ?? []).flatMap((m) => m.matchers.flatMap((x) => (x.destinationName === null ? [] : [propertyKey(x.destination, x.destinationName)]))));
  const appKinds = scope === 'all' && mapsApplications(self) ? [...APP_ASKS, ...APP_OFFERS] : APP_ASKS;
  // With some strings changed, only the applications' asks by those strings can link differently.
  const changed = scope === 'all' ? undefined : scope.values;
  const sources: LinkSource[] = [];
  const resolvedAgain = new Map<number, number[]>();
  for (const row of rows) {
    const template = row.custom_template as CustomTemplate;
    // Applications and HRIS refer to identity providers; when no string changed, their links stay as they are.
    const linksToPushed = pushed.template === 'identity_provider' && (changed === undefined || changed.size > 0);
    // An HRIS links only to IdP users (and IdPs may own its nodes): their groups' and properties' strings are not needed.
    const idpKinds = pushed.template === 'hris' ? IDP_KINDS_FOR_HRIS : IDP_KINDS;
    const kinds = template === 'identity_provider' ? idpKinds : !linksToPushed ? [] : template === 'hris' ? HRIS_KINDS : appKinds;
    if (kinds.length === 0) continue;
    const reader = graphs.reader(conn, row.seq);
    const mappings = template === 'identity_provider' ? await nodeProperty<LinkSource['mappings']>(reader, row.seq, 'idp_domain', 'identity_mappings') : undefined;
    // An identity provider's strings that some node of the change asks for or is named by; all of them under mapping rules, which compare transformed properties.
    const named = offersFor !== undefined && (mappings ?? []).length === 0 ? { caps, values: offersFor } : undefined;
    const only = changed !== undefined && template !== 'identity_provider' ? { caps, values: changed } : template === 'identity_provider' ? named : undefined;
    let refs = await readRefs(reader, row.seq, kinds, only);
    if (only !== undefined && template !== 'identity_provider') {
      // A node that asks for a changed string is resolved again with all its strings: an employee links
      // by the first of its fields that matches; an account's link to a user is one row whichever of
      // its identities matched, and may hold by another string than the changed one.
      const nodes = [...new Set(refs.map((r) => r.node))].sort((a, b) => a - b);
      resolvedAgain.set(row.seq, nodes);
      refs = await inChunks(nodes, (slice) => readRefs(reader, row.seq, kinds, undefined, slice));
    }
    const source: LinkSource = { ds: row.seq, template, types: types.get(row.seq) ?? [], refs };
    if (mappings !== undefined) source.mappings = mappings;
    if (template === 'hris') source.idpProviders = await nodeProperty(reader, row.seq, 'hris_system', 'idp_providers');
    if (template === 'application' && destinationNames.size > 0) source.refs = [...source.refs, ...(await localUserProperties(reader, row.seq, destinationNames))];
    sources.push(source);
  }
  return { sources, resolvedAgain };
}

/**
 * A data source's identity strings of the given kinds (a kind ending in `/`: every qualified one);
 * with `values`, only those that are one of them, ignoring case (looked up by index when there are
 * up to LOWER_CASED_IN_LIMIT, filtered as they are read otherwise); with `nodes`, only those of these nodes.
 */
export async function readRefs(
  reader: Kysely<Database>,
  ds: number,
  kinds: readonly string[],
  only?: { caps: DialectCapabilities; values: ReadonlySet<string> },
  nodes?: readonly number[],
): Promise<IdentityRef[]> {
  const exact = kinds.filter((k) => !k.endsWith('/'));
  const prefixes = kinds.filter((k) => k.endsWith('/'));
  let query = reader
    .selectFrom('graph_identity_refs')
    .select(['node', 'identity', 'source'])
    .where('ds', '=', ds)
    .where((eb) => eb.or([eb('source', 'in', exact), ...prefixes.map((p) => eb('source', 'like', `${p}%`))]));
  if (nodes !== undefined) query = query.where('node', 'in', nodes);
  let rows;
  if (only !== undefined && only.values.size <= LOWER_CASED_IN_LIMIT) {
    // Through the indexes on the lower-cased string (migration 0012): the ASCII strings by value, the others all (a few).
    const { caps } = only;
    const ascii = await query.where(lowerCasedAsciiIn(caps, 'identity', [...only.values])).execute();
    rows = ascii.concat(await query.where(notAscii(caps, 'identity')).execute());
  } else rows = await query.execute();
  const refs: IdentityRef[] = [];
  for (const r of rows) if (only === undefined || only.values.has(r.identity.toLowerCase())) refs.push({ node: Number(r.node), identity: r.identity, source: r.source });
  return refs;
}

/** A property of the data source's one node of `kind` (the IdP's domain, the HRIS system). */
async function nodeProperty<T>(reader: Kysely<Database>, ds: number, kind: string, property: string): Promise<T | undefined> {
  const row = await reader.selectFrom('graph_nodes').select('properties').where('ds', '=', ds).where('kind', '=', kind).limit(1).executeTakeFirst();
  return row ? ((JSON.parse(row.properties) as Record<string, unknown>)[property] as T | undefined) : undefined;
}

/**
 * The local users' properties of these names (as their nodes keep them), as identity strings for
 * mapping rules: read from the users' nodes only when a rule needs them.
 */
async function localUserProperties(reader: Kysely<Database>, ds: number, names: ReadonlySet<string>): Promise<IdentityRef[]> {
  const rows = await reader.selectFrom('graph_nodes').select(['id', 'properties']).where('ds', '=', ds).where('kind', '=', 'local_user').execute();
  const refs: IdentityRef[] = [];
  for (const row of rows) {
    const properties = JSON.parse(row.properties) as Record<string, unknown>;
    for (const name of names) {
      const value = properties[name];
      const values = Array.isArray(value) ? value : [value];
      for (const v of values) {
        if (typeof v === 'string' || typeof v === 'number') refs.push({ node: Number(row.id), identity: String(v), source: `${OFFER.localUserProperty}/${name}` });
      }
    }
  }
  return refs;
}

/**
 * Owners (`entities_owned`) to the nodes they name by node type and id (any case), in any data
 * source: the pushed identity provider's owned entities wherever they are, and the other
 * identity providers' owned entities among the pushed data source's nodes. Nodes of kind `external`
 * stand for entities no data source holds and are never owned targets.
 */
export async function ownerLinks(conn: Kysely<Database>, graphs: GraphStorage, pushed: PushedSource, others: readonly LinkSource[]): Promise<IdentityLink[]> {
  const links: IdentityLink[] = [];
  const owned = (refs: readonly IdentityRef[]) => refs.filter((r) => splitKind(r.source).kind === ASK.owned);
  const asks = owned(pushed.graph.identityRefs);
  const othersAsk = others.map((other) => ({ ds: other.ds, refs: owned(other.refs) })).filter((o) => o.refs.length > 0);
  if (asks.length === 0 && othersAsk.length === 0) return links;
  const inPushed = new Map<string, number[]>();
  for (const node of pushed.graph.nodes) {
    if (node.kind === 'external') continue;
    const key = `${node.nodeType.toLowerCase()}\u0000${node.localKey.toLowerCase()}`;
    (inPushed.get(key) ?? inPushed.set(key, []).get(key)!).push(node.id);
  }
  const link = (fromDs: number, ref: IdentityRef, toDs: number, toNode: number) => {
    const nodeType = splitKind(ref.source).qualifier!;
    links.push({ fromDs, fromNode: ref.node, toDs, toNode, rule: 'owner', via: ref.identity, detail: { node_type: nodeType } });
  };
  const ownedKey = (ref: IdentityRef) => `${splitKind(ref.source).qualifier!.toLowerCase()}\u0000${ref.identity.toLowerCase()}`;
  for (const other of othersAsk) for (const ref of other.refs) for (const node of inPushed.get(ownedKey(ref)) ?? []) link(other.ds, ref, pushed.ds, node);

  if (asks.length === 0) return links;
  for (const ref of asks) for (const node of inPushed.get(ownedKey(ref)) ?? []) link(pushed.ds, ref, pushed.ds, node);
  const ids = [...new Set(asks.map((r) => r.identity.toLowerCase()))];
  const wanted = new Set(asks.map(ownedKey));
  const all = await conn.selectFrom('data_sources as d').innerJoin('data_source_states as s', 's.ds', 'd.seq').select('d.seq').where('d.seq', '<>', pushed.ds).execute();
  for (const { seq } of all) {
    const nodes = await inChunks(ids, (slice) =>
      graphs
        .reader(conn, seq)
        .selectFrom('graph_nodes')
        .select(['id', 'node_type', 'lookup_key'])
        .where('ds', '=', seq)
        .where('lookup_key', 'in', slice)
        .where('kind', '<>', 'external')
        .execute(),
    );
    for (const node of nodes) {
      const key = `${node.node_type.toLowerCase()}\u0000${node.lookup_key}`;
      if (!wanted.has(key)) continue;
      for (const ref of asks) if (ownedKey(ref) === key) link(pushed.ds, ref, seq, Number(node.id));
    }
  }
  return links;
}

/** How a manager link of an HRIS names its field. */
export const MANAGERS = { field: 'managers' } as const;
/** How a manager link of an identity provider names its field. */
export const MANAGER_ID = { field: 'manager_id' } as const;

/** A report to its manager, within the data source (an IdP's `manager_id`, an HRIS employee's `managers`). */
function managerLinks(ds: number, graph: DerivedGraph): IdentityLink[] {
  const { edges, nodes } = graph;
  const links: IdentityLink[] = [];
  for (let i = 0; i < edges.length; i++) {
    if (edges.kind(i) !== 'manages') continue;
    const manager = edges.col.from[i]!;
    const report = edges.col.to[i]!;
    const field = nodes[report]!.kind === 'hris_employee' ? 'managers' : 'manager_id';
    links.push({ fromDs: ds, fromNode: report, toDs: ds, toNode: manager, rule: 'manager', via: '', detail: field === 'managers' ? MANAGERS : MANAGER_ID });
  }
  return links;
}

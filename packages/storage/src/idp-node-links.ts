import { IDP_OFFER_KINDS, isIdpOffer, resolveLinks, unlinkedAsks, type DerivedGraph, type IdentityLink, type IdentityRef } from '@accessgraph/core';
import type { DialectCapabilities } from './capabilities.js';
import type { GraphStorage, GraphTransaction } from './graph-writer.js';
import { inChunks } from './grant-paths.js';
import { MANAGER_ID, otherSources, ownerLinks, readRefs, sourceOf, type LinkedGraph, type PushedSource } from './identity-links.js';
import { countLinks, replaceNodeLinks } from './link-changes.js';
import type { LinkChanges } from './store.js';
import { lockIdentityLinks } from './write-transaction.js';

/**
 * Re-resolves the links of the users a change of an identity provider made by difference added,
 * rewrote or deleted (and of the AWS roles and owned entities it added or dropped), against the
 * other data sources as they stand. What links to a user depends on the strings it offers (its
 * identity, email, name): every ask of another data source by a string it offered before or
 * offers now is resolved again — applications' accounts and `idp` bindings, other identity
 * providers' federation and owners, and HRIS employees, which link by the first of their fields
 * that matches any user, so an employee with one of those strings is resolved again whole,
 * against every user offering one of its strings. Links to the identity provider's other users
 * by other strings cannot change. `before`: the touched nodes' offers as stored, read before the
 * change was written; `managers`: the `manages` edges that touch the written users (their
 * manager's and their reports'), within the data source.
 */
export async function relinkIdpNodes(
  tx: GraphTransaction,
  graphs: GraphStorage,
  caps: DialectCapabilities,
  change: { ds: number; nodes: DerivedGraph['nodes']; refs: IdentityRef[]; touched: readonly number[]; before: readonly IdentityRef[]; managers: ReadonlyArray<{ manager: number; report: number }> },
): Promise<{ unlinked: IdentityRef[]; changes: LinkChanges }> {
  const { ds, nodes, refs, touched, before } = change;
  const conn = tx.conn;
  await lockIdentityLinks(conn, caps);
  const declared = await conn.selectFrom('data_source_types').select('type_name').where('ds', '=', ds).where('kind', '=', 'idp_type').execute();
  const graph: LinkedGraph = { nodes, identityRefs: refs, types: { application_types: [], resource_types: [], idp_types: declared.map((t) => t.type_name), hris_types: [] } };
  const pushed: PushedSource = { ds, template: 'identity_provider', graph };
  const self = sourceOf(pushed);
  const values = new Set([...before, ...refs].filter((r) => isIdpOffer(r.source)).map((r) => r.identity.toLowerCase()));
  const { sources: others, resolvedAgain: again } = await otherSources(conn, graphs, caps, pushed, self, { values, holders: touched, properties: false });
  const employees = new Map([...again].filter(([other]) => others.find((o) => o.ds === other)?.template === 'hris'));

  // The other users' offers of the strings the employees resolved again name: one may match an employee's earlier field.
  const mine = new Set(touched);
  const named = new Set(others.filter((o) => employees.has(o.ds)).flatMap((o) => o.refs.map((r) => r.identity.toLowerCase())));
  const reader = graphs.reader(conn, ds);
  const untouched = named.size === 0 ? [] : (await readRefs(reader, ds, IDP_OFFER_KINDS, { caps, values: named })).filter((r) => !mine.has(r.node));
  const resolvedAgain = new Map([...employees].map(([hris, ids]) => [hris, new Set(ids)]));
  const kept = (link: IdentityLink) =>
    (link.fromDs === ds && mine.has(link.fromNode)) || (link.toDs === ds && mine.has(link.toNode)) || (link.rule === 'hris' && link.toDs === ds && resolvedAgain.get(link.fromDs)?.has(link.fromNode) === true);
  const links = [...resolveLinks({ ...self, refs: [...refs, ...untouched] }, others), ...(await ownerLinks(conn, graphs, pushed, others))].filter(kept);
  for (const { manager, report } of change.managers) links.push({ fromDs: ds, fromNode: report, toDs: ds, toNode: manager, rule: 'manager', via: '', detail: MANAGER_ID });

  // The employees' links to this identity provider go whole: the first field that matches may now be another.
  for (const [hris, ids] of employees) {
    await inChunks(ids, async (slice) => (await conn.deleteFrom('identity_links').where('ds', '=', hris).where('node', 'in', slice).where('to_ds', '=', ds).where('rule', '=', 'hris').execute(), []));
  }
  const written = await replaceNodeLinks(tx, ds, touched, links);
  return { unlinked: unlinkedAsks(ds, refs, links), changes: { links: await countLinks(conn, ds), ...written } };
}


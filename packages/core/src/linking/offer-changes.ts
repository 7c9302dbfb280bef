import type { IdentityRef } from '../graph/derived-graph.js';
import { OFFER } from './identity-keys.js';

/** The kinds of string an identity provider's users and groups are found by (mapping properties aside). */
export const IDP_OFFER_KINDS: readonly string[] = [OFFER.idpUserIdentity, OFFER.idpUserEmail, OFFER.idpUserName, OFFER.idpGroupIdentity, OFFER.idpGroupName];

/** Whether a recorded kind is something an identity provider offers: the kinds above, or a user property its mapping rules compare. */
export function isIdpOffer(source: string): boolean {
  return IDP_OFFER_KINDS.includes(source) || source.startsWith(`${OFFER.idpUserProperty}/`);
}

/**
 * What changed in what an identity provider offers between two of its graphs (node ids kept
 * across pushes: `keptNodeIds`). An offer is (node, kind, string ignoring case). `values`: every
 * lower-cased string whose offers differ — a string that appeared, vanished, moved to another node
 * or another kind. A link from another data source that names such a string may have changed;
 * one that names any other string resolves exactly as before. `holders`: the nodes of the old
 * graph that offered a changed string, where the old links of those strings point.
 * `properties`: whether a mapping property offer changed (mapping rules then need a full re-link).
 */
export interface OfferChanges {
  values: ReadonlySet<string>;
  holders: readonly number[];
  properties: boolean;
}

export function offerChanges(before: readonly IdentityRef[], after: readonly IdentityRef[]): OfferChanges {
  const old = offersByNode(before);
  const now = offersByNode(after);
  const values = new Set<string>();
  let properties = false;
  const differing = (ref: IdentityRef) => {
    if (IDP_OFFER_KINDS.includes(ref.source)) values.add(ref.identity.toLowerCase());
    else properties = true;
  };
  for (let node = 0; node < Math.max(old.length, now.length); node++) compareOffers(old[node] ?? NONE, now[node] ?? NONE, differing);
  const holders = new Set<number>();
  // Every old holder of a changed string, also one that still offers it: all its links by that string are re-resolved.
  if (values.size > 0) for (const ref of before) if (IDP_OFFER_KINDS.includes(ref.source) && values.has(ref.identity.toLowerCase())) holders.add(ref.node);
  return { values, holders: [...holders].sort((a, b) => a - b), properties };
}

const NONE: readonly IdentityRef[] = [];

/**
 * Offers by node id (ids are dense, so an array). Comparing node by node needs no string per offer
 * nor a map of 300k strings: a map-based version cost half a second for an identity provider of
 * 100k users, which every re-push of it paid.
 */
function offersByNode(refs: readonly IdentityRef[]): IdentityRef[][] {
  const byNode: IdentityRef[][] = [];
  for (const ref of refs) {
    if (!isIdpOffer(ref.source)) continue;
    const list = byNode[ref.node];
    if (list === undefined) byNode[ref.node] = [ref];
    else list.push(ref);
  }
  return byNode;
}

/** Pairs one node's old and new offers (same kind, same string ignoring case); reports each that has no partner. */
function compareOffers(old: readonly IdentityRef[], now: readonly IdentityRef[], differing: (ref: IdentityRef) => void): void {
  // Usually the same offers in the same order (storage keeps a node's strings in derivation order).
  if (old.length === now.length && old.every((a, i) => sameOffer(a, now[i]!))) return;
  const paired = new Uint8Array(now.length);
  for (const a of old) {
    let found = -1;
    for (let j = 0; j < now.length && found < 0; j++) if (paired[j] === 0 && sameOffer(a, now[j]!)) found = j;
    if (found < 0) differing(a);
    else paired[found] = 1;
  }
  for (let j = 0; j < now.length; j++) if (paired[j] === 0) differing(now[j]!);
}

function sameOffer(a: IdentityRef, b: IdentityRef): boolean {
  return a.source === b.source && (a.identity === b.identity || a.identity.toLowerCase() === b.identity.toLowerCase());
}

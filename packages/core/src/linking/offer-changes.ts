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
  const line = (r: IdentityRef) => `${r.node}\u0000${r.source}\u0000${r.identity.toLowerCase()}`;
  const old = new Set(before.filter((r) => isIdpOffer(r.source)).map(line));
  const now = new Set(after.filter((r) => isIdpOffer(r.source)).map(line));
  const values = new Set<string>();
  const holders = new Set<number>();
  let properties = false;
  const note = (r: IdentityRef) => {
    if (IDP_OFFER_KINDS.includes(r.source)) values.add(r.identity.toLowerCase());
    else properties = true;
  };
  for (const r of before) if (isIdpOffer(r.source) && !now.has(line(r))) note(r);
  for (const r of after) if (isIdpOffer(r.source) && !old.has(line(r))) note(r);
  // Every old holder of a changed string, also one that still offers it: all its links by that string are re-resolved.
  if (values.size > 0) for (const r of before) if (IDP_OFFER_KINDS.includes(r.source) && values.has(r.identity.toLowerCase())) holders.add(r.node);
  return { values, holders: [...holders].sort((a, b) => a - b), properties };
}

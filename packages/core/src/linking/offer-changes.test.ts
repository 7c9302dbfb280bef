import { describe, expect, it } from 'vitest';
import type { IdentityRef } from '../graph/derived-graph.js';
import { ASK, OFFER } from './identity-keys.js';
import { offerChanges } from './offer-changes.js';

const ref = (node: number, source: string, identity: string): IdentityRef => ({ node, source, identity });
const BEFORE = [
  ref(1, OFFER.idpUserIdentity, 'u1'),
  ref(1, OFFER.idpUserEmail, 'ann@corp.example'),
  ref(2, OFFER.idpUserIdentity, 'u2'),
  ref(2, OFFER.idpUserEmail, 'bob@corp.example'),
  ref(3, OFFER.idpGroupName, 'staff'),
  ref(4, OFFER.idpGroupName, 'staff'),
  ref(1, ASK.userSourceIdentity + '/okta', 'ann@okta.example'),
];

describe('offer changes', () => {
  it('finds none when the offers are the same, in any order and any case, asks aside', () => {
    const after = [...BEFORE].reverse().map((r) => ({ ...r, identity: r.identity.toUpperCase() }));
    after.push(ref(2, ASK.identities, 'something else'));
    expect(offerChanges(BEFORE, after)).toEqual({ values: new Set(), holders: [], properties: false });
  });

  it('names a string that moved to another node, with its old holder', () => {
    const after = BEFORE.map((r) => (r.identity === 'bob@corp.example' ? { ...r, node: 5 } : r));
    expect(offerChanges(BEFORE, after)).toEqual({ values: new Set(['bob@corp.example']), holders: [2], properties: false });
  });

  it('names a string offered under another kind, a new one, a vanished one, and every old holder of a shared one', () => {
    const after = [
      ref(1, OFFER.idpUserIdentity, 'u1'),
      ref(1, OFFER.idpUserName, 'ann@corp.example'), // email -> name
      ref(2, OFFER.idpUserIdentity, 'u2'),
      ref(2, OFFER.idpUserEmail, 'bob@corp.example'),
      ref(3, OFFER.idpGroupName, 'staff'), // node 4 no longer offers it
      ref(6, OFFER.idpUserEmail, 'new@corp.example'),
    ];
    const changes = offerChanges(BEFORE, after);
    expect([...changes.values].sort()).toEqual(['ann@corp.example', 'new@corp.example', 'staff']);
    expect(changes.holders).toEqual([1, 3, 4]);
    expect(changes.properties).toBe(false);
  });

  it('tells when a property that mapping rules compare changed', () => {
    const before = [...BEFORE, ref(1, `${OFFER.idpUserProperty}/department`, 'Sales')];
    expect(offerChanges(before, [...BEFORE, ref(1, `${OFFER.idpUserProperty}/department`, 'sales')]).properties).toBe(false);
    expect(offerChanges(before, [...BEFORE, ref(1, `${OFFER.idpUserProperty}/department`, 'Ops')])).toEqual({ values: new Set(), holders: [], properties: true });
  });
});

import type { IdentityRef } from '../graph/derived-graph.js';
import { ASK } from '../linking/identity-keys.js';
import type { PayloadWarning } from './issues.js';

/**
 * One warning per identity string (ignoring case) that matches no IdP identity, with the prefix
 * Veza uses: oaaclient's live tests count warnings starting with "Cannot find identity by names".
 */
export function unmatchedIdentityWarnings(refs: readonly IdentityRef[], isKnown: (identity: string) => boolean): PayloadWarning[] {
  const seen = new Set<string>();
  const warnings: PayloadWarning[] = [];
  for (const ref of refs) {
    if (ref.source !== ASK.identities && ref.source !== ASK.idpBinding) continue;
    const key = ref.identity.toLowerCase();
    if (seen.has(key) || isKnown(key)) continue;
    seen.add(key);
    warnings.push({
      path: '',
      code: 'unmatched_identity',
      message: `Cannot find identity by names: "${ref.identity}" matches no user or group of an identity provider data source`,
    });
  }
  return warnings;
}

import type { DerivedGraph, IdentityRef } from '../graph/derived-graph.js';
import type { PayloadWarning } from '../payload/issues.js';
import { ASK, splitKind } from './identity-keys.js';
import type { IdentityLink, LinkRule } from './resolve-links.js';

/** The rule a satisfied ask's link carries, by ask kind. */
const RULE_OF_ASK: Record<string, LinkRule> = {
  [ASK.identities]: 'identities',
  [ASK.idpBinding]: 'idp_binding',
  [ASK.userSourceIdentity]: 'source_identity',
  [ASK.groupSourceIdentity]: 'source_identity',
  [ASK.owned]: 'owner',
  [ASK.employeeIdpId]: 'hris',
  [ASK.employeeEmail]: 'hris',
  [ASK.employeeId]: 'hris',
};

const EMPLOYEE_ASKS: ReadonlySet<string> = new Set([ASK.employeeIdpId, ASK.employeeEmail, ASK.employeeId]);

/**
 * The asks of data source `ds` that no link satisfies: an identity string (identities entry,
 * `idp` binding, source identity, owned entity) that no link from its node was made `via`, and an HRIS employee with no link at all (it is one person with three ways to match:
 * reported once, by its id).
 */
export function unlinkedAsks(ds: number, refs: readonly IdentityRef[], links: readonly IdentityLink[]): IdentityRef[] {
  const satisfied = new Set<string>();
  const linkedEmployees = new Set<number>();
  for (const link of links) {
    if (link.fromDs !== ds) continue;
    if (link.rule === 'hris') linkedEmployees.add(link.fromNode);
    else if (link.via !== '') satisfied.add(`${link.fromNode}\u0000${link.rule}\u0000${link.via.toLowerCase()}`);
  }
  return refs.filter((ref) => {
    const rule = RULE_OF_ASK[splitKind(ref.source).kind];
    if (rule === undefined) return false;
    if (EMPLOYEE_ASKS.has(ref.source)) return ref.source === ASK.employeeId && !linkedEmployees.has(ref.node);
    return !satisfied.has(`${ref.node}\u0000${rule}\u0000${ref.identity.toLowerCase()}`);
  });
}

/**
 * One warning per unlinked string (ignoring case) and kind, with the prefix Veza uses for
 * identities and `idp` bindings ("Cannot find identity by names": oaaclient's live tests count
 * warnings that start with it); `graph` names the nodes that asked.
 */
export function unlinkedWarnings(graph: DerivedGraph, unlinked: readonly IdentityRef[]): PayloadWarning[] {
  const seen = new Set<string>();
  const warnings: PayloadWarning[] = [];
  for (const ref of unlinked) {
    const { kind, qualifier } = splitKind(ref.source);
    const key = `${kind}\u0000${qualifier ?? ''}\u0000${ref.identity.toLowerCase()}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const node = graph.nodes[ref.node]!;
    const who = `${node.kind.replace(/_/g, ' ').replace(/^idp /, 'IdP ').replace(/^hris /, '')} "${node.localKey}"`;
    switch (kind) {
      case ASK.identities:
      case ASK.idpBinding:
        warnings.push({ path: '', code: 'unmatched_identity', message: `Cannot find identity by names: "${ref.identity}" matches no user or group of an identity provider data source` });
        break;
      case ASK.userSourceIdentity:
      case ASK.groupSourceIdentity:
        warnings.push({
          path: '',
          code: 'unmatched_source_identity',
          message: `source_identity "${ref.identity}" (${qualifier}) of ${who} matches no ${kind === ASK.userSourceIdentity ? 'user' : 'group'} of another identity provider of that type`,
        });
        break;
      case ASK.owned:
        warnings.push({ path: '', code: 'unmatched_owned_entity', message: `entities_owned ${qualifier} "${ref.identity}" of ${who} is no node of any data source` });
        break;
      default:
        warnings.push({ path: '', code: 'unmatched_employee', message: `employee "${node.localKey}" matches no identity provider user by idp_id, email or id` });
    }
  }
  return warnings;
}

/**
 * The stable node keys derivations give entities (lower-cased, unique within a data source). One
 * place, because two things must agree on them: the derivations that make the nodes, and an
 * incremental push that names nodes whose tags it removes (tags are kept by node key, additive
 * across pushes, so only a removal by key takes one away).
 */

/** An application: `app:<name>`. */
export function applicationNodeKey(appKey: string): string {
  return `app:${appKey}`;
}

/** Segments of an application's entities in their node keys. */
export type AppEntitySegment = 'user' | 'group' | 'role' | 'cred' | 'permission' | 'resource';

/** An entity of an application: `app:<name>/user:<id or name>`; a resource's key is its dotted path of keys. */
export function appEntityNodeKey(appKey: string, segment: AppEntitySegment, key: string): string {
  return `${applicationNodeKey(appKey)}/${segment}:${key}`;
}

/** An IdP identity an application's entries bind (`identity_type: "idp"`): `idp:<identity>`, one node per data source. */
export function idpIdentityNodeKey(identity: string): string {
  return `idp:${identity.toLowerCase()}`;
}

/** Segments of an identity provider's entities in their node keys. */
export type IdpSegment = 'domain' | 'user' | 'group' | 'app';

/** An entity of an identity provider: `user:<identity>`, `domain:<name>`. */
export function idpNodeKey(segment: IdpSegment, key: string): string {
  return `${segment}:${key}`;
}

/** An entity of an HRIS: `employee:<id or employee number>`, `group:<id>`, `system:<id>`. */
export function hrisNodeKey(segment: 'system' | 'group' | 'employee', key: string): string {
  return `${segment}:${key}`;
}

/** Node type of the AWS IAM roles IdP principals may assume (spec §13.1, external entities). */
export const AWS_ROLE_NODE_TYPE = 'AwsIamRole';

/** Something another system holds (an AWS role, an owned entity), by node type and id: `ext:<node type>:<id>`. */
export function externalNodeKey(nodeType: string, id: string): string {
  return `ext:${nodeType.toLowerCase()}:${id.toLowerCase()}`;
}

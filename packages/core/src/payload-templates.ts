import type { ApplicationPayload, CustomTemplate, HrisPayload, IdpPayload } from '@accessgraph/contract';
import { deriveApplicationGraph } from './application/derive-application.js';
import { readApplicationPayload } from './application/read-application.js';
import type { DerivedGraph, NodeKind } from './graph/derived-graph.js';
import { deriveHrisGraph } from './hris/derive-hris.js';
import { normaliseHrisPayload } from './hris/normalise-hris.js';
import { readHrisPayload } from './hris/read-hris.js';
import { deriveIdpGraph } from './idp/derive-idp.js';
import { readIdpPayload } from './idp/read-idp.js';
import type { IssueCollector } from './payload/issues.js';

/**
 * What each OAA template does with a payload: bring it to its canonical form (before the shape
 * check), read its meaning into a model (after it), and derive the graph from the model. The
 * reader returns the derivation rather than the model, so the push pipeline handles every
 * template alike; the model lives until the derivation runs, and no longer.
 */
export interface PayloadTemplate {
  /** The payload in the form the template's schema describes (HRIS accepts a second form). */
  normalise(payload: unknown, issues: IssueCollector): unknown;
  /** Checks the meaning of a payload the schema accepted; the derivation is meaningful only without errors. */
  read(payload: unknown, issues: IssueCollector): () => DerivedGraph;
  /** Every kind of node its derivation makes: a search for another kind need not read its data sources. */
  nodeKinds: readonly NodeKind[];
}

const asIs = (payload: unknown) => payload;

export const PAYLOAD_TEMPLATES: Record<CustomTemplate, PayloadTemplate> = {
  application: {
    normalise: asIs,
    read(payload, issues) {
      const model = readApplicationPayload(payload as ApplicationPayload, issues);
      return () => deriveApplicationGraph(model);
    },
    nodeKinds: ['application', 'local_user', 'local_group', 'local_role', 'access_cred', 'permission', 'resource', 'idp_identity'],
  },
  identity_provider: {
    normalise: asIs,
    read(payload, issues) {
      const model = readIdpPayload(payload as IdpPayload, issues);
      return () => deriveIdpGraph(model);
    },
    // External: the entities of other systems its users may assume or own (AWS roles, owned entities).
    nodeKinds: ['idp_domain', 'idp_user', 'idp_group', 'idp_app', 'external'],
  },
  hris: {
    normalise: normaliseHrisPayload,
    read(payload, issues) {
      const model = readHrisPayload(payload as HrisPayload, issues);
      return () => deriveHrisGraph(model);
    },
    nodeKinds: ['hris_system', 'hris_employee', 'hris_group'],
  },
};

const TEMPLATE_NAMES: Record<CustomTemplate, string> = {
  application: 'Custom Application',
  identity_provider: 'Custom Identity Provider',
  hris: 'HRIS',
};

/** Top-level fields only one template has (compared as HRIS normalises them: lower case, `_` for spaces). */
const MARKERS: Record<CustomTemplate, readonly string[]> = {
  application: ['applications', 'permissions', 'identity_to_permissions'],
  identity_provider: ['idp_type', 'idp_description', 'domains', 'users', 'apps', 'identity_mapping_configuration'],
  hris: ['hris_type', 'system', 'employees'],
};

/**
 * Why a payload does not belong to `template`, when it plainly belongs to another: it has fields
 * only another template has, and none only its own has (spec §12.1, "template mismatch"). A
 * payload with fields of both is left to the schema, which names each unknown field.
 */
export function templateMismatch(payload: unknown, template: CustomTemplate): string | undefined {
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) return undefined;
  const fields = new Set(Object.keys(payload).map((key) => key.trim().toLowerCase().replace(/\s+/g, '_')));
  if (MARKERS[template].some((field) => fields.has(field))) return undefined;
  for (const other of Object.keys(MARKERS) as CustomTemplate[]) {
    const found = MARKERS[other].filter((field) => fields.has(field));
    if (other === template || found.length === 0) continue;
    return (
      `this is a ${TEMPLATE_NAMES[other]} payload (it has ${found.map((f) => `"${f}"`).join(', ')}), but the provider uses the ` +
      `${TEMPLATE_NAMES[template]} template (custom_template "${template}"); push it to a provider created with custom_template "${other}"`
    );
  }
  return undefined;
}

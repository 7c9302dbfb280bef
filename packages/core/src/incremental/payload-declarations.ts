import type { CustomTemplate } from '@accessgraph/contract';
import { lowerKey, objectsOf } from './collection-spec.js';
import type { PayloadDeclarations } from './stored-slice.js';

/**
 * A payload's top-level declarations, kept with its state for the changes made by difference (the
 * small payload a change is applied to repeats them): an application's custom property definitions
 * and permissions, an identity provider's name, type, description and definitions, an HRIS' name,
 * type and definitions.
 */
export function payloadDeclarations(template: CustomTemplate, payload: unknown): PayloadDeclarations {
  const fields = payload as Record<string, unknown>;
  if (template === 'application') return { custom_property_definition: fields.custom_property_definition, permissions: fields.permissions, emptyEntries: emptyEntryIdentities(fields) };
  if (template === 'identity_provider') {
    const { name, idp_type, idp_description, custom_property_definition } = fields;
    return { name, idp_type, idp_description, custom_property_definition };
  }
  const { name, hris_type, custom_property_definition } = fields;
  return { name, hris_type, custom_property_definition };
}

/**
 * The identities (lower-cased) of an application payload's entries that hold no binding: the graph
 * shows an entry only through its bindings, so these are kept beside it, for a change that adds an
 * entry to tell one that exists empty (which the add would collide with) from none.
 */
export function emptyEntryIdentities(payload: Record<string, unknown>): string[] {
  const empty = new Set<string>();
  for (const entry of objectsOf(payload, 'identity_to_permissions')) {
    const identity = lowerKey(entry.identity);
    if (identity !== undefined && objectsOf(entry, 'role_assignments').length === 0 && objectsOf(entry, 'application_permissions').length === 0) empty.add(identity);
  }
  return [...empty];
}

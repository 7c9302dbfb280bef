import type { CustomTemplate } from '@accessgraph/contract';
import type { PayloadDeclarations } from './stored-slice.js';

/**
 * A payload's top-level declarations, kept with its state for the changes made by difference (the
 * small payload a change is applied to repeats them): an application's custom property definitions
 * and permissions, an identity provider's name, type, description and definitions, an HRIS' name,
 * type and definitions.
 */
export function payloadDeclarations(template: CustomTemplate, payload: unknown): PayloadDeclarations {
  const fields = payload as Record<string, unknown>;
  if (template === 'application') return { custom_property_definition: fields.custom_property_definition, permissions: fields.permissions };
  if (template === 'identity_provider') {
    const { name, idp_type, idp_description, custom_property_definition } = fields;
    return { name, idp_type, idp_description, custom_property_definition };
  }
  const { name, hris_type, custom_property_definition } = fields;
  return { name, hris_type, custom_property_definition };
}

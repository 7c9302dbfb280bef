import type { MappingTransformation } from '../idp/model.js';

/**
 * An identity mapping rule's transformations, applied to both sides before they are compared
 * (spec §6.6): IGNORE_DOMAIN drops `@` and what follows, IGNORE_SPECIAL drops `_`, `-` and `.`.
 * The domain goes first, so `first.last@corp.example` becomes `firstlast` with both.
 */
export function transform(value: string, transformations: readonly MappingTransformation[]): string {
  let result = value;
  if (transformations.includes('IGNORE_DOMAIN')) {
    const at = result.indexOf('@');
    if (at >= 0) result = result.slice(0, at);
  }
  if (transformations.includes('IGNORE_SPECIAL')) result = result.replace(/[_.-]/g, '');
  return result;
}

import { MAX_NAME_BYTES } from '@accessgraph/contract';
import { issue, type ValidationIssue } from './validation-issue.js';

/** The length rule of provider and data source names (the character rule is in the schema). */
export function checkNameLength(name: string, path = 'name'): ValidationIssue[] {
  const bytes = Buffer.byteLength(name, 'utf8');
  return bytes > MAX_NAME_BYTES
    ? [issue(path, 'too_long', `name is ${bytes} bytes; the limit is ${MAX_NAME_BYTES}`)]
    : [];
}

/** Names are unique case-insensitively (oaaclient's name lookups ignore case). */
export function nameKey(name: string): string {
  return name.toLowerCase();
}

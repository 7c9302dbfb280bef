import type { ProviderCreate } from '@accessgraph/contract';
import { checkNameLength } from './names.js';
import { issue, type ValidationIssue } from './validation-issue.js';

/** Rules of a provider create that a schema cannot express. */
export function checkProviderCreate(body: ProviderCreate): ValidationIssue[] {
  const issues = checkNameLength(body.name);
  if (body.external_lifecycle_management_type !== undefined && body.custom_template !== 'application') {
    issues.push(
      issue(
        'external_lifecycle_management_type',
        'application_only',
        `external_lifecycle_management_type is only allowed with custom_template "application", not "${body.custom_template}"`,
      ),
    );
  }
  return issues;
}

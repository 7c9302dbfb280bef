import type { ApplicationPayload } from '@accessgraph/contract';
import { at, type IssueCollector } from '../payload/issues.js';
import { checkField, checkStrings } from '../payload/strings.js';
import { rejectOperation } from '../payload/entity-common.js';
import type { PermissionEntity } from './model.js';

/** Reads the payload-wide permission definitions, keyed by lower-cased name. */
export function readPermissions(payload: ApplicationPayload, issues: IssueCollector): Map<string, PermissionEntity> {
  const permissions = new Map<string, PermissionEntity>();
  payload.permissions?.forEach((permission, i) => {
    const path = at('permissions', i);
    if (permission.operation != null) rejectOperation(path, issues);
    checkField(permission.name, path, 'name', issues);
    checkStrings(permission.resource_types, path, 'resource_types', issues);
    const key = permission.name.toLowerCase();
    if (permissions.has(key)) {
      issues.error(at(path, 'name'), 'duplicate_key', `permission "${permission.name}" is defined twice (names ignore case)`);
      return;
    }
    if (permission.permission_type.length === 0) {
      issues.warn(at(path, 'permission_type'), 'no_permission_type', `permission "${permission.name}" has no permission_type; it grants nothing canonical`);
    }
    const applicationTypes = permission.application_type == null ? [] : [permission.application_type].flat();
    permissions.set(key, {
      key,
      name: permission.name,
      path,
      types: [...new Set(permission.permission_type)],
      inherit: permission.apply_to_sub_resources === true,
      resourceTypes: [...new Set((permission.resource_types ?? []).map((t) => t.toLowerCase()))],
      applicationTypes: applicationTypes.map((t) => t.toLowerCase()),
    });
  });
  return permissions;
}

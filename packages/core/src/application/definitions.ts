import type { ApplicationPayload, PropertyType } from '@accessgraph/contract';
import { readDefinitions } from '../payload/custom-properties.js';
import { at, type IssueCollector } from '../payload/issues.js';
import { checkField } from '../payload/strings.js';

/** The custom properties declared for one application type, by entity kind. */
export interface AppTypeDefinitions {
  application: Map<string, PropertyType>;
  localUser: Map<string, PropertyType>;
  localGroup: Map<string, PropertyType>;
  localRole: Map<string, PropertyType>;
  accessCred: Map<string, PropertyType>;
  roleAssignment: Map<string, PropertyType>;
  /** By lower-cased resource type. */
  resources: Map<string, Map<string, PropertyType>>;
}

/** Reads `custom_property_definition.applications`, keyed by lower-cased application_type. */
export function readApplicationDefinitions(payload: ApplicationPayload, issues: IssueCollector): Map<string, AppTypeDefinitions> {
  const byType = new Map<string, AppTypeDefinitions>();
  const path = 'custom_property_definition.applications';
  payload.custom_property_definition?.applications?.forEach((entry, i) => {
    const entryPath = at(path, i);
    checkField(entry.application_type, entryPath, 'application_type', issues);
    const typeKey = entry.application_type.toLowerCase();
    if (byType.has(typeKey)) {
      issues.error(at(entryPath, 'application_type'), 'duplicate_definition', `application_type "${entry.application_type}" is defined twice`);
      return;
    }
    const resources = new Map<string, Map<string, PropertyType>>();
    entry.resources?.forEach((resource, j) => {
      const resourcePath = at(at(entryPath, 'resources'), j);
      const resourceKey = resource.resource_type.toLowerCase();
      if (resources.has(resourceKey)) {
        issues.error(at(resourcePath, 'resource_type'), 'duplicate_definition', `resource_type "${resource.resource_type}" is defined twice`);
        return;
      }
      resources.set(resourceKey, readDefinitions(resource.properties, at(resourcePath, 'properties'), issues));
    });
    byType.set(typeKey, {
      application: readDefinitions(entry.application_properties, at(entryPath, 'application_properties'), issues),
      localUser: readDefinitions(entry.local_user_properties, at(entryPath, 'local_user_properties'), issues),
      localGroup: readDefinitions(entry.local_group_properties, at(entryPath, 'local_group_properties'), issues),
      localRole: readDefinitions(entry.local_role_properties, at(entryPath, 'local_role_properties'), issues),
      accessCred: readDefinitions(entry.local_access_creds_properties, at(entryPath, 'local_access_creds_properties'), issues),
      roleAssignment: readDefinitions(entry.role_assignment_properties, at(entryPath, 'role_assignment_properties'), issues),
      resources,
    });
  });
  return byType;
}

import type { ApplicationPayload } from '@accessgraph/contract';
import { readCustomProperties } from '../payload/custom-properties.js';
import { builtIns, rejectOperation } from '../payload/entity-common.js';
import { at, type IssueCollector } from '../payload/issues.js';
import { checkField } from '../payload/strings.js';
import { readTags } from '../payload/tags.js';
import { readBindings } from './bindings.js';
import { readApplicationDefinitions } from './definitions.js';
import { readCreds, readGroups, readRoles, readUsers } from './local-entities.js';
import type { AppEntity, ApplicationModel } from './model.js';
import { readPermissions } from './permissions.js';
import { checkReferences } from './references.js';
import { readResources } from './resources.js';

const APP_FIELDS = ['application_type', 'description', 'okta_app_id'] as const;

/**
 * Checks the meaning of a full Custom Application payload whose shape the schema has accepted,
 * reporting every problem with its JSON path into `issues`, and returns the resolved model.
 * The model is only meaningful when no error was reported.
 */
export function readApplicationPayload(payload: ApplicationPayload, issues: IssueCollector): ApplicationModel {
  const definitions = readApplicationDefinitions(payload, issues);
  const permissions = readPermissions(payload, issues);
  const apps = new Map<string, AppEntity>();
  if (!payload.applications || payload.applications.length === 0) {
    issues.error('applications', 'required', 'a payload must contain at least one application');
  }
  payload.applications?.forEach((app, i) => {
    const path = at('applications', i);
    checkField(app.name, path, 'name', issues);
    checkField(app.application_type, path, 'application_type', issues);
    checkField(app.description, path, 'description', issues);
    checkField(app.okta_app_id, path, 'okta_app_id', issues);
    if (app.operation != null) rejectOperation(path, issues);
    if (app.dynamic_properties != null) {
      issues.warn(at(path, 'dynamic_properties'), 'deprecated', 'dynamic_properties is deprecated and ignored; use custom_properties');
    }
    const key = app.name.toLowerCase();
    if (apps.has(key)) {
      issues.error(at(path, 'name'), 'duplicate_key', `application "${app.name}" appears twice in the payload (names ignore case)`);
      return;
    }
    const defs = definitions.get(app.application_type.toLowerCase());
    const entity: AppEntity = {
      key,
      localKey: app.name,
      name: app.name,
      path,
      type: app.application_type,
      properties: readCustomProperties(app.custom_properties, defs?.application, path, 'applications', issues, builtIns(app, APP_FIELDS)),
      tags: readTags(app.tags, path, issues),
      users: readUsers(app, path, defs, issues),
      groups: readGroups(app, path, defs, issues),
      roles: readRoles(app, path, defs, issues),
      creds: readCreds(app, path, defs, issues),
      resources: readResources(app.resources, path, defs, issues),
    };
    checkReferences(entity, permissions, issues);
    apps.set(key, entity);
  });
  const bindings = readBindings(payload, { apps, permissions, definitions, issues });
  return { applications: [...apps.values()], permissions, bindings };
}

import type { ApplicationPayload, OaaIdentityToPermission, OaaResource, PropertyType } from '@accessgraph/contract';
import { ApplicationCsvBuilder, type Grant } from './application-csv-builder.js';
import { CSV_DESTINATIONS, findProperty } from './csv-destinations.js';
import { isMapped, type CsvMapContext } from './csv-map-context.js';
import { customDefinitions } from './custom-definitions.js';

const SETTINGS = 'csv_mapping_configuration.application';

/**
 * Maps CSV rows onto the Custom Application template: one application, named by the mapping's
 * `application` settings (or the push's name and type), whose users, groups, roles, resources,
 * permissions and bindings the rows make (see ApplicationCsvBuilder).
 */
export function mapApplicationCsv(ctx: CsvMapContext): ApplicationPayload {
  const settings = ctx.mapping.application ?? {};
  const name = ctx.overrides.name || settings.application_name || ctx.providerName;
  const type = ctx.overrides.type || settings.application_type || name;
  if (isMapped(ctx, 'resource') && !isMapped(ctx, 'resource', 'resource_type') && !settings.resource_type) {
    ctx.issues.configuration.error(`${SETTINGS}.resource_type`, 'required', 'columns map to resources, so a resource_type is needed (here or in a column mapped to resource.resource_type)');
  }
  const builder = new ApplicationCsvBuilder(ctx, { identityProperties: readIdentitySettings(ctx), resourceType: settings.resource_type });
  for (const row of ctx.rows) builder.addRow(row);

  const definitions = customDefinitions(ctx, {
    application: 'application_properties',
    local_user: 'local_user_properties',
    local_group: 'local_group_properties',
    local_role: 'local_role_properties',
  });
  const resourceDefinitions = resourcePropertyDefinitions(ctx, builder.resources.items);
  return {
    applications: [
      {
        name,
        application_type: type,
        ...(settings.okta_app_id ? { okta_app_id: settings.okta_app_id } : {}),
        ...(Object.keys(builder.applicationProperties).length > 0 ? { custom_properties: builder.applicationProperties } : {}),
        local_users: builder.users.items,
        local_groups: builder.groups.items,
        local_roles: builder.roles.items,
        resources: builder.resources.items,
      },
    ],
    permissions: builder.permissions.items,
    identity_to_permissions: bindings(ctx, builder, name),
    custom_property_definition: {
      applications: [{ application_type: type, ...definitions, ...(resourceDefinitions.length > 0 ? { resources: resourceDefinitions } : {}) }],
    },
  };
}

/** The user properties `application.identity` names, whose values become the user's identities too. */
function readIdentitySettings(ctx: CsvMapContext): string[] {
  const destination = CSV_DESTINATIONS.application.local_user!;
  const properties: string[] = [];
  (ctx.mapping.application?.identity ?? []).forEach((entry, i) => {
    const property = findProperty(destination, entry);
    if (property && destination.properties[property] === 'string') properties.push(property);
    else ctx.issues.configuration.error(`${SETTINGS}.identity[${i}]`, 'unknown_property', `"${entry}" is not a local_user property whose value can be an identity (id, name, email, user_type)`);
  });
  return properties;
}

/** One identity_to_permissions entry per user that holds a role or permission. */
function bindings(ctx: CsvMapContext, builder: ApplicationCsvBuilder, application: string): OaaIdentityToPermission[] {
  const entries: OaaIdentityToPermission[] = [];
  const scope = (grant: Grant) => ({
    ...(grant.onApplication ? { apply_to_application: true } : {}),
    ...(grant.resources.length > 0 ? { resources: grant.resources } : {}),
  });
  for (const [userKey, held] of builder.grants) {
    if (held.roles.size === 0 && held.permissions.size === 0) continue;
    const user = builder.users.get(userKey)!;
    const path = `identity_to_permissions[${entries.length}]`;
    ctx.sources.note(path, user.row);
    const roleAssignments = [...held.roles.values()].map((grant, i) => {
      ctx.sources.note(`${path}.role_assignments[${i}]`, grant.source.row, grant.source.column);
      return { application, role: grant.key, ...scope(grant) };
    });
    const applicationPermissions = [...held.permissions.values()].map((grant, i) => {
      ctx.sources.note(`${path}.application_permissions[${i}]`, grant.source.row, grant.source.column);
      return { application, permission: grant.key, ...scope(grant) };
    });
    entries.push({
      identity: user.entity.id ?? user.entity.name,
      identity_type: 'local_user',
      ...(roleAssignments.length > 0 ? { role_assignments: roleAssignments } : {}),
      ...(applicationPermissions.length > 0 ? { application_permissions: applicationPermissions } : {}),
    });
  }
  return entries;
}

/** Resource custom property definitions, for every resource type the CSV's resources have. */
function resourcePropertyDefinitions(ctx: CsvMapContext, resources: readonly OaaResource[]): Array<{ resource_type: string; properties: Record<string, PropertyType> }> {
  const { resource: properties } = customDefinitions(ctx, { resource: 'resource' });
  if (!properties) return [];
  const types = [...new Set(resources.map((r) => r.resource_type))];
  return types.map((resourceType) => ({ resource_type: resourceType, properties }));
}

import type { IdpPayload, OaaIdpGroup, OaaIdpUser } from '@accessgraph/contract';
import { entitiesOnRow, fillFromFirstRow, keyProperty, type CsvMapContext } from './csv-map-context.js';
import { customDefinitions } from './custom-definitions.js';
import { EntityBook } from './entity-book.js';
import type { Cell, RowValues } from './row-values.js';

const SETTINGS = 'csv_mapping_configuration.idp';

/**
 * Maps CSV rows onto the Custom Identity Provider template: one domain (the mapping's
 * `idp.domain`), one row per user (or per user and group). A user's first row sets its
 * properties; every row adds its groups, from a list column or from group columns.
 */
export function mapIdpCsv(ctx: CsvMapContext): IdpPayload {
  const settings = ctx.mapping.idp ?? {};
  const idpType = ctx.overrides.type || settings.idp_type;
  if (!idpType) ctx.issues.configuration.error(`${SETTINGS}.idp_type`, 'required', 'an identity provider CSV needs idp.idp_type (or the push\'s type)');
  if (!settings.domain) ctx.issues.configuration.error(`${SETTINGS}.domain`, 'required', 'an identity provider CSV needs idp.domain: the IdP\'s one domain');

  const users = new EntityBook<OaaIdpUser>();
  const groups = new EntityBook<OaaIdpGroup>();
  const ensureGroup = (key: string, name: string, row: RowValues, column: string) => {
    const found = groups.ensure(key, row.row, () => (key === name ? { name } : { name, identity: key }));
    if (found.created) ctx.sources.note(`groups[${found.index}]`, row.row, column);
    return found;
  };

  for (const row of ctx.rows) {
    const userKey = row.text('idp_user', keyProperty(ctx, 'idp_user') ?? 'name');
    if (!userKey) continue;
    const user = users.ensure(userKey.value, row.row, () => ({ name: userKey.value }));
    const userPath = `users[${user.index}]`;
    if (user.created) {
      ctx.sources.note(userPath, row.row);
      ctx.sources.note(`${userPath}.${keyProperty(ctx, 'idp_user') ?? 'name'}`, row.row, userKey.column);
      fillUser(ctx, row, user.entity, userPath, userKey);
    }
    const memberships: Array<Cell<string>> = [];
    for (const cell of row.list('idp_user', 'groups')) {
      ensureGroup(cell.value, cell.value, row, cell.column);
      memberships.push(cell);
    }
    for (const { key, name } of entitiesOnRow(ctx, row, 'idp_group')) {
      const group = ensureGroup(key.value, name, row, key.column);
      if (group.created) fillEntity(ctx, row, 'idp_group', group.entity, `groups[${group.index}]`);
      memberships.push(key);
    }
    for (const cell of memberships) addMembership(ctx, user.entity, cell, userPath, row);
  }

  const definitions = customDefinitions(ctx, { idp_user: 'user_properties', idp_group: 'group_properties' });
  return {
    name: ctx.overrides.name || ctx.providerName,
    ...(idpType ? { idp_type: idpType } : {}),
    domains: settings.domain ? [{ name: settings.domain }] : [],
    users: users.items,
    groups: groups.items,
    custom_property_definition: {
      domain_properties: {},
      user_properties: definitions.user_properties ?? {},
      group_properties: definitions.group_properties ?? {},
      app_properties: {},
      app_assignment_properties: {},
    },
  };
}

function fillUser(ctx: CsvMapContext, row: RowValues, user: OaaIdpUser, path: string, key: Cell<string>): void {
  if (keyProperty(ctx, 'idp_user') === 'identity') {
    const nameCell = row.text('idp_user', 'name');
    user.identity = key.value;
    user.name = nameCell?.value ?? key.value;
    if (nameCell) ctx.sources.note(`${path}.name`, row.row, nameCell.column);
  }
  fillEntity(ctx, row, 'idp_user', user, path);
}

function fillEntity(ctx: CsvMapContext, row: RowValues, kind: string, entity: object, path: string): void {
  fillFromFirstRow(ctx, row, kind, entity, path, ['identity', 'name']);
}

/** Adds `{identity: group}` to the user's groups once (ignoring case) and notes its cell. */
function addMembership(ctx: CsvMapContext, user: OaaIdpUser, cell: Cell<string>, path: string, row: RowValues): void {
  const list = (user.groups ??= []) as Array<{ identity: string }>;
  const lower = cell.value.toLowerCase();
  let index = list.findIndex((g) => g.identity.toLowerCase() === lower);
  if (index < 0) index = list.push({ identity: cell.value }) - 1;
  ctx.sources.note(`${path}.groups[${index}]`, row.row, cell.column);
}

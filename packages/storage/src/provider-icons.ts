import type { Kysely } from 'kysely';
import type { Database } from './database.js';
import { lower } from './keyset-list.js';
import { PROVIDER_TYPE_KINDS } from './row-mappers.js';
import type { StoredIcon } from './store.js';

/** Providers' icons: one per provider, replaced on each upload. */
export async function putProviderIcon(db: Kysely<Database>, icon: StoredIcon, now: string): Promise<void> {
  const row = { provider_id: icon.providerId, mime_type: icon.mimeType, icon_base64: icon.base64, updated_at: now };
  await db
    .insertInto('provider_icons')
    .values(row)
    .onConflict((oc) => oc.column('provider_id').doUpdateSet({ mime_type: row.mime_type, icon_base64: row.icon_base64, updated_at: now }))
    .execute();
}

export async function getProviderIcon(db: Kysely<Database>, providerId: string): Promise<StoredIcon | undefined> {
  const row = await db.selectFrom('provider_icons').selectAll().where('provider_id', '=', lower(providerId)).executeTakeFirst();
  return row && { providerId: row.provider_id, mimeType: row.mime_type as StoredIcon['mimeType'], base64: row.icon_base64 };
}

export async function deleteProviderIcon(db: Kysely<Database>, providerId: string): Promise<boolean> {
  const result = await db.deleteFrom('provider_icons').where('provider_id', '=', lower(providerId)).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

/** The icon of the oldest provider whose pushes declared a type of that name (any case). */
export async function findIconByType(
  db: Kysely<Database>,
  lookup: { schemaType?: string; nodeType?: string },
): Promise<StoredIcon | undefined> {
  const schemaKinds = [PROVIDER_TYPE_KINDS.application_types, PROVIDER_TYPE_KINDS.idp_types, PROVIDER_TYPE_KINDS.hris_types];
  const row = await db
    .selectFrom('provider_icons as i')
    .innerJoin('providers as p', 'p.id', 'i.provider_id')
    .innerJoin('provider_types as t', 't.provider_id', 'p.id')
    .select(['i.provider_id', 'i.mime_type', 'i.icon_base64'])
    .where((eb) =>
      eb.or([
        ...(lookup.schemaType !== undefined
          ? [eb.and([eb('t.type_key', '=', lower(lookup.schemaType)), eb('t.kind', 'in', schemaKinds)])]
          : []),
        ...(lookup.nodeType !== undefined
          ? [eb.and([eb('t.type_key', '=', lower(lookup.nodeType)), eb('t.kind', '=', PROVIDER_TYPE_KINDS.resource_types)])]
          : []),
      ]),
    )
    .orderBy('p.created_at')
    .orderBy('p.id')
    .limit(1)
    .executeTakeFirst();
  return row && { providerId: row.provider_id, mimeType: row.mime_type as StoredIcon['mimeType'], base64: row.icon_base64 };
}

import type { Kysely } from 'kysely';
import type { ProviderTypes } from '@accessgraph/contract';
import type { DialectCapabilities } from './capabilities.js';
import type { Database } from './database.js';
import { PROVIDER_TYPE_KINDS } from './row-mappers.js';
import { lockProvider } from './write-transaction.js';

/** Replaces a provider's declared types (one spelling per type, any case), in the caller's transaction. */
export async function writeProviderTypes(conn: Kysely<Database>, providerId: string, types: ProviderTypes): Promise<void> {
  await conn.deleteFrom('provider_types').where('provider_id', '=', providerId).execute();
  const rows = Object.entries(PROVIDER_TYPE_KINDS).flatMap(([field, kind]) =>
    [...new Map(types[field as keyof ProviderTypes].map((t) => [t.toLowerCase(), t]))].map(([typeKey, typeName]) => ({
      provider_id: providerId,
      kind,
      type_name: typeName,
      type_key: typeKey,
    })),
  );
  if (rows.length > 0) await conn.insertInto('provider_types').values(rows).execute();
}

/**
 * Sets a provider's declared types to the union of what its data sources' last pushes declared,
 * in the caller's write transaction.
 * Where two data sources spell a type differently, the spelling of `preferDs` (the data source
 * just pushed) wins, then the lowest data source number, so the answer is deterministic.
 */
export async function refreshProviderTypes(
  conn: Kysely<Database>,
  caps: DialectCapabilities,
  providerId: string,
  preferDs?: number,
): Promise<void> {
  await lockProvider(conn, caps, providerId);
  const rows = await conn
    .selectFrom('data_source_types as t')
    .innerJoin('data_sources as d', 'd.seq', 't.ds')
    .select(['t.ds', 't.kind', 't.type_name', 't.type_key'])
    .where('d.provider_id', '=', providerId)
    .orderBy('t.ds', 'desc')
    .execute();
  const ranked = [...rows.filter((r) => r.ds !== preferDs), ...rows.filter((r) => r.ds === preferDs)];
  const types: ProviderTypes = { application_types: [], resource_types: [], idp_types: [], hris_types: [] };
  const chosen = new Map<string, { field: keyof ProviderTypes; name: string }>();
  for (const row of ranked) {
    const field = (Object.keys(PROVIDER_TYPE_KINDS) as (keyof ProviderTypes)[]).find((f) => PROVIDER_TYPE_KINDS[f] === row.kind);
    if (field) chosen.set(`${row.kind}\u0000${row.type_key}`, { field, name: row.type_name });
  }
  for (const { field, name } of chosen.values()) types[field].push(name);
  await writeProviderTypes(conn, providerId, types);
}

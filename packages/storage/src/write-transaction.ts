import { sql, type Kysely } from 'kysely';
import type { DialectCapabilities } from './capabilities.js';
import type { Database } from './database.js';

/**
 * Runs `work` in one transaction on one connection, opened with the engine's write-transaction
 * statement (BEGIN IMMEDIATE on SQLite, see `DialectCapabilities.beginWrite`). Kysely's own
 * transactions always open with a plain BEGIN, hence the hand-rolled version. Holding the
 * connection also keeps every other query of this process off it, so raw statements on the
 * SQLite handle inside `work` belong to this transaction.
 */
export async function inWriteTransaction<T>(
  db: Kysely<Database>,
  caps: DialectCapabilities,
  work: (conn: Kysely<Database>) => Promise<T>,
): Promise<T> {
  return db.connection().execute(async (conn) => {
    await sql.raw(caps.beginWrite).execute(conn);
    let result: T;
    try {
      result = await work(conn);
    } catch (error) {
      await rollbackQuietly(conn);
      throw error;
    }
    try {
      await sql`commit`.execute(conn);
    } catch (error) {
      // A failed COMMIT (e.g. SQLite busy) may leave the transaction open: end it here.
      await rollbackQuietly(conn);
      throw error;
    }
    return result;
  });
}

async function rollbackQuietly(conn: Kysely<Database>): Promise<void> {
  try {
    await sql`rollback`.execute(conn);
  } catch {
    // Already rolled back by the engine (or the connection is gone, which rolls back too);
    // the caller's error is the one worth reporting.
  }
}

/**
 * Arbitrary but fixed first halves of our two-key advisory locks, so they cannot collide with
 * single-key locks (Kysely's migration lock), with each other, or with another application's.
 */
const DATA_SOURCE_LOCKS = 0x41_47_50_53; // "AGPS"
const PROVIDER_LOCKS = 0x41_47_50_50; // "AGPP"
const LINK_LOCKS = 0x41_47_50_4c; // "AGPL"
const ASSESSMENT_LOCKS = 0x41_47_50_41; // "AGPA"
const OKTA_SSO_LOCKS = 0x41_47_50_4f; // "AGPO"

/** Serializes writers of one data source until the transaction ends (PostgreSQL only). */
export async function lockDataSource(conn: Kysely<Database>, caps: DialectCapabilities, seq: number): Promise<void> {
  if (caps.advisoryLocks) await advisoryLock(conn, DATA_SOURCE_LOCKS, seq);
}

/**
 * Serializes the writers of a provider's declared types (pushes to its different data sources
 * recompute them) until the transaction ends, so each recomputation reads the others' results
 * instead of racing them (PostgreSQL only). Take it last and briefly: it is shared by all of the
 * provider's data sources. A hash collision only makes two providers wait for each other.
 */
export async function lockProvider(conn: Kysely<Database>, caps: DialectCapabilities, providerId: string): Promise<void> {
  if (caps.advisoryLocks) await advisoryLock(conn, PROVIDER_LOCKS, fnv1a32(providerId.toLowerCase()));
}

/**
 * Serializes the identity-link phases of pushes until the transaction ends (PostgreSQL only;
 * SQLite has one writer anyway): see `relinkDataSource`. Taken late in a push, after its graph
 * is built, and held to its commit.
 */
export async function lockIdentityLinks(conn: Kysely<Database>, caps: DialectCapabilities): Promise<void> {
  if (caps.advisoryLocks) await advisoryLock(conn, LINK_LOCKS, 0);
}

/**
 * Serializes writers of saved queries and reports until the transaction ends (PostgreSQL only):
 * "is this query used by a report" and "do these queries exist" must still hold when the delete or
 * the report write that asked commits. These writes are rare and short, so one lock for all is enough.
 */
export async function lockAssessments(conn: Kysely<Database>, caps: DialectCapabilities): Promise<void> {
  if (caps.advisoryLocks) await advisoryLock(conn, ASSESSMENT_LOCKS, 0);
}

/**
 * Orders Okta SSO enrichment against pushes until the transaction ends (PostgreSQL only):
 * application pushes take it `shared` first thing (they do not wait for each other), an import of
 * sign-in activity or a change of the matching property `exclusive`, so a recomputation sees no
 * push half done and a push reads activity either before an import or after it, never between.
 */
export async function lockOktaSso(conn: Kysely<Database>, caps: DialectCapabilities, mode: 'shared' | 'exclusive'): Promise<void> {
  if (!caps.advisoryLocks) return;
  if (mode === 'shared') await sql`select pg_advisory_xact_lock_shared(cast(${OKTA_SSO_LOCKS} as integer), cast(0 as integer))`.execute(conn);
  else await advisoryLock(conn, OKTA_SSO_LOCKS, 0);
}

async function advisoryLock(conn: Kysely<Database>, namespace: number, key: number): Promise<void> {
  await sql`select pg_advisory_xact_lock(cast(${namespace} as integer), cast(${key} as integer))`.execute(conn);
}

/** 32-bit FNV-1a as a signed integer (the lock key's type). */
function fnv1a32(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  return hash | 0;
}

import { createHash } from 'node:crypto';
import type pg from 'pg';

/**
 * Marks a query to run as a named prepared statement on the connections that read access
 * (`preparingPool`). Such a query must have a text that does not vary with its values (lists as
 * one array parameter: `GraphStorage.idIn`), since each text is prepared once per connection
 * and kept for the connection's life.
 */
export const PREPARED = '/* prepared */ ';

/**
 * The pool, as Kysely's PostgresDialect uses it (connect, query, release, end), with the queries
 * whose text starts with PREPARED sent as named prepared statements: PostgreSQL parses and plans
 * each once per connection (a generic plan, `plan_cache_mode = force_generic_plan` on these
 * connections) and then only executes it. An IdP user's access runs two such queries per
 * application data source it reaches; planning them (0.5 ms each, five joined tables) cost more
 * than running them (0.1-0.2 ms). Kysely sends every query unnamed, so this is done here, in the
 * one place that sees the text before the driver.
 */
export function preparingPool(pool: pg.Pool): pg.Pool {
  const connect = async () => {
    const client = await pool.connect();
    return new Proxy(client, {
      get(target, property, receiver) {
        if (property !== 'query') return Reflect.get(target, property, receiver) as unknown;
        return (text: unknown, values?: unknown[]) =>
          typeof text === 'string' && text.startsWith(PREPARED) ? target.query({ name: statementName(text), text, values: values ?? [] }) : target.query(text as string, values);
      },
    });
  };
  return new Proxy(pool, {
    get(target, property, receiver) {
      return property === 'connect' ? connect : (Reflect.get(target, property, receiver) as unknown);
    },
  });
}

/**
 * Names already given, by text: an IdP user's access sends two dozen marked queries of 1-2 KB, and
 * hashing each anew took 0.1 ms of every answer (a CPU profile of the server), where a lookup takes
 * microseconds. The texts are few (a few dozen shapes per data source); past NAMES_KEPT, all go.
 */
const names = new Map<string, string>();
const NAMES_KEPT = 10_000;

function statementName(text: string): string {
  let name = names.get(text);
  if (name === undefined) {
    if (names.size >= NAMES_KEPT) names.clear();
    name = `ag_${createHash('sha1').update(text).digest('hex').slice(0, 24)}`;
    names.set(text, name);
  }
  return name;
}

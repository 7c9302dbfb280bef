import type { FastifyInstance } from 'fastify';

/** The spellings of a boolean that clients send: Python's urlencode `True` / `False`, `TRUE`, `1` / `0`. */
const SPELLINGS: Readonly<Record<string, 'true' | 'false'>> = { true: 'true', false: 'false', '1': 'true', '0': 'false' };

interface QuerySchema {
  properties?: Record<string, { type?: unknown }>;
}

/**
 * Lets every boolean query parameter take the spellings clients send. The query string's
 * validator coerces only `true` and `false` (Ajv's rule); this rewrites the other spellings of a
 * parameter that the route's schema types as boolean, before validation, so `total=True` from
 * Python means what `total=true` means. Only boolean parameters are touched: a string parameter
 * keeps `True` as sent, and a value that is no boolean at all is left for the validator's 400.
 */
export function installBooleanQuerySpellings(app: FastifyInstance): void {
  app.addHook('preValidation', async (request) => {
    const properties = (request.routeOptions.schema?.querystring as QuerySchema | undefined)?.properties;
    const query = request.query as Record<string, unknown> | undefined;
    if (properties === undefined || query === undefined || query === null) return;
    for (const [name, value] of Object.entries(query)) {
      if (typeof value !== 'string' || properties[name]?.type !== 'boolean') continue;
      const spelled = SPELLINGS[value.toLowerCase()];
      if (spelled !== undefined) query[name] = spelled;
    }
  });
}

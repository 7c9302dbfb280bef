import type { FastifyInstance } from 'fastify';

/**
 * Every body is parsed as JSON whatever its Content-Type says: the OAA docs' curl examples send
 * JSON with `-d`, which curl labels application/x-www-form-urlencoded, or with no type at all.
 * Fastify's own JSON parser is reused, so prototype-poisoning protection still applies.
 */
export function parseEveryBodyAsJson(app: FastifyInstance): void {
  const parse = app.getDefaultJsonParser('error', 'error');
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string' }, (request, body, done) => {
    // Clients that label every request as JSON send DELETEs with an empty body: that is no body.
    const text = body.toString();
    if (text.trim() === '') return done(null, undefined);
    return parse(request, text, done);
  });
}

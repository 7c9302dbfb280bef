import type { FastifyServerOptions } from 'fastify';
import { destination } from 'pino';

/**
 * Structured JSON logs (pino, through Fastify). Requests are logged with their id, method, URL,
 * client and user agent; the Authorization header is never logged, and redaction is a second
 * guard should a header object ever be logged.
 */
export function serverLogger(level: string): FastifyServerOptions['logger'] {
  return {
    level,
    // Synchronous writes: pino's buffered default tries to flush at exit and, when the reader of
    // stdout is gone (`serve | head`), retries forever, so the process could never stop.
    stream: destination({ dest: 1, sync: true }),
    redact: { paths: ['req.headers.authorization', 'headers.authorization', '*.authorization', 'key'], censor: '[redacted]' },
    serializers: {
      req(request: { method: string; url: string; ip?: string; headers: Record<string, unknown> }) {
        return {
          method: request.method,
          url: request.url,
          remote_address: request.ip,
          user_agent: request.headers['user-agent'],
        };
      },
    },
  };
}

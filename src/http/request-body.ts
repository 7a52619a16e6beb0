// Bodies are JSON whatever Content-Type says (curl -d sends form encoding by default, and a
// connector's callers are scripts), bounded by the body limit. Malformed JSON is a 400 that does
// not echo the body: it might hold an API key.
import type { FastifyInstance } from 'fastify';
import { ConnectorError } from '../errors.js';

/** Default body limit: 1 MiB, far above any action input (a product with 8 image URLs is < 20 KiB). */
export const DEFAULT_BODY_LIMIT_BYTES = 1024 * 1024;

declare module 'fastify' {
  interface FastifyRequest {
    /** The body exactly as received, for signature checks on the raw bytes (inbound Stripe webhooks). */
    rawBody: string | undefined;
  }
}

export function acceptJsonBodies(app: FastifyInstance): void {
  app.decorateRequest('rawBody', undefined);
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string' }, (request, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    request.rawBody = text;
    if (text.trim() === '') return done(null, undefined);
    try {
      done(null, JSON.parse(text));
    } catch {
      done(new ConnectorError(400, 'invalid_input', 'The request body is not valid JSON', [{ field: 'body', message: 'is not valid JSON' }]));
    }
  });
}

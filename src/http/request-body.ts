// Bodies are JSON whatever Content-Type says (curl -d sends form encoding by default, and a
// connector's callers are scripts), bounded by the body limit. Malformed JSON is a 400 that does
// not echo the body: it might hold an API key.
import type { FastifyInstance } from 'fastify';
import { ConnectorError, invalidInput } from '../errors.js';

/**
 * The field path (as the validators name fields: `a.b.0`, `body` for the whole body) of the first
 * string, key or value, that is not well-formed Unicode, or undefined. JSON's \\u escapes can spell a
 * lone surrogate that no UTF-8 encoder, URL encoder (the Stripe SDK's path ids) or database accepts,
 * so such input is refused at the edge instead of failing deep inside as a 500.
 */
/** A JSON escape of a UTF-16 surrogate half, the one way a body's text can carry one. */
const SURROGATE_ESCAPE = /\\u[dD][89abcdefABCDEF]/;

// In a /u regular expression a well-formed pair is one code point, so only a lone half matches.
const LONE_SURROGATE = /\p{Cs}/u;

export function firstIllFormedString(value: unknown, path: string[] = []): string | undefined {
  const name = (keys: string[]) => (keys.length === 0 ? 'body' : keys.join('.'));
  if (typeof value === 'string') return LONE_SURROGATE.test(value) ? name(path) : undefined;
  if (value === null || typeof value !== 'object') return undefined;
  for (const [key, inner] of Object.entries(value)) {
    if (LONE_SURROGATE.test(key)) return name([...path, key.replace(new RegExp(LONE_SURROGATE, 'gu'), '\uFFFD')]);
    const found = firstIllFormedString(inner, [...path, key]);
    if (found !== undefined) return found;
  }
  return undefined;
}

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
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      return done(new ConnectorError(400, 'invalid_input', 'The request body is not valid JSON', [{ field: 'body', message: 'is not valid JSON' }]));
    }
    // Only a \uD800–\uDFFF escape can spell a surrogate (decoding the bytes as UTF-8 never yields
    // one), so a body without such an escape is not walked: every action call passes here.
    const broken = SURROGATE_ESCAPE.test(text) ? firstIllFormedString(parsed) : undefined;
    if (broken !== undefined) {
      return done(invalidInput([{ field: broken, message: 'is not well-formed Unicode (it holds a lone UTF-16 surrogate, such as \\ud83d without its pair)' }]));
    }
    done(null, parsed);
  });
}

// Every /api/* route needs Authorization: Bearer <token>. Fails closed: a missing, malformed or
// unknown token is a 401 before any handler runs.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ConnectorError } from '../errors.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the auth hook on /api/* routes; '' elsewhere. */
    userId: string;
  }
}

// Tokens are ~47 characters; anything this long is not one and is not worth hashing.
const MAX_TOKEN_LENGTH = 512;

function unauthorized(message: string): ConnectorError {
  return new ConnectorError(401, 'unauthorized', message, undefined, { 'www-authenticate': 'Bearer' });
}

export function bearerTokenOf(request: FastifyRequest): string {
  const header = request.headers.authorization;
  if (typeof header !== 'string' || header === '') throw unauthorized('Missing Authorization: Bearer <token> header');
  const match = /^Bearer +([^\s]+) *$/i.exec(header);
  if (!match || (match[1] as string).length > MAX_TOKEN_LENGTH) throw unauthorized('Authorization must be "Bearer <token>"');
  return match[1] as string;
}

export function installAuth(app: FastifyInstance, authenticate: (token: string) => Promise<string | undefined>): void {
  app.decorateRequest('userId', '');
  app.addHook('onRequest', async (request) => {
    if (!request.url.startsWith('/api/') && request.url !== '/api') return;
    const userId = await authenticate(bearerTokenOf(request));
    if (!userId) throw unauthorized('The token is not valid');
    request.userId = userId;
  });
}

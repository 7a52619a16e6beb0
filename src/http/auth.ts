// Every route needs Authorization: Bearer <token> except the few named in PUBLIC_ROUTES. Fails
// closed: a missing, malformed or unknown token is a 401 before any handler runs.
//
// The decision is taken on the route the router matched, never on the raw URL: the router decodes
// percent-escapes (`/%61pi/connections` is `/api/connections`), so a prefix test on request.url let
// an encoded spelling through to the handler. A request that matches no route needs a token too, so
// an unauthenticated caller learns nothing from the difference between 404 and 401.
//
// A route that acts through one of the caller's connections (config.ownedConnectionParam names
// its path parameter) has the token and that connection read in one indexed query: the action
// route's two store reads per call become one (each SQLite read is its own read transaction:
// ≈ 41 + 24 µs of CPU as two reads against ≈ 25 µs as one, bench/actions/stages.ts). Both are
// still read from the store on every call, so a revoked token or a deleted connection takes
// effect on the very next call, in this process or any other sharing the store.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ConnectorError } from '../errors.js';
import type { ConnectionRow } from '../store/schema.js';
import type { AuthenticatedWithConnection } from '../users/tokens.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the auth hook on every route but PUBLIC_ROUTES; '' there. */
    userId: string;
    /**
     * On routes with config.ownedConnectionParam: the caller's connection named by that parameter,
     * or null when the id is unknown or another user's. Undefined on other routes.
     */
    ownedConnection: ConnectionRow | null | undefined;
  }
  interface FastifyContextConfig {
    /** The path parameter holding a connection id that the route acts through. Default: none. */
    ownedConnectionParam?: string;
  }
}

export interface Authenticators {
  /** The user a token belongs to, or undefined. */
  authenticate(token: string): Promise<string | undefined>;
  /** The same, with the user's connection `connectionId` read in the same query. */
  authenticateWithConnection(token: string, connectionId: string): Promise<AuthenticatedWithConnection | undefined>;
}

// Tokens are ~47 characters; anything this long is not one and is not worth hashing.
const MAX_TOKEN_LENGTH = 512;

/**
 * The only routes answered without a token, as "METHOD pattern" (the router's pattern, so no
 * spelling of a URL can reach them but the one route): liveness, readiness, the API description, Stripe's
 * inbound webhooks, which carry their own authentication (the Stripe-Signature over the raw body),
 * and the web console's static files.
 * HEAD is GET's automatic twin.
 */
export const PUBLIC_ROUTES: ReadonlySet<string> = new Set([
  'GET /healthz',
  'GET /readyz',
  'GET /openapi.json',
  'POST /webhooks/stripe/:connectionId',
  // The web console's page, script and styles: they hold no data (the page asks the API with the user's token).
  'GET /',
  'GET /console/:file',
]);

export function isPublicRoute(method: string, pattern: string | undefined): boolean {
  if (pattern === undefined) return false;
  return PUBLIC_ROUTES.has(`${method === 'HEAD' ? 'GET' : method} ${pattern}`);
}

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

export function installAuth(app: FastifyInstance, authenticators: Authenticators): void {
  app.decorateRequest('userId', '');
  app.decorateRequest('ownedConnection', undefined);
  app.addHook('onRequest', async (request) => {
    if (isPublicRoute(request.method, request.routeOptions.url)) return;
    const token = bearerTokenOf(request);
    const param = request.routeOptions.config.ownedConnectionParam;
    const connectionId = param === undefined ? undefined : (request.params as Record<string, string | undefined>)[param];
    if (connectionId === undefined) {
      const userId = await authenticators.authenticate(token);
      if (!userId) throw unauthorized('The token is not valid');
      request.userId = userId;
      return;
    }
    const found = await authenticators.authenticateWithConnection(token, connectionId);
    if (!found) throw unauthorized('The token is not valid');
    request.userId = found.userId;
    request.ownedConnection = found.connection ?? null;
  });
}

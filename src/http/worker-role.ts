// A process started with `serve --role worker` listens only so that probes and metrics can reach it:
// every other route, and any URL that matches none, is a 404 saying where the API is. Decided on
// the route the router matched, like authentication (auth.ts), and before it, so the answer is the
// same with or without a token.
import type { FastifyInstance } from 'fastify';
import { WORKER_ROLE_ROUTES } from '../app/roles.js';
import { ConnectorError } from '../errors.js';

export const WORKER_ROLE_MESSAGE =
  'This process runs the worker role (serve --role worker): it answers only /healthz, /readyz and /metrics. ' +
  'Send API requests and Stripe webhooks to a process started with --role api or --role all.';

export function answerOnlyWorkerRoutes(app: FastifyInstance): void {
  app.addHook('onRequest', async (request) => {
    const pattern = request.routeOptions.url;
    const method = request.method === 'HEAD' ? 'GET' : request.method;
    if (pattern !== undefined && WORKER_ROLE_ROUTES.has(`${method} ${pattern}`)) return;
    throw new ConnectorError(404, 'not_found', WORKER_ROLE_MESSAGE);
  });
}

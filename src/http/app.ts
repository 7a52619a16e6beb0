// The HTTP API (README.md and /openapi.json) as a fastify instance over the composed services. Tests call
// it through inject(); src/app/server.ts listens with it.
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance, type FastifyReply } from 'fastify';
import { createRequire } from 'node:module';
import type { Services } from '../app/services.js';
import { ConnectorError } from '../errors.js';
import { installAuth } from './auth.js';
import { answerClientError, connectionOptions } from './connection-limits.js';
import { authenticateWithConnection } from '../users/tokens.js';
import { installErrorHandling } from './error-handler.js';
import { buildOpenApi } from './openapi.js';
import { acceptJsonBodies, DEFAULT_BODY_LIMIT_BYTES } from './request-body.js';
import { installRequestLog } from './request-log.js';
import { answerOnlyWorkerRoutes } from './worker-role.js';
import { registerActionRoutes } from './routes/actions.js';
import { registerConnectionRoutes } from './routes/connections.js';
import { registerConsoleRoutes } from './routes/console.js';
import { registerDeliveryRoutes } from './routes/deliveries.js';
import { registerHealthRoutes } from './routes/health.js';
import { registerMetricsRoutes } from './routes/metrics.js';
import { registerOperationRoutes } from './routes/operations.js';
import { registerOverviewRoutes } from './routes/overview.js';
import { registerStreamRoutes } from './routes/stream.js';
import { registerPowerAutomateRoutes } from './routes/power-automate.js';
import { registerRunRoutes } from './routes/runs.js';
import { registerSubscriptionRoutes } from './routes/subscriptions.js';
import { registerStripeWebhookRoutes } from './routes/stripe-webhooks.js';
import { registerTokenRoutes } from './routes/tokens.js';
import { registerUserRoutes } from './routes/users.js';

const require = createRequire(import.meta.url);
const { version } = require('../../package.json') as { version: string };

export interface AppOptions {
  /** Largest accepted request body. Default 1 MiB (DEFAULT_BODY_LIMIT_BYTES). */
  bodyLimitBytes?: number;
}

export async function buildApp(services: Services, options: AppOptions = {}): Promise<FastifyInstance> {
  const bodyLimitBytes = options.bodyLimitBytes ?? DEFAULT_BODY_LIMIT_BYTES;
  const app: FastifyInstance = Fastify({
    loggerInstance: services.logger as FastifyBaseLogger,
    bodyLimit: bodyLimitBytes,
    ...connectionOptions(services.config),
    clientErrorHandler: answerClientError,
    // One line per request instead of fastify's two (request-log.ts). Through a LogController:
    // the top-level disableRequestLogging option is deprecated (FSTDEP023) and warned at every start.
    logController: new LogController({ disableRequestLogging: true }),
    // Ids are ~30 characters; a longer path segment is a 404 without reaching a handler.
    routerOptions: { maxParamLength: 200 },
    // Errors the router raises before any handler (a bad percent-encoding, an over-long id) get
    // the same JSON shape as every other error, without echoing the URL.
    frameworkErrors: (error, _request, reply) => {
      const status = error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 400;
      const body = new ConnectorError(status, 'invalid_input', 'The request URL is malformed or too long').toBody();
      void (reply as unknown as FastifyReply).code(status).send(body);
    },
    // Query strings are flat here; fastify's default parser keeps repeated keys as arrays, which the
    // query schemas then refuse by name.
  });
  // While draining (close() stops listening first), answer in-flight requests with Connection:
  // close, so their keep-alive sockets end with the response instead of holding the drain open.
  // A callback hook: an async one costs a promise on every response for a synchronous check.
  app.addHook('onSend', (_request, reply, payload, done) => {
    if (!app.server.listening) void reply.header('connection', 'close');
    done(null, payload);
  });
  acceptJsonBodies(app);
  installErrorHandling(app, bodyLimitBytes);
  if (services.config.role === 'worker') answerOnlyWorkerRoutes(app);
  installAuth(app, {
    authenticate: services.authenticate,
    authenticateWithConnection: (token, connectionId) => authenticateWithConnection(services.db, token, connectionId),
  });
  installRequestLog(app);

  registerHealthRoutes(app, services.readiness);
  const openApi = buildOpenApi(services, version);
  app.get('/openapi.json', async () => openApi);
  registerConnectionRoutes(app, services);
  registerActionRoutes(app, services);
  registerOperationRoutes(app, services);
  registerRunRoutes(app, services);
  registerSubscriptionRoutes(app, services);
  registerDeliveryRoutes(app, services);
  registerOverviewRoutes(app, services);
  registerStreamRoutes(app, services);
  registerPowerAutomateRoutes(app, services);
  registerStripeWebhookRoutes(app, services.inboundWebhooks);
  registerTokenRoutes(app, services);
  registerUserRoutes(app, services);
  registerMetricsRoutes(app, services);
  registerConsoleRoutes(app);
  // Beyond the cap Node closes a new connection at once, before it costs a parser or a handler.
  app.server.maxConnections = services.config.httpMaxConnections;
  await app.ready();
  return app;
}

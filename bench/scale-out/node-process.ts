// One connector node for the scale-out bench: the server `serve` starts (startServer: HTTP API,
// inbound webhooks, pollers, delivery worker) configured from the environment as `serve` is
// (DATA_DIR, DATABASE_URL, STRIPE_CONNECTOR_MASTER_KEY, …), with one difference `serve` has no
// switch for: the outgoing Stripe pace (25 requests/s for a test key) is raised to 1,000,000/s,
// as bench/actions does, so action calls/s show the connector's and the store's cost rather than
// Stripe's limit (the limiter stays in the path). It logs "stripe-connector listening" as `serve`
// does, one info line per request to its stdout, which the bench discards.
import { loadConfig } from '../../src/config.js';
import { startServer, stopOnSignals } from '../../src/app/server.js';

// Source-mapped stack traces: tsx turns them on, `node dist/…` in production does not, and the
// stripe SDK reads `new Error().stack` on every request, which under source maps costs tens of µs.
process.setSourceMapsEnabled(false);

const server = await startServer(loadConfig(process.env, { port: 0 }), { stripeRequestsPerSecond: 1_000_000 });
stopOnSignals(server, server.services.logger);
server.services.logger.info({ url: server.url }, 'stripe-connector listening');

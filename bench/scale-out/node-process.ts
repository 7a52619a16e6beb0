// One connector node for the scale-out bench's BENCH_SCALE_OUT_PACE=off runs: the server `serve`
// starts (startServer: HTTP API, inbound webhooks, pollers, delivery worker) configured from the
// environment as `serve` is (DATA_DIR, DATABASE_URL, STRIPE_CONNECTOR_MASTER_KEY, …), with one
// difference `serve` has no switch for: the outgoing Stripe pace is off (no limiter, so no store
// transaction per request for it). Raising the rate instead (a large number) would keep the
// store-kept pace in the path: the limiter still asks the store once per request or burst. The
// action throttle is untouched (ACTION_RATE_LIMIT from the environment). It logs
// "stripe-connector listening" as `serve` does, one info line per request to its stdout, which the
// bench discards.
import { loadConfig } from '../../src/config.js';
import { startServer, stopOnSignals } from '../../src/app/server.js';

// Source-mapped stack traces: tsx turns them on, `node dist/…` in production does not, and the
// stripe SDK reads `new Error().stack` on every request, which under source maps costs tens of µs.
process.setSourceMapsEnabled(false);

const server = await startServer(loadConfig(process.env, { port: 0 }), { stripeRequestsPerSecond: false });
stopOnSignals(server, server.services.logger);
server.services.logger.info({ url: server.url }, 'stripe-connector listening');

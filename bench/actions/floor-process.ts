// The floor under the connector, for the bench's arithmetic: a bare fastify server on the action
// route that does only what no connector can skip — parse the JSON body, make the same
// getCustomer call through a client from src/stripe/client.ts, answer JSON. No auth, store, run
// history, validation, throttle or log line. Stands in for connector-process.ts:
//   BENCH_CONNECTOR_FILE=./floor-process.ts npm run bench -- actions
// BENCH_FLOOR=http-only answers without calling Stripe (the HTTP layer alone). Default: the Stripe call.
import Fastify from 'fastify';
import { createStripeClient } from '../../src/stripe/client.js';
import { getCustomer } from '../../src/connector/actions/get-customer.js';
import { announceReady } from './control.js';

// As in connector-process.ts: `node dist/…` runs without source-mapped stacks.
process.setSourceMapsEnabled(false);

const [emulatorUrl, apiKey] = process.argv.slice(2) as [string, string];
const httpOnly = process.env.BENCH_FLOOR === 'http-only';
const stripe = createStripeClient({ apiKey, apiBase: emulatorUrl, requestsPerSecond: 1_000_000 });
const app = Fastify();
app.post<{ Body: { id: string } }>('/api/connections/:id/actions/:operation', async (request) =>
  httpOnly ? { id: request.body.id } : getCustomer.run({ stripe, idempotencyKey: 'floor' }, { id: request.body.id }),
);
const url = await app.listen({ port: 0, host: '127.0.0.1' });
announceReady({ url, token: 'none', connectionId: 'conn_floor' });
process.once('SIGTERM', () => void app.close().then(() => process.exit(0)));

// SCRATCH: floor variants. BENCH_FLOOR=bare-fastify | fastify-sdk | http-sdk
import Fastify from 'fastify';
import { createServer } from 'node:http';
import { createStripeClient } from '../../src/stripe/client.js';
import { getCustomer } from '../../src/connector/actions/get-customer.js';
import { announceReady } from './control.js';
process.setSourceMapsEnabled(false);
const [emulatorUrl, apiKey] = process.argv.slice(2) as [string, string];
const variant = process.env.BENCH_FLOOR ?? 'bare-fastify';
const stripe = createStripeClient({ apiKey, apiBase: emulatorUrl, requestsPerSecond: 1_000_000 });
let url: string;
if (variant === 'http-sdk' || variant === 'http-bare') {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString()) as { id: string };
      const send = (out: unknown) => { const s = JSON.stringify(out); res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(s) }); res.end(s); };
      if (variant === 'http-bare') return send({ id: body.id, ok: true });
      void getCustomer.run({ stripe, idempotencyKey: 'x' }, { id: body.id }).then(send);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
} else {
  const app = Fastify();
  app.post('/api/connections/:id/actions/:operation', async (request) => {
    const body = request.body as { id: string };
    if (variant === 'bare-fastify') return { id: body.id, ok: true };
    return getCustomer.run({ stripe, idempotencyKey: 'x' }, { id: body.id });
  });
  url = await app.listen({ port: 0, host: '127.0.0.1' });
}
announceReady({ url, token: 'x', connectionId: 'conn_x' });
process.once('SIGTERM', () => process.exit(0));

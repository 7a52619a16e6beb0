// A minimal Stripe at the network boundary, on 127.0.0.1 port 0, for what the emulator is not
// meant to play: a revoked key (401), a restricted key without balance access (403), a call held
// open until the test releases it, and a record of every request's Idempotency-Key. The key decides:
//   sk_test_revoked…  → 401 on every call        rk_test_nobalance… → 403 on /v1/balance
//   sk_test_slow…     → held until release()     anything else      → a normal answer
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';

export interface SeenRequest {
  method: string;
  path: string;
  apiKey: string;
  idempotencyKey: string | undefined;
  body: string;
}

export interface StripeStandIn {
  url: string;
  seen: SeenRequest[];
  /** Resolves when a held (sk_test_slow…) request has arrived. */
  held(): Promise<void>;
  release(): void;
  stop(): Promise<void>;
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const requestId = `req_${randomBytes(7).toString('hex')}`;
  res.writeHead(status, { 'content-type': 'application/json', 'request-id': requestId });
  res.end(JSON.stringify(body));
}

export async function startStripeStandIn(): Promise<StripeStandIn> {
  const seen: SeenRequest[] = [];
  let customerCount = 0;
  let releaseHeld: (() => void) | undefined;
  let heldArrived: () => void = () => {};
  let heldPromise = new Promise<void>((resolve) => (heldArrived = resolve));
  const releaseGate = () => new Promise<void>((resolve) => (releaseHeld = resolve));

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void (async () => {
        const apiKey = /^Bearer (.*)$/.exec(req.headers.authorization ?? '')?.[1] ?? '';
        const path = (req.url ?? '').split('?')[0] as string;
        const idempotencyKey = req.headers['idempotency-key'] as string | undefined;
        seen.push({ method: req.method ?? '', path, apiKey, idempotencyKey, body: Buffer.concat(chunks).toString() });
        if (apiKey.startsWith('sk_test_revoked')) {
          return send(res, 401, { error: { type: 'invalid_request_error', message: 'Invalid API Key provided: sk_test_****' } });
        }
        if (apiKey.startsWith('sk_test_slow')) {
          const gate = releaseGate();
          heldArrived();
          await gate;
        }
        if (req.method === 'GET' && path === '/v1/balance') {
          if (apiKey.startsWith('rk_test_nobalance')) {
            return send(res, 403, { error: { type: 'invalid_request_error', message: 'The provided key does not have the required permissions' } });
          }
          return send(res, 200, { object: 'balance', available: [{ amount: 0, currency: 'usd' }], pending: [], livemode: false });
        }
        if (req.method === 'POST' && path === '/v1/customers') {
          const params = new URLSearchParams(Buffer.concat(chunks).toString());
          customerCount++;
          return send(res, 200, { id: `cus_standin${customerCount}`, object: 'customer', email: params.get('email'), created: 1_795_000_000 });
        }
        return send(res, 404, { error: { type: 'invalid_request_error', message: `Unrecognized request URL (${req.method}: ${path})` } });
      })();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    held: () => heldPromise,
    release() {
      releaseHeld?.();
      heldPromise = new Promise<void>((resolve) => (heldArrived = resolve));
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

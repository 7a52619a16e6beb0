// A tiny real HTTP server on 127.0.0.1 port 0 that answers as Stripe would, one scripted answer per
// request, and records what it received: for the retry, limiter and error-mapping tests, which
// need answers (500s, 429s, Stripe-Should-Retry) no well-behaved server gives on demand.
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ScriptedAnswer {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
  /** Drop the connection without answering. */
  destroy?: boolean;
  /** Never answer (the client's timeout must fire). */
  hang?: boolean;
}

export interface ReceivedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  atMs: number;
}

export interface ScriptedStripe {
  url: string;
  received: ReceivedRequest[];
  stop(): Promise<void>;
}

export const stripeError = (status: number, error: Record<string, unknown>, headers: Record<string, string> = {}): ScriptedAnswer => ({
  status,
  headers: { 'request-id': `req_${status}_${String(error.code ?? error.type)}`, ...headers },
  body: { error },
});

export const customerJson = (id = 'cus_scripted') => ({
  id,
  object: 'customer',
  balance: 0,
  created: 1_795_000_000,
  description: null,
  email: null,
  discount: null,
  metadata: {},
});

export async function startScriptedStripe(answer: (request: ReceivedRequest, index: number) => ScriptedAnswer): Promise<ScriptedStripe> {
  const received: ReceivedRequest[] = [];
  const server = createServer((req, res) => {
    const request = { method: req.method ?? '', path: req.url ?? '', headers: req.headers, atMs: performance.now() };
    received.push(request);
    req.resume();
    req.on('end', () => {
      const scripted = answer(request, received.length - 1);
      if (scripted.hang) return;
      if (scripted.destroy) {
        req.socket.destroy();
        return;
      }
      const body = JSON.stringify(scripted.body ?? {});
      res.writeHead(scripted.status, { 'content-type': 'application/json', 'request-id': `req_${received.length}`, ...scripted.headers });
      res.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

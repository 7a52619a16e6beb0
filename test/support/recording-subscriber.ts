// A subscriber endpoint on 127.0.0.1 port 0 that records every request the connector sends it:
// it verifies each body with the standardwebhooks package against the secrets it was given, and
// can be told to answer 500 for a while (a subscriber that is down), or to hold its answer (so a
// test can kill the sender between its send and its record of the answer).
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

export interface DeliveredBody {
  id: string;
  type: string;
  subscription: string;
  connection: string;
  created: string;
  data: { id: string } & Record<string, unknown>;
}

export interface Delivered {
  webhookId: string;
  /** The exact bytes received, for comparing a repeat with the first send. */
  raw: string;
  body: DeliveredBody;
}

export interface SubscriberRequest {
  webhookId: string;
  /** The status the subscriber answered (0: the answer was held and never given). */
  status: number;
}

export interface Subscriber {
  url: string;
  /** Verified requests answered 2xx, in arrival order. */
  received: Delivered[];
  /** Every request, refused ones included, in arrival order. */
  requests: SubscriberRequest[];
  /** Bodies whose signature matched none of the secrets (answered 401). */
  unverified: string[];
  /** A subscription's secret; a delivery must verify with one of them. */
  addSecret(secret: string): void;
  /** Answer the next `count` verified requests with `status` (default 500) instead of 204. */
  failNext(count: number, status?: number): void;
  /**
   * Calls `onHeld` with the next verified request before answering it; the answer is given only
   * when the returned promise settles (the connection is simply dropped if the sender died).
   * Returns what cancels the hold if no request came.
   */
  holdNext(onHeld: (delivered: Delivered) => Promise<void>): () => void;
  /** Resolves once `count` deliveries were received; rejects after timeoutMs (default 10 s). */
  waitFor(count: number, timeoutMs?: number): Promise<Delivered[]>;
  close(): Promise<void>;
}

export async function startSubscriber(): Promise<Subscriber> {
  const received: Delivered[] = [];
  const requests: SubscriberRequest[] = [];
  const unverified: string[] = [];
  const waiters: { count: number; resolve: () => void }[] = [];
  const secrets: string[] = [];
  const failures: number[] = [];
  let hold: ((delivered: Delivered) => Promise<void>) | undefined;

  const verify = (raw: string, headers: http.IncomingHttpHeaders): DeliveredBody | undefined => {
    for (const secret of secrets) {
      try {
        return new Webhook(secret).verify(raw, headers as Record<string, string>) as DeliveredBody;
      } catch {
        // try the next subscription's secret
      }
    }
    return undefined;
  };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const webhookId = String(req.headers['webhook-id']);
      const body = verify(raw, req.headers);
      if (body === undefined) {
        unverified.push(raw);
        requests.push({ webhookId, status: 401 });
        res.writeHead(401).end();
        return;
      }
      const failWith = failures.shift();
      if (failWith !== undefined) {
        requests.push({ webhookId, status: failWith });
        res.writeHead(failWith).end();
        return;
      }
      const delivered = { webhookId, raw, body };
      const request = { webhookId, status: 0 };
      requests.push(request);
      const answer = () => {
        request.status = 204;
        received.push(delivered);
        for (const w of waiters.filter((w) => received.length >= w.count)) w.resolve();
        if (!res.destroyed) res.writeHead(204).end();
      };
      const held = hold;
      hold = undefined;
      if (held) void held(delivered).finally(answer);
      else answer();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));

  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    received,
    requests,
    unverified,
    addSecret(secret) {
      secrets.push(secret);
    },
    failNext(count, status = 500) {
      for (let i = 0; i < count; i += 1) failures.push(status);
    },
    holdNext(onHeld) {
      hold = onHeld;
      return () => {
        if (hold === onHeld) hold = undefined;
      };
    },
    waitFor(count, timeoutMs = 10_000) {
      if (received.length >= count) return Promise.resolve(received);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`only ${received.length} of ${count} deliveries arrived`)), timeoutMs);
        waiters.push({ count, resolve: () => (clearTimeout(timer), resolve(received)) });
      });
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

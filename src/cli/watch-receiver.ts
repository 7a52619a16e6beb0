// The subscriber end of `watch`: a local HTTP listener that takes the connector's deliveries as any
// subscriber should (docs/triggers.md, "How to consume events") — verify the Standard Webhooks
// signature on the raw body, answer 2xx at once, drop a repeat of a webhook-id already seen — and
// hands each new event on. Requests that arrive before the subscription's secret is known (a poll
// can deliver before the 201 reaches us) wait for it rather than fail and be retried 5 s later.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

/** Largest body taken: a trigger event is a few KiB; the connector's own body limit is 1 MiB. */
export const MAX_EVENT_BYTES = 1024 * 1024;
/**
 * webhook-ids remembered for dedupe. A repeat comes from a retry within the 24–28 h retry window
 * or a replay; 100,000 ids (~5 MB) cover far more events than one watch session sees.
 */
export const REMEMBERED_IDS = 100_000;

export interface WatchReceiverOptions {
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 0: a free port. */
  port?: number;
  /** A verified, new event's body. */
  onEvent(body: unknown): void;
  /** A request refused (bad signature, not JSON, too large), in words for stderr. */
  onRefused(reason: string): void;
  /** The listener failed after it started (a fatal error for watch). */
  onError(error: Error): void;
}

export interface WatchReceiver {
  /** http://host:port of the listener. */
  url: string;
  /** The subscription's whsec_ secret, once it is known; waiting requests proceed then. */
  setSecret(secret: string): void;
  close(): Promise<void>;
}

function readBody(request: http.IncomingMessage): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_EVENT_BYTES) chunks.push(chunk);
    });
    request.on('end', () => resolve(size <= MAX_EVENT_BYTES ? Buffer.concat(chunks) : undefined));
    request.on('error', reject);
  });
}

export async function startWatchReceiver(options: WatchReceiverOptions): Promise<WatchReceiver> {
  let resolveSecret: (secret: string) => void = () => {};
  const secret = new Promise<string>((resolve) => {
    resolveSecret = resolve;
  });
  let verifier: Webhook | undefined;
  const seen = new Set<string>();

  const handle = async (request: http.IncomingMessage, response: http.ServerResponse): Promise<void> => {
    if (request.method !== 'POST') {
      response.writeHead(405, { allow: 'POST' }).end();
      return;
    }
    const body = await readBody(request);
    if (body === undefined) {
      options.onRefused(`a request larger than ${MAX_EVENT_BYTES} bytes`);
      response.writeHead(413).end();
      return;
    }
    verifier ??= new Webhook(await secret);
    let event: unknown;
    try {
      // Verifies webhook-id, webhook-timestamp (within 5 minutes) and webhook-signature together.
      event = verifier.verify(body.toString('utf8'), request.headers as Record<string, string>);
    } catch {
      options.onRefused('a request whose webhook signature does not verify with this subscription\'s secret');
      response.writeHead(401).end();
      return;
    }
    const webhookId = String(request.headers['webhook-id']);
    if (!seen.has(webhookId)) {
      seen.add(webhookId);
      // A Set iterates in insertion order: the first id is the oldest.
      if (seen.size > REMEMBERED_IDS) seen.delete(seen.values().next().value as string);
      options.onEvent(event);
    }
    response.writeHead(204).end();
  };

  const server = http.createServer((request, response) => {
    handle(request, response).catch(() => {
      if (!response.headersSent) response.writeHead(500).end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      server.on('error', options.onError);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${host}:${address.port}`,
    setSecret: resolveSecret,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

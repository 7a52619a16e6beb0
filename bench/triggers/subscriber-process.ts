// The subscriber: a bare node:http server in its own process, answering 204 to every delivery.
// It reads the generator's send time out of each body (the charge's description, "bench:<ms>"),
// so latency is receipt minus send, both read from the same clock (performance.timeOrigin +
// performance.now() in two processes of one machine). It does not verify signatures: verifying
// is the subscriber's cost, not the connector's, and would only take CPU from the processes
// measured. On {report} it answers with what it received since the last {reset}.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { announceReady } from './control.js';

const clockMs = () => performance.timeOrigin + performance.now();
const MARK = '"description":"bench:';

let received = 0;
let duplicates = 0;
let ids = new Set<string>();
let latenciesMs: number[] = [];
/** Receipts per whole second since the reset, for the sustained rate. */
let perSecond: number[] = [];
let resetAtMs = clockMs();
let lastAtMs = 0;

const server = http.createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    const now = clockMs();
    const body = chunks.length === 1 ? chunks[0]!.toString('latin1') : Buffer.concat(chunks).toString('latin1');
    const webhookId = String(req.headers['webhook-id']);
    if (ids.has(webhookId)) duplicates += 1;
    else ids.add(webhookId);
    received += 1;
    lastAtMs = now;
    const at = body.indexOf(MARK);
    if (at >= 0) {
      const sentMs = Number.parseFloat(body.slice(at + MARK.length, body.indexOf('"', at + MARK.length)));
      latenciesMs.push(now - sentMs);
    }
    const second = Math.floor((now - resetAtMs) / 1000);
    perSecond[second] = (perSecond[second] ?? 0) + 1;
    res.writeHead(204).end();
  });
});
server.keepAliveTimeout = 60_000;
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));

announceReady({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook` }, (message) => {
  if (message === 'reset') {
    received = 0;
    duplicates = 0;
    ids = new Set();
    latenciesMs = [];
    perSecond = [];
    resetAtMs = clockMs();
    process.send?.({ reset: true });
  } else if (message === 'report') {
    process.send?.({ report: { received, distinct: ids.size, duplicates, latenciesMs, perSecond: Array.from(perSecond, (n) => n ?? 0), resetAtMs, lastAtMs } });
  }
});
process.once('SIGTERM', () => server.close(() => process.exit(0)));

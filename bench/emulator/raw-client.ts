// A second load generator for customer-creates.bench.ts: raw TCP connections that send the exact
// bytes the stripe SDK sends for a customer create (headers captured from stripe 23.1.0, a fresh
// Idempotency-Key each time, as the SDK does on every POST), so the client costs a few µs per
// request and the server's CPU per create is read with almost no competition from the client.
// argv: port, connections, durationMs. Reports {type:'result'} like create-client.ts.
import { randomUUID } from 'node:crypto';
import { connect } from 'node:net';
import Stripe from 'stripe';

const [port, connections, durationMs] = process.argv.slice(2).map(Number) as [number, number, number];
const userAgent = JSON.stringify({ bindings_version: '23.1.0', lang: 'node', typescript: 'false', lang_version: process.version, httplib: 'node' });

function request(n: number): string {
  const body = `email=raw${n}%40example.com&description=benchmark`;
  return [
    'POST /v1/customers HTTP/1.1',
    'Accept: application/json',
    'Content-Type: application/x-www-form-urlencoded',
    'User-Agent: Stripe/v1 NodeBindings/23.1.0',
    `X-Stripe-Client-User-Agent: ${userAgent}`,
    `Stripe-Version: ${Stripe.API_VERSION}`,
    `Idempotency-Key: stripe-node-retry-${randomUUID()}`,
    `Content-Length: ${body.length}`,
    'Authorization: Bearer sk_test_benchmark',
    `Host: 127.0.0.1:${port}`,
    'Connection: keep-alive',
    '',
    body,
  ].join('\r\n');
}

let sent = 0;
let completed = 0;
let failed = 0;
let firstError: string | undefined;
let endMs = 0;

/** One keep-alive connection sending a request as soon as the previous answer is complete. */
function drive(): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let buffered = '';
    const next = () => {
      if (performance.now() >= endMs) {
        socket.end();
        resolve();
      } else {
        socket.write(request(sent++));
      }
    };
    socket.setEncoding('latin1');
    socket.on('connect', next);
    socket.on('error', reject);
    socket.on('data', (chunk: string) => {
      buffered += chunk;
      for (;;) {
        const headEnd = buffered.indexOf('\r\n\r\n');
        if (headEnd < 0) return;
        const length = Number(/\r\ncontent-length: *(\d+)/i.exec(buffered.slice(0, headEnd))?.[1] ?? NaN);
        if (buffered.length < headEnd + 4 + length) return;
        if (buffered.startsWith('HTTP/1.1 200 ')) completed++;
        else {
          failed++;
          firstError ??= buffered.slice(0, buffered.indexOf('\r\n'));
        }
        buffered = buffered.slice(headEnd + 4 + length);
        next();
      }
    });
  });
}

endMs = performance.now() + 500;
await Promise.all(Array.from({ length: connections }, drive));
completed = 0;
failed = 0;
process.send!({ type: 'warm' });
await new Promise<void>((resolve) => process.once('message', () => resolve()));
const cpuBefore = process.cpuUsage();
const startMs = performance.now();
endMs = startMs + durationMs;
await Promise.all(Array.from({ length: connections }, drive));
const elapsedMs = performance.now() - startMs;
const cpu = process.cpuUsage(cpuBefore);
process.send!({ type: 'result', completed, failed, firstError, elapsedMs, clientCpuMicros: cpu.user + cpu.system });
process.exit(0);

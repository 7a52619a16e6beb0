// A Stripe stand-in in its own process, so the benchmark client and the server each get a core.
// argv[2]: 'ours' (this project's emulator, rate limit off), 'stripe-stateful-mock' (the npm
// package's createExpressApp), or 'bare-node-http' (node:http answering one fixed customer: what
// this machine's loopback HTTP allows at all). Tells the parent its port over IPC; answers
// {type:'cpu'} with the CPU time it used so far, and {type:'memory'} with RSS and heap after a full
// GC (the process is started with --expose-gc).
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { createServer, type Server } from 'node:http';
import { startEmulator } from '../../src/emulator/index.js';

type Target = 'ours' | 'stripe-stateful-mock' | 'bare-node-http';

const FIXED_CUSTOMER = JSON.stringify({ id: 'cus_fixed', object: 'customer', email: 'a@example.com', livemode: false });

function listen(server: Server): Promise<{ port: number; stop: () => Promise<void> }> {
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () =>
      resolve({
        port: (server.address() as AddressInfo).port,
        stop: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            server.closeAllConnections();
          }),
      }),
    );
  });
}

async function start(target: Target): Promise<{ port: number; stop: () => Promise<void> }> {
  if (target === 'ours') {
    const emulator = await startEmulator({ port: 0, rateLimitPerSecond: false });
    return { port: emulator.port, stop: () => emulator.stop() };
  }
  if (target === 'bare-node-http') {
    return listen(
      createServer((req, res) => {
        req.resume();
        req.on('end', () => {
          res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(FIXED_CUSTOMER) });
          res.end(FIXED_CUSTOMER);
        });
      }),
    );
  }
  const require = createRequire(import.meta.url);
  // Its request logging would measure the console, not the mock.
  (require('loglevel') as { setLevel(level: string): void }).setLevel('silent');
  const { createExpressApp } = require('stripe-stateful-mock') as { createExpressApp(): (req: unknown, res: unknown) => void };
  return listen(createServer(createExpressApp()));
}

const target = process.argv[2] as Target;
if (target !== 'ours' && target !== 'stripe-stateful-mock' && target !== 'bare-node-http') throw new Error(`unknown target ${String(target)}`);
const running = await start(target);
process.send!({ type: 'ready', port: running.port });
process.on('message', (message: { type: string }) => {
  if (message.type === 'memory') {
    const gc = (globalThis as { gc?: () => void }).gc;
    gc?.();
    gc?.();
    const usage = process.memoryUsage();
    process.send!({ type: 'memory', rss: usage.rss, heapUsed: usage.heapUsed, gcRan: gc !== undefined });
  } else if (message.type === 'cpu') {
    const usage = process.cpuUsage();
    process.send!({ type: 'cpu', userMicros: usage.user, systemMicros: usage.system });
  } else if (message.type === 'stop') {
    void running.stop().then(() => process.exit(0));
  }
});

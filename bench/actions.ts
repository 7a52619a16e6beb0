// Issue 3, item 12: what the connector's HTTP action path costs over calling the stripe SDK
// directly — same emulator, same concurrency, same run. getCustomer:
//   latency: one request at a time, medians of each path, in alternating blocks so drift in the
//            shared machine hits both paths alike;
//   throughput: 20 requests in flight for a fixed time, alternating paths.
// Targets: connector median − direct median ≤ 1 ms; connector throughput ≥ 80 % of direct.
// The emulator and the connector each run in their own process, as deployed; this process is the
// client. Sizes are small by default (BENCH_SCALE=1) so a run takes ~20 s; raise it on an idle box.
import { spawn, type ChildProcess } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import Stripe from 'stripe';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const SCALE = Number(process.env.BENCH_SCALE ?? 1);
const LATENCY_BLOCKS = 6;
const LATENCY_BLOCK_SIZE = Math.round(150 * SCALE);
const THROUGHPUT_ROUNDS = 2;
const THROUGHPUT_MS = Math.round(2500 * SCALE);
const CONCURRENCY = 20;
const API_KEY = 'sk_test_benchmark000000000000000001';

function startChild(args: string[], ready: RegExp): Promise<{ child: ChildProcess; match: RegExpMatchArray }> {
  const child = spawn(process.execPath, ['--import', 'tsx', ...args], { cwd: ROOT, env: { ...process.env, LOG_LEVEL: process.env.LOG_LEVEL ?? 'info', NODE_ENV: 'production' }, stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let output = '';
    child.stdout?.on('data', (c: Buffer) => {
      output += c.toString();
      const match = output.match(ready);
      if (match) {
        // Keep draining: a full pipe would block the child's logging.
        child.stdout?.removeAllListeners('data');
        child.stdout?.resume();
        resolve({ child, match });
      }
    });
    child.on('exit', (code) => reject(new Error(`${args.join(' ')} exited with ${code}: ${output}`)));
  });
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

function p95(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length * 0.95)] as number;
}

async function timed(call: () => Promise<void>, count: number, into: number[]): Promise<void> {
  for (let i = 0; i < count; i++) {
    const start = performance.now();
    await call();
    into.push(performance.now() - start);
  }
}

async function throughput(call: () => Promise<void>, durationMs: number): Promise<number> {
  let done = 0;
  const end = performance.now() + durationMs;
  const worker = async () => {
    while (performance.now() < end) {
      await call();
      done++;
    }
  };
  const start = performance.now();
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return done / ((performance.now() - start) / 1000);
}

const emulator = await startChild(['src/cli/main.ts', 'emulator', '--port', '0', '--rate-limit', 'off'], /listening on (http:\/\/127\.0\.0\.1:\d+)/);
const emulatorUrl = emulator.match[1] as string;
const connector = await startChild(['bench/connector-server.ts', emulatorUrl], /^(\{"url".*\})$/m);
const { url: connectorUrl, token } = JSON.parse(connector.match[1] as string) as { url: string; token: string };

try {
  const base = new URL(emulatorUrl);
  // The plain SDK, as an application without the connector would use it.
  const stripe = new Stripe(API_KEY, { host: base.hostname, port: base.port, protocol: 'http', telemetry: false, maxNetworkRetries: 0 });
  const customer = await stripe.customers.create({ email: 'bench@example.com', description: 'benchmark' });

  const connection = (await (
    await fetch(`${connectorUrl}/api/connections`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'bench', apiKey: API_KEY, apiBase: emulatorUrl }),
    })
  ).json()) as { id: string };
  const actionUrl = `${connectorUrl}/api/connections/${connection.id}/actions/getCustomer`;
  const body = JSON.stringify({ id: customer.id });

  const direct = async () => {
    await stripe.customers.retrieve(customer.id);
  };
  const viaConnector = async () => {
    const res = await fetch(actionUrl, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body });
    if (res.status !== 200) throw new Error(`connector answered ${res.status}: ${await res.text()}`);
    await res.arrayBuffer();
  };

  // Warm up both paths: JIT, keep-alive sockets, the connector's client cache.
  await timed(direct, 200, []);
  await timed(viaConnector, 200, []);

  const directMs: number[] = [];
  const connectorMs: number[] = [];
  for (let block = 0; block < LATENCY_BLOCKS; block++) {
    await timed(block % 2 === 0 ? direct : viaConnector, LATENCY_BLOCK_SIZE, block % 2 === 0 ? directMs : connectorMs);
    await timed(block % 2 === 0 ? viaConnector : direct, LATENCY_BLOCK_SIZE, block % 2 === 0 ? connectorMs : directMs);
  }
  const directRps: number[] = [];
  const connectorRps: number[] = [];
  for (let round = 0; round < THROUGHPUT_ROUNDS; round++) {
    directRps.push(await throughput(direct, THROUGHPUT_MS));
    connectorRps.push(await throughput(viaConnector, THROUGHPUT_MS));
  }

  const addedMs = median(connectorMs) - median(directMs);
  const directTput = directRps.reduce((a, b) => a + b, 0) / directRps.length;
  const connectorTput = connectorRps.reduce((a, b) => a + b, 0) / connectorRps.length;
  const ratio = connectorTput / directTput;
  const rows = [
    '| getCustomer | median | p95 | throughput at 20 in flight |',
    '|---|---|---|---|',
    `| stripe SDK → emulator | ${median(directMs).toFixed(3)} ms | ${p95(directMs).toFixed(3)} ms | ${directTput.toFixed(0)} req/s |`,
    `| HTTP → connector → SDK → emulator | ${median(connectorMs).toFixed(3)} ms | ${p95(connectorMs).toFixed(3)} ms | ${connectorTput.toFixed(0)} req/s |`,
    '',
    `added median: ${addedMs.toFixed(3)} ms (target ≤ 1 ms): ${addedMs <= 1 ? 'met' : 'NOT met'}`,
    `throughput kept: ${(ratio * 100).toFixed(1)} % (target ≥ 80 %): ${ratio >= 0.8 ? 'met' : 'NOT met'}`,
    `samples: ${directMs.length} + ${connectorMs.length} sequential, ${THROUGHPUT_ROUNDS} × ${THROUGHPUT_MS} ms per path at concurrency ${CONCURRENCY}`,
  ];
  console.log(rows.join('\n'));
} finally {
  connector.child.kill('SIGTERM');
  emulator.child.kill('SIGTERM');
}

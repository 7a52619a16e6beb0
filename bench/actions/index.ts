// bench/actions: getCustomer through the connector's HTTP action route versus
// the stripe SDK calling the emulator directly — same emulator process, same customer, same
// concurrency (20), rounds interleaved (direct, connector, direct, connector) so drift on a
// shared machine hits both alike. Targets: the connector adds at most 1 ms to the median and
// keeps at least 80% of the direct throughput.
//
//   npm run bench -- actions            (defaults: 2 rounds × 5 s per path, 1 s warm-up)
//   BENCH_ROUND_MS=3000 BENCH_ROUNDS=1 npm run bench -- actions
//   BENCH_CONCURRENCY=1 …                 one request at a time (the added-median target)
//   BENCH_CONNECTOR_FILE=./floor-process.ts …   fastify + the same SDK call, nothing else (the floor)
//   BENCH_CONNECTOR_PROCESSES=2 …         two connector processes on one store
//   BENCH_CONNECTOR_NODE_ARGS=--perf-basic-prof perf record -g -- node --import tsx bench/actions/index.ts
import { spawn, type ChildProcess } from 'node:child_process';
import { Agent, request } from 'node:http';
import { cpus, totalmem, loadavg, tmpdir } from 'node:os';
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import Stripe from 'stripe';
import { percentile, runLoad, type LoadResult } from './load.js';
import type { CpuReply } from './control.js';

// Source-mapped stack traces: tsx turns them on, `node dist/…` in production does not, and the
// stripe SDK reads `new Error().stack` on every request, which under source maps costs tens of µs.
process.setSourceMapsEnabled(false);
import { getCustomer } from '../../src/connector/actions/get-customer.js';
import { createStripeClient } from '../../src/stripe/client.js';

/** Default 20 concurrent requests, the figure the target is stated for; BENCH_CONCURRENCY=1 shows the per-request cost without queueing. */
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 20);
/** Per path per round. Default 5 s: enough requests for a stable median, short on a shared machine. */
const ROUND_MS = Number(process.env.BENCH_ROUND_MS ?? 5000);
/** Default 2 rounds per path, interleaved. */
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
/**
 * Connector processes on one shared store, the client spreading requests over them in turn: what
 * a second worker (node:cluster) would pay on this machine. Default 1, the connector as it runs.
 * With more than one, each process keeps its own throttle, so this measures CPU, not the product.
 */
const CONNECTOR_PROCESSES = Number(process.env.BENCH_CONNECTOR_PROCESSES ?? 1);
/**
 * BENCH_DIRECT_NO_STACK=1: the direct client skips the SDK's per-request call-site stack the way the
 * connector does (src/action-calls/request-id.ts), to show what that saving is worth on the direct side.
 * Default off: the direct path is the SDK as a user's script runs it.
 */
const DIRECT_WITHOUT_CALL_SITE_STACK = process.env.BENCH_DIRECT_NO_STACK === '1';
/** Default 1 s per path before measuring: JIT, keep-alive sockets, SQLite page cache. */
const WARMUP_MS = Number(process.env.BENCH_WARMUP_MS ?? 1000);
const MAX_ADDED_MEDIAN_MS = 1;
const MIN_THROUGHPUT_RATIO = 0.8;

const children: ChildProcess[] = [];
/** The store shared by several connector processes (BENCH_CONNECTOR_PROCESSES > 1), removed at the end. */
let sharedDataDir: string | undefined;

/** BENCH_PROFILE_DIR=dir writes a --cpu-prof profile of the connector process there. Default: none. */
const PROFILE_DIR = process.env.BENCH_PROFILE_DIR;
/**
 * Extra node flags for the connector process, space-separated, e.g. `--perf-basic-prof` so that
 * `perf record` names its JIT frames. Default: none.
 */
const CONNECTOR_NODE_ARGS = (process.env.BENCH_CONNECTOR_NODE_ARGS ?? '').split(' ').filter((arg) => arg !== '');

interface Child<T> {
  ready: T;
  /** The child's own process.cpuUsage(), in µs since it started. */
  cpu(): Promise<NodeJS.CpuUsage>;
}

/** Starts `file` under tsx and resolves once it reports ready over IPC (control.ts). */
function startProcess<T>(file: string, args: string[], nodeArgs: string[] = [], env: Record<string, string> = {}): Promise<Child<T>> {
  const child = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', fileURLToPath(new URL(file, import.meta.url)), ...args], {
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    env: { ...process.env, ...env },
  });
  children.push(child);
  const cpu = () =>
    new Promise<NodeJS.CpuUsage>((resolve) => {
      const onMessage = (message: unknown) => {
        if (typeof message === 'object' && message !== null && 'cpu' in message) {
          child.off('message', onMessage);
          resolve((message as CpuReply).cpu);
        }
      };
      child.on('message', onMessage);
      child.send('cpu');
    });
  return new Promise<Child<T>>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`${file} exited with ${code} before it was ready`)));
    const onMessage = (message: unknown) => {
      if (typeof message === 'object' && message !== null && 'ready' in message) {
        child.off('message', onMessage);
        resolve({ ready: (message as { ready: T }).ready, cpu });
      }
    };
    child.on('message', onMessage);
  });
}

/** CPU µs (user + system) each process spent during `work`. */
async function measured<T>(processes: Record<string, () => Promise<NodeJS.CpuUsage>>, work: () => Promise<T>): Promise<{ result: T; cpuUs: Record<string, number> }> {
  const names = Object.keys(processes);
  const before = await Promise.all(names.map((name) => processes[name]!()));
  const result = await work();
  const after = await Promise.all(names.map((name) => processes[name]!()));
  const cpuUs: Record<string, number> = {};
  names.forEach((name, i) => {
    cpuUs[name] = after[i]!.user + after[i]!.system - before[i]!.user - before[i]!.system;
    cpuUs[`${name}System`] = after[i]!.system - before[i]!.system;
  });
  return { result, cpuUs };
}

function stopChildren(): Promise<void> {
  return Promise.all(
    children.map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null) return resolve();
          child.once('exit', () => resolve());
          child.kill('SIGTERM');
        }),
    ),
  ).then(() => undefined);
}

interface Summary {
  requests: number;
  errors: number;
  throughputPerSecond: number;
  medianMs: number;
  p95Ms: number;
}

function summarise(results: LoadResult[]): Summary {
  const latencies = results.flatMap((r) => r.latenciesMs).sort((a, b) => a - b);
  const requests = results.reduce((n, r) => n + r.requests, 0);
  const seconds = results.reduce((n, r) => n + r.durationMs, 0) / 1000;
  return {
    requests,
    errors: results.reduce((n, r) => n + r.errors, 0),
    throughputPerSecond: requests / seconds,
    medianMs: percentile(latencies, 50),
    p95Ms: percentile(latencies, 95),
  };
}

async function main(): Promise<number> {
  const apiKey = `sk_test_bench${Date.now()}`;
  const emulatorChild = await startProcess<{ url: string }>('./emulator-process.ts', []);
  const emulator = emulatorChild.ready;
  type ConnectorReady = { url: string; token: string; connectionId: string };
  sharedDataDir = CONNECTOR_PROCESSES > 1 ? mkdtempSync(join(tmpdir(), 'sc-bench-shared-')) : undefined;
  const sharedStore: Record<string, string> = sharedDataDir ? { BENCH_DATA_DIR: sharedDataDir, BENCH_ADMIN_TOKEN: `sct_${randomBytes(24).toString('base64url')}` } : {};
  const connectorChildren: Child<ConnectorReady>[] = [];
  // One after another: the first creates the shared store's master key and admin user.
  for (let i = 0; i < CONNECTOR_PROCESSES; i += 1) {
    connectorChildren.push(
      await startProcess<ConnectorReady>(
        process.env.BENCH_CONNECTOR_FILE ?? './connector-process.ts',
        [emulator.url, apiKey],
        [...CONNECTOR_NODE_ARGS, ...(PROFILE_DIR ? ['--cpu-prof', '--cpu-prof-dir', PROFILE_DIR] : [])],
        sharedStore,
      ),
    );
  }
  const cpuOf = {
    client: async () => process.cpuUsage(),
    connector: async () => {
      const usages = await Promise.all(connectorChildren.map((child) => child.cpu()));
      return usages.reduce((sum, u) => ({ user: sum.user + u.user, system: sum.system + u.system }), { user: 0, system: 0 });
    },
    emulator: emulatorChild.cpu,
  };

  const emulatorUrl = new URL(emulator.url);
  const direct = new Stripe(apiKey, { host: emulatorUrl.hostname, port: emulatorUrl.port, protocol: 'http', maxNetworkRetries: 0, telemetry: false });
  const customer = await direct.customers.create({ email: 'bench@example.com', description: 'bench' });

  const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  const body = JSON.stringify({ id: customer.id });
  const targets = connectorChildren.map(({ ready }) => ({ url: new URL(ready.url), token: ready.token, connectionId: ready.connectionId }));
  let nextTarget = 0;
  const viaConnector = () =>
    new Promise<void>((resolve, reject) => {
      const target = targets[nextTarget] as (typeof targets)[number];
      nextTarget = (nextTarget + 1) % targets.length;
      const req = request(
        {
          host: target.url.hostname,
          port: target.url.port,
          method: 'POST',
          path: `/api/connections/${target.connectionId}/actions/getCustomer`,
          agent,
          headers: { authorization: `Bearer ${target.token}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
        },
        (res) => {
          res.resume();
          res.once('end', () => (res.statusCode === 200 ? resolve() : reject(new Error(`HTTP ${res.statusCode}`))));
        },
      );
      req.once('error', reject);
      req.end(body);
    });
  const viaSdk = async () => {
    if (!DIRECT_WITHOUT_CALL_SITE_STACK) return void (await direct.customers.retrieve(customer.id));
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    const pending = direct.customers.retrieve(customer.id);
    Error.stackTraceLimit = limit;
    await pending;
  };

  await runLoad(viaSdk, { concurrency: CONCURRENCY, durationMs: WARMUP_MS });
  await runLoad(viaConnector, { concurrency: CONCURRENCY, durationMs: WARMUP_MS });
  const directRounds: LoadResult[] = [];
  const connectorRounds: LoadResult[] = [];
  const zero = () => ({ client: 0, connector: 0, emulator: 0, clientSystem: 0, connectorSystem: 0, emulatorSystem: 0 });
  const directCpuUs = zero();
  const connectorCpuUs = zero();
  const addCpu = (total: Record<string, number>, add: Record<string, number>) => {
    for (const name of Object.keys(total)) total[name]! += add[name]!;
  };
  for (let round = 0; round < ROUNDS; round += 1) {
    const d = await measured(cpuOf, () => runLoad(viaSdk, { concurrency: CONCURRENCY, durationMs: ROUND_MS }));
    directRounds.push(d.result);
    addCpu(directCpuUs, d.cpuUs);
    const c = await measured(cpuOf, () => runLoad(viaConnector, { concurrency: CONCURRENCY, durationMs: ROUND_MS }));
    connectorRounds.push(c.result);
    addCpu(connectorCpuUs, c.cpuUs);
  }
  agent.destroy();

  // Where the added time goes: the action layer alone (the connector's Stripe client with its
  // limiter and retry wrapper, getCustomer.run and the mapping), in this process, one request at
  // a time, against the same emulator. The rest of the difference is the HTTP route around it.
  const actionClient = createStripeClient({ apiKey, apiBase: emulator.url, requestsPerSecond: 1_000_000 });
  const viaAction = async () => {
    await getCustomer.run({ stripe: actionClient, idempotencyKey: 'bench' }, { id: customer.id });
  };
  await runLoad(viaAction, { concurrency: 1, durationMs: WARMUP_MS });
  const layerDirect = summarise([await runLoad(viaSdk, { concurrency: 1, durationMs: ROUND_MS / 2 })]);
  const layerAction = summarise([await runLoad(viaAction, { concurrency: 1, durationMs: ROUND_MS / 2 })]);

  const d = summarise(directRounds);
  const c = summarise(connectorRounds);
  const addedMedianMs = c.medianMs - d.medianMs;
  const throughputRatio = c.throughputPerSecond / d.throughputPerSecond;
  const cpu = cpus();
  const row = (name: string, s: Summary) =>
    `| ${name} | ${s.requests} | ${s.errors} | ${s.throughputPerSecond.toFixed(0)} | ${s.medianMs.toFixed(2)} | ${s.p95Ms.toFixed(2)} |`;
  console.log(`getCustomer, concurrency ${CONCURRENCY}, ${ROUNDS} × ${ROUND_MS} ms per path (interleaved), warm-up ${WARMUP_MS} ms, ${CONNECTOR_PROCESSES} connector process(es)${DIRECT_WITHOUT_CALL_SITE_STACK ? ', direct client without the call-site stack' : ''}`);
  console.log(`machine: ${cpu.length} × ${cpu[0]?.model ?? 'unknown CPU'}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB, Node ${process.version}, load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  console.log('');
  console.log('| path | requests | errors | throughput (req/s) | median (ms) | p95 (ms) |');
  console.log('|---|---|---|---|---|---|');
  console.log(row('stripe SDK → emulator', d));
  console.log(row('HTTP → connector → emulator', c));
  console.log('');
  const perRequest = (cpuUs: Record<string, number>, requests: number) =>
    ['client', 'connector', 'emulator'].map((name) => `${(cpuUs[name]! / requests).toFixed(0)} (${(cpuUs[`${name}System`]! / requests).toFixed(0)})`);
  const total = (cpuUs: Record<string, number>, requests: number) =>
    ((cpuUs.client! + cpuUs.connector! + cpuUs.emulator!) / requests).toFixed(0);
  console.log('CPU per request (µs, user + system, of which system in brackets; process.cpuUsage in each process):');
  console.log('');
  console.log('| path | client | connector | emulator | all three |');
  console.log('|---|---|---|---|---|');
  console.log(`| stripe SDK → emulator | ${perRequest(directCpuUs, d.requests).join(' | ')} | ${total(directCpuUs, d.requests)} |`);
  console.log(`| HTTP → connector → emulator | ${perRequest(connectorCpuUs, c.requests).join(' | ')} | ${total(connectorCpuUs, c.requests)} |`);
  console.log('');
  console.log(`action layer alone, one request at a time: stripe SDK median ${layerDirect.medianMs.toFixed(3)} ms, getCustomer.run median ${layerAction.medianMs.toFixed(3)} ms (added ${(layerAction.medianMs - layerDirect.medianMs).toFixed(3)} ms)`);
  console.log('');
  const medianOk = addedMedianMs <= MAX_ADDED_MEDIAN_MS;
  const throughputOk = throughputRatio >= MIN_THROUGHPUT_RATIO;
  console.log(`added median: ${addedMedianMs.toFixed(2)} ms (target ≤ ${MAX_ADDED_MEDIAN_MS} ms) — ${medianOk ? 'met' : 'NOT met'}`);
  console.log(`throughput kept: ${(throughputRatio * 100).toFixed(0)}% (target ≥ ${MIN_THROUGHPUT_RATIO * 100}%) — ${throughputOk ? 'met' : 'NOT met'}`);
  return medianOk && throughputOk && d.errors === 0 && c.errors === 0 ? 0 : 1;
}

try {
  process.exitCode = await main();
} finally {
  await stopChildren();
  if (sharedDataDir) rmSync(sharedDataDir, { recursive: true, force: true });
}

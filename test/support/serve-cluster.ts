// Several real `serve` processes (the built command, dist/cli/main.js) on ONE store, as an operator
// scales out: one DATABASE_URL (on the runner's PostgreSQL pass a fresh database of its own, see
// store-fixture.ts), one STRIPE_CONNECTOR_MASTER_KEY, one known STRIPE_CONNECTOR_ADMIN_TOKEN, each
// process on its own fixed port (so a restarted one comes back at the same address), a round-robin
// load balancer in front of them as PUBLIC_URL (where the emulator sends webhooks), and the Stripe
// emulator in a process of its own as Stripe (test/support/emulator-child.ts: its request log's
// arrival times must not wait for the test's own event loop). kill(i) is SIGKILL, restart(i) starts it again on the same
// port; close() ends everything, and is safe after a start that failed half-way.
import { randomBytes } from 'node:crypto';
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { EmulatorOptions } from '../../src/emulator/index.js';
import { closeAll } from './cleanup.js';
import { startServerProcess, type ServerProcess } from './processes.js';
import { startRoundRobinProxy, type RoundRobinProxy } from './round-robin-proxy.js';
import { newStorePlace, type StorePlace } from './store-fixture.js';
import { freePort } from './free-address.js';

export interface ClusterOptions {
  /** `serve` processes. Default 3. */
  processes?: number;
  /** The command line of each. Default ['serve'] (e.g. ['serve', '--workers', '2'] once it exists). */
  args?: string[];
  /** More environment for every process (it wins over the defaults below). */
  env?: Record<string, string>;
  /** The emulator's options (JSON-serialisable). Default: rate limit off, webhook retries every 0.5 s for 90 s. */
  emulator?: EmulatorOptions;
}

export interface ApiAnswer<T = unknown> {
  status: number;
  headers: Headers;
  body: T;
}

export interface ServeCluster {
  emulator: { url: string };
  /** The load balancer's address: every process's PUBLIC_URL. */
  publicUrl: string;
  adminToken: string;
  place: StorePlace;
  /** Process i's address (fixed for the cluster's life, across restarts). */
  urls: string[];
  /** Process i, or undefined while it is killed. */
  nodes: (ServerProcess | undefined)[];
  /** A JSON call to process i's API with the admin token (or `token`); never throws on a status. */
  api<T = unknown>(index: number, method: string, path: string, body?: unknown, token?: string): Promise<ApiAnswer<T>>;
  /** SIGKILL process i and wait until it is gone. */
  kill(index: number): Promise<void>;
  /** Start process i again (same port, same store), resolving once it listens. */
  restart(index: number): Promise<void>;
  close(): Promise<void>;
}


export async function startServeCluster(options: ClusterOptions = {}): Promise<ServeCluster> {
  const count = options.processes ?? 3;
  const args = options.args ?? ['serve'];
  const adminToken = `sct_cluster_${randomBytes(18).toString('base64url')}`;
  const masterKey = randomBytes(32).toString('base64');
  const nodes: (ServerProcess | undefined)[] = Array.from({ length: count }, () => undefined);
  let emulator: ChildEmulator | undefined;
  let proxy: RoundRobinProxy | undefined;
  let place: StorePlace | undefined;

  const kill = async (index: number) => {
    const node = nodes[index];
    nodes[index] = undefined;
    if (!node) return;
    if (node.child.exitCode === null && node.child.signalCode === null) node.child.kill('SIGKILL');
    await node.exited;
  };
  const close = () =>
    closeAll(
      ...nodes.map((_, index) => () => kill(index)),
      () => proxy?.close(),
      () => emulator?.stop(),
      () => place?.remove(),
    );

  try {
    // Stripe retries a webhook for three days; compressed to every 0.5 s for 90 s, longer than a
    // killed process takes to come back on a loaded machine (20–30 s has been seen).
    emulator = await startChildEmulator({
      rateLimitPerSecond: false,
      webhooks: { retryDelaysMs: Array.from({ length: 180 }, () => 500), timeoutMs: 5_000 },
      ...options.emulator,
    });
    place = await newStorePlace('sc-cluster-');
    const ports = await Promise.all(nodes.map(() => freePort()));
    const urls = ports.map((port) => `http://127.0.0.1:${port}`);
    proxy = await startRoundRobinProxy(() => urls);
    const envOf = (index: number): Record<string, string> => ({
      ...place!.env,
      PORT: String(ports[index]),
      HOST: '127.0.0.1',
      PUBLIC_URL: proxy!.url,
      STRIPE_API_BASE: emulator!.url,
      STRIPE_CONNECTOR_ADMIN_TOKEN: adminToken,
      STRIPE_CONNECTOR_MASTER_KEY: masterKey,
      CALLBACK_ALLOW_PRIVATE: 'true',
      // The shortest claim allowed: a killed process's deliveries are sent again 15 s later.
      DELIVERY_LEASE_SECONDS: '15',
      DELIVERY_FIRST_RETRY_SECONDS: '1',
      ...options.env,
    });
    const start = async (index: number) => {
      nodes[index] = await startServerProcess(args, envOf(index));
    };
    // The first alone: it migrates the empty store and creates the admin user; the others then
    // find both, as a second node joining a running cluster does.
    await start(0);
    await Promise.all(nodes.slice(1).map((_, i) => start(i + 1)));

    const api = async <T>(index: number, method: string, path: string, body?: unknown, token = adminToken): Promise<ApiAnswer<T>> => {
      const response = await fetch(`${urls[index]}${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await response.text();
      return { status: response.status, headers: response.headers, body: (text === '' ? undefined : JSON.parse(text)) as T };
    };
    return {
      emulator,
      publicUrl: proxy.url,
      adminToken,
      place,
      urls,
      nodes,
      api,
      kill,
      async restart(index) {
        await kill(index);
        await start(index);
      },
      close,
    };
  } catch (error) {
    await close().catch(() => {});
    throw error;
  }
}

interface ChildEmulator {
  url: string;
  stop(): Promise<void>;
}

async function startChildEmulator(options: EmulatorOptions): Promise<ChildEmulator> {
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'test/support/emulator-child.ts', JSON.stringify(options)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const lines = createInterface({ input: child.stdout! });
  const url = await new Promise<string>((resolve, reject) => {
    lines.once('line', (line) => resolve((JSON.parse(line) as { url: string }).url));
    child.once('exit', (code) => reject(new Error(`the emulator process exited (${code}) before listening`)));
  });
  return {
    url,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

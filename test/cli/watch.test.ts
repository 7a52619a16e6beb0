// `stripe-connector watch` end to end: the emulator on port 0, `serve` as a child process on port 0
// with CALLBACK_ALLOW_PRIVATE=true and its store from store-fixture.ts, and `watch` as a child process whose
// stdout and stderr are read line by line. A second server, in-process and without
// CALLBACK_ALLOW_PRIVATE, shows the refusal of watch's loopback listener.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { childEnv, runCli, startServerProcess, type ServerProcess } from '../support/processes.js';
import { startEmulator, type RunningEmulator } from '../../src/emulator/index.js';
import { startServer, type RunningServer } from '../../src/app/server.js';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/log.js';
import { newStorePlace, type StorePlace } from '../support/store-fixture.js';
import { closeAll } from '../support/cleanup.js';
import { BUILT_MAIN, ensureBuiltCli } from '../support/built-cli.js';

// The children run the built command; build it first if src/ is newer.
before(ensureBuiltCli);

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const TOKEN = 'sct_watch_test_admin_token_000000000000000001';

interface WatchProcess {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves with the first match in stdout or stderr. */
  waitFor(stream: 'stdout' | 'stderr', pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  exited: Promise<number | null>;
}

function startWatch(args: string[], env: Record<string, string>): WatchProcess {
  const child = spawn(process.execPath, [BUILT_MAIN, 'watch', ...args], { cwd: ROOT, env: childEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
  const out = { stdout: '', stderr: '' };
  const listeners = new Set<() => void>();
  child.stdout!.on('data', (c: Buffer) => {
    out.stdout += c.toString();
    for (const l of [...listeners]) l();
  });
  child.stderr!.on('data', (c: Buffer) => {
    out.stderr += c.toString();
    for (const l of [...listeners]) l();
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return {
    child,
    stdout: () => out.stdout,
    stderr: () => out.stderr,
    exited,
    // Generous: a child starting through tsx on a busy 2-core machine has been seen to take 20 s.
    waitFor: (stream, pattern, timeoutMs = 60_000) =>
      new Promise((resolve, reject) => {
        const check = () => {
          const match = out[stream].match(pattern);
          if (!match) return;
          listeners.delete(check);
          clearTimeout(timer);
          resolve(match);
        };
        const timer = setTimeout(() => {
          listeners.delete(check);
          reject(new Error(`timed out waiting for ${pattern} on ${stream}; stdout:\n${out.stdout}\nstderr:\n${out.stderr}`));
        }, timeoutMs);
        listeners.add(check);
        check();
      }),
  };
}

describe('stripe-connector watch', () => {
  let stripe: RunningEmulator;
  let place: StorePlace;
  let server: ServerProcess;
  let env: Record<string, string>;
  let connectionId = '';

  async function api(method: string, path: string, body?: unknown, base = server.url, token = TOKEN): Promise<{ status: number; json: { id: string; data: unknown[] } }> {
    const response = await fetch(`${base}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: response.status, json: (await response.json()) as { id: string; data: unknown[] } };
  }

  before(async () => {
    stripe = await startEmulator({ port: 0, rateLimitPerSecond: false });
    place = await newStorePlace('sc-watch-');
    server = await startServerProcess(['serve', '--port', '0'], {
      ...place.env,
      STRIPE_API_BASE: stripe.url,
      STRIPE_CONNECTOR_ADMIN_TOKEN: TOKEN,
      CALLBACK_ALLOW_PRIVATE: 'true',
    });
    env = { STRIPE_CONNECTOR_URL: server.url, STRIPE_CONNECTOR_TOKEN: TOKEN };
    const connection = await api('POST', '/api/connections', { name: 'emulated', apiKey: 'sk_test_watch0000000000000000000' });
    assert.equal(connection.status, 201, JSON.stringify(connection.json));
    connectionId = connection.json.id;
  });
  after(() => closeAll(() => server?.stop(), () => stripe?.stop(), () => place?.remove()));

  test('prints a new customer as one JSON line on stdout, status on stderr; SIGINT deletes its subscription and exits 0', async () => {
    const watch = startWatch(['customerAdded', '--connection', connectionId, '--poll-interval', '1'], env);
    try {
      const [, subscriptionId] = await watch.waitFor('stderr', /subscription (sub_\w+), events to http:\/\/127\.0\.0\.1:\d+\/events/);
      const listed = (await api('GET', '/api/subscriptions')).json.data as { id: string; pollIntervalSeconds: number; trigger: string }[];
      assert.deepEqual(listed.map((s) => [s.id, s.trigger, s.pollIntervalSeconds]), [[subscriptionId, 'customerAdded', 1]]);

      const customer = await api('POST', `/api/connections/${connectionId}/actions/createCustomer`, { email: 'watched@example.com' });
      assert.equal(customer.status, 200);
      await watch.waitFor('stdout', new RegExp(customer.json.id));

      watch.child.kill('SIGINT');
      assert.equal(await watch.exited, 0, watch.stderr());
      assert.match(watch.stderr(), new RegExp(`subscription ${subscriptionId} deleted`));
      assert.deepEqual((await api('GET', '/api/subscriptions')).json.data, []);

      const lines = watch.stdout().trimEnd().split('\n');
      assert.equal(lines.length, 1, 'stdout carries the one event and nothing else');
      const event = JSON.parse(lines[0]!) as { type: string; subscription: string; connection: string; data: { id: string; email: string } };
      assert.equal(event.type, 'customerAdded');
      assert.equal(event.subscription, subscriptionId);
      assert.equal(event.connection, connectionId);
      assert.deepEqual([event.data.id, event.data.email], [customer.json.id, 'watched@example.com']);
    } finally {
      if (watch.child.exitCode === null) watch.child.kill('SIGKILL');
    }
  });

  test('an unknown trigger is a clear error with exit code 1, and nothing is created', async () => {
    const result = await runCli(['watch', 'customerDeleted', '--connection', connectionId, '--poll-interval', '1'], { env });
    assert.equal(result.code, 1);
    assert.match(result.stderr, /trigger: must be one of "chargeAdded", "customerAdded", "invoiceItemAdded", "orderAdded"/);
    assert.equal(result.stdout, '');
    assert.deepEqual((await api('GET', '/api/subscriptions')).json.data, []);
  });

  test('a server without CALLBACK_ALLOW_PRIVATE refuses the loopback listener, and watch says what to set', async () => {
    const strictPlace = await newStorePlace('sc-watch-strict-');
    let strict: RunningServer | undefined;
    try {
      const config = loadConfig({}, { dataDir: strictPlace.dataDir, databaseUrl: strictPlace.databaseUrl, port: 0, host: '127.0.0.1', stripeApiBase: stripe.url, adminToken: TOKEN });
      strict = await startServer(config, { logger: createLogger({ level: 'silent' }), stripeRequestsPerSecond: false });
      const connection = await api('POST', '/api/connections', { name: 'strict', apiKey: 'sk_test_watch0000000000000000000' }, strict.url);
      assert.equal(connection.status, 201);
      const result = await runCli(['watch', 'chargeAdded', '--connection', connection.json.id], { env: { ...env, STRIPE_CONNECTOR_URL: strict.url } });
      assert.equal(result.code, 1);
      assert.match(result.stderr, /refused the callback address http:\/\/127\.0\.0\.1:\d+\/events.*CALLBACK_ALLOW_PRIVATE=true/s);
      assert.deepEqual((await api('GET', '/api/subscriptions', undefined, strict.url)).json.data, []);
    } finally {
      await strict?.stop();
      await strictPlace.remove();
    }
  });
});

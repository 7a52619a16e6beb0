// Figures for docs/power-automate.md: how fast the Power Automate routes answer, the server as
// `serve` runs it in this process, the emulator on port 0, a real SQLite file.
// - empty polls/s: polling-trigger calls that find nothing (each one Stripe list call, paced by the
//   per-key limiter: 25 requests/s for a test key), 8 chains in parallel on one connection;
// - backfill items/s: a `since` over 20,000 bulk customers, Locations followed with no sleep;
// - instant events/s: 2,000 customers created through the API, 25 at a time, with an instant
//   (webhook-mode) trigger subscribed: time from the first create to the 2,000th callback.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Stripe from 'stripe';
import { loadConfig } from '../../src/config.js';
import { startServer } from '../../src/app/server.js';
import { startEmulator } from '../../src/emulator/index.js';
import { createLogger } from '../../src/log.js';
import { createUserWithToken } from '../../src/users/tokens.js';

const emulator = await startEmulator({ port: 0, rateLimitPerSecond: false });
const dataDir = mkdtempSync(join(tmpdir(), 'sc-bench-pa-'));
const config = loadConfig({}, { dataDir, port: 0, host: '127.0.0.1', stripeApiBase: emulator.url, callbackAllowPrivate: true, adminToken: 'sc_admin_bench_pa_000000000000000001' });
const server = await startServer(config, { logger: createLogger({ level: 'silent' }) });
const { token } = await createUserWithToken(server.services.db, { name: 'bench' });
const authorization = `Bearer ${token}`;
let accounts = 0;

async function connect() {
  const apiKey = `sk_test_benchpa${process.pid}x${++accounts}`;
  const response = await fetch(`${server.url}/api/connections`, {
    method: 'POST',
    headers: { authorization, 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'bench', apiKey, apiBase: emulator.url }),
  });
  const { id } = (await response.json()) as { id: string };
  return { id, apiKey, stripe: new Stripe(apiKey, { host: '127.0.0.1', port: emulator.port, protocol: 'http', maxNetworkRetries: 0, telemetry: false }) };
}
const get = async (url: string) => {
  const response = await fetch(url, { headers: { authorization } });
  return { status: response.status, body: await response.text(), location: response.headers.get('location')! };
};

try {
  {
    const { id } = await connect();
    const POLLS = 400;
    let done = 0;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        let url = (await get(`${server.url}/api/power-automate/connections/${id}/poll/chargeAdded`)).location;
        while (done++ < POLLS) url = (await get(url)).location;
      }),
    );
    console.log(`empty polls: ${(POLLS / ((performance.now() - started) / 1000)).toFixed(1)}/s on one connection (test key)`);
  }
  {
    const { id, apiKey } = await connect();
    const now = Math.floor(Date.now() / 1000);
    await fetch(`${emulator.url}/_emulator/bulk`, {
      method: 'POST',
      headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: `type=customers&count=20000&created_from=${now - 86_400}&created_to=${now - 600}`,
    });
    const started = performance.now();
    let items = 0;
    let answers = 0;
    let answer = await get(`${server.url}/api/power-automate/connections/${id}/poll/customerAdded?since=${new Date((now - 90_000) * 1000).toISOString()}`);
    while (answer.status === 200) {
      items += (JSON.parse(answer.body) as unknown[]).length;
      answers += 1;
      answer = await get(answer.location);
    }
    const seconds = (performance.now() - started) / 1000;
    console.log(`backfill: ${items} items in ${answers} answers, ${seconds.toFixed(1)} s, ${(items / seconds).toFixed(0)} items/s`);
  }
  {
    const { id, stripe } = await connect();
    let received = 0;
    let resolveAll: () => void;
    const all = new Promise<void>((resolve) => (resolveAll = resolve));
    const COUNT = 2000;
    const callback = http.createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        res.writeHead(202).end();
        if (++received === COUNT) resolveAll();
      });
    });
    await new Promise<void>((resolve) => callback.listen(0, '127.0.0.1', resolve));
    await fetch(`${server.url}/api/power-automate/connections/${id}/hooks/customerAdded`, {
      method: 'POST',
      headers: { authorization, 'content-type': 'application/json' },
      body: JSON.stringify({ callbackUrl: `http://127.0.0.1:${(callback.address() as AddressInfo).port}/invoke`, mode: 'webhook' }),
    });
    const started = performance.now();
    let next = 0;
    await Promise.all(Array.from({ length: 25 }, async () => {
      while (next++ < COUNT) await stripe.customers.create({});
    }));
    const created = (performance.now() - started) / 1000;
    await all;
    const seconds = (performance.now() - started) / 1000;
    console.log(`instant: ${COUNT} events in ${seconds.toFixed(1)} s (${(COUNT / seconds).toFixed(0)}/s; the creates alone took ${created.toFixed(1)} s)`);
    callback.closeAllConnections();
    callback.close();
  }
} finally {
  await server.stop();
  await emulator.stop();
  rmSync(dataDir, { recursive: true, force: true });
}

// The connector in its own process for the bench: the real server (auth, validation, throttle,
// run history in a real SQLite file, the action, the mapping) with one connection to the
// emulator. Sends {"url", "token", "connectionId"} over IPC once ready (control.ts); stops on
// SIGTERM. It logs at BENCH_LOG_LEVEL (default info, as in production: one line per request) to
// its stdout, which the bench discards.
//
// Two limits are raised so the bench measures the connector's cost rather than its pacing:
// the incoming throttle (100 calls/60 s by default) and the outgoing Stripe limiter (25/s for a
// test key). The limiter stays in the path, at 1,000,000/s, so its bookkeeping is still measured.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/log.js';
import { startServer } from '../../src/app/server.js';
import { announceReady } from './control.js';

// Source-mapped stack traces: tsx turns them on, `node dist/…` in production does not, and the
// stripe SDK reads `new Error().stack` on every request, which under source maps costs tens of µs.
process.setSourceMapsEnabled(false);

const [emulatorUrl, apiKey] = process.argv.slice(2) as [string, string];
// BENCH_DATA_DIR and BENCH_ADMIN_TOKEN: a store shared with other connector processes (several
// processes on one store, as several workers or nodes would run). Default: a store of its own.
const sharedDataDir = process.env.BENCH_DATA_DIR;
const dataDir = sharedDataDir ?? mkdtempSync(join(tmpdir(), 'sc-bench-'));
const adminToken = process.env.BENCH_ADMIN_TOKEN ?? `sct_${randomBytes(24).toString('base64url')}`;
// The emulator is this connector's Stripe (STRIPE_API_BASE): the only apiBase besides Stripe's it accepts.
const config = loadConfig({}, { port: 0, host: '127.0.0.1', dataDir, adminToken, stripeApiBase: emulatorUrl, actionRateLimit: 1_000_000_000 });
const server = await startServer(config, { logger: createLogger({ level: process.env.BENCH_LOG_LEVEL ?? 'info' }), stripeRequestsPerSecond: 1_000_000 });

const response = await fetch(`${server.url}/api/connections`, {
  method: 'POST',
  headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
  body: JSON.stringify({ name: 'bench', apiKey, apiBase: emulatorUrl }),
});
if (response.status !== 201) throw new Error(`connection not created: ${response.status} ${await response.text()}`);
const { id: connectionId } = (await response.json()) as { id: string };
announceReady({ url: server.url, token: adminToken, connectionId });

process.once('SIGTERM', () =>
  void server.stop().then(() => {
    if (!sharedDataDir) rmSync(dataDir, { recursive: true, force: true });
    process.exit(0);
  }),
);

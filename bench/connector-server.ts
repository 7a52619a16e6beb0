// The connector as the benchmark runs it: a child process like `stripe-connector serve`, on a temp
// data directory, with the outgoing Stripe limiter off (the emulator's own limit is off too; with
// it on, both paths would measure the 25 req/s test-mode pacing instead of the code).
// Prints one JSON line {url, token} when ready; SIGTERM stops it.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../src/config.js';
import { startServer } from '../src/app/server.js';

const stripeApiBase = process.argv[2];
if (!stripeApiBase) throw new Error('usage: connector-server.ts STRIPE_API_BASE');
const dataDir = mkdtempSync(join(tmpdir(), 'sc-bench-'));
const token = 'bench-admin-token-0000000000000000';
const server = await startServer(
  loadConfig(process.env, { dataDir, port: 0, stripeApiBase, adminToken: token, actionRateLimit: 1_000_000_000 }),
  { stripeRequestsPerSecond: false },
);
console.log(JSON.stringify({ url: server.url, token }));
process.once('SIGTERM', () => {
  void server.stop().finally(() => {
    rmSync(dataDir, { recursive: true, force: true });
    process.exit(0);
  });
});

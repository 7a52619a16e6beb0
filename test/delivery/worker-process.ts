// A delivery worker as its own process, for the crash tests: it opens the store at DATA_DIR (or
// DATABASE_URL), sends every due delivery with the secret given in SUBSCRIPTION_SECRET, and runs
// until it is killed. The lease is short (LEASE_MS) so that a restarted worker takes over quickly.
import { openStore } from '../../src/store/database.js';
import { DeliveryWorker } from '../../src/delivery/worker.js';

const store = openStore({ dataDir: process.env.DATA_DIR!, databaseUrl: process.env.DATABASE_URL || undefined });
const secret = process.env.SUBSCRIPTION_SECRET!;
const worker = new DeliveryWorker({
  db: store,
  openSecret: () => secret,
  send: { allowPrivate: true, timeoutMs: 2_000 },
  leaseMs: Number(process.env.LEASE_MS ?? 300),
  batchSize: 20,
  concurrency: 4,
  idleIntervalMs: 20,
});
worker.start();
process.stdout.write('worker started\n');

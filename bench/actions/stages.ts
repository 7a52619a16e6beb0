// In-process micro-timings of each stage of an action call, one at a time, in one process, so the
// shares can be compared without the machine's noise between processes. Not a target check.
//   node --import tsx bench/actions/stages.ts
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { loadConfig } from '../../src/config.js';
import { composeServices } from '../../src/app/services.js';
import { buildApp } from '../../src/http/app.js';
import { authenticateWithConnection, createUserWithToken } from '../../src/users/tokens.js';
import { RunRecorder, type RunRecord } from '../../src/action-calls/run-recorder.js';
import { observeRequestIds } from '../../src/action-calls/request-id.js';
import { startEmulator } from '../../src/emulator/index.js';
import { insertRun } from '../../src/store/runs.js';
import type { NewRunRow } from '../../src/store/schema.js';
import { newId } from '../../src/ids.js';
import { createThrottle } from '../../src/action-calls/throttle.js';
import { getCustomer } from '../../src/connector/actions/get-customer.js';
import { createLogger } from '../../src/log.js';

process.setSourceMapsEnabled(false);
const N = Number(process.env.BENCH_STAGE_ITERATIONS ?? 5000);

/** Runs `op` N times after a warm-up; `perOp` operations happen in each run of `op`. */
async function time(name: string, op: () => unknown, perOp = 1): Promise<void> {
  const runs = Math.max(1, Math.round(N / perOp));
  for (let i = 0; i < Math.min(runs, 1000); i += 1) await op();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 0; i < runs; i += 1) await op();
  const operations = runs * perOp;
  const wallUs = ((performance.now() - t0) * 1000) / operations;
  const cpu = process.cpuUsage(cpu0);
  console.log(`| ${name} | ${wallUs.toFixed(1)} | ${((cpu.user + cpu.system) / operations).toFixed(1)} |`);
}

const emulator = await startEmulator({ port: 0, rateLimitPerSecond: false });
const dataDir = mkdtempSync(join(tmpdir(), 'sc-stages-'));
const config = loadConfig({}, { dataDir, stripeApiBase: emulator.url, actionRateLimit: 1_000_000_000 });
const services = await composeServices(config, { logger: pino({ level: 'silent' }), stripeRequestsPerSecond: 1_000_000 });
const { userId, token } = await createUserWithToken(services.db, { name: 'bench' });
const apiKey = `sk_test_stages${Date.now()}`;
const view = await services.connections.create(userId, { name: 'bench', apiKey, apiBase: emulator.url });
const row = await services.connections.owned(userId, view.id);
const stripe = services.connections.stripeFor(row);
const customer = await stripe.customers.create({ email: 'bench@example.com' });
const app = await buildApp(services);
const devNull = createLogger({ level: 'info', destination: pino.destination({ dest: '/dev/null', sync: true }) });
const throttle = createThrottle(services.db);

console.log(`stages, ${N} sequential iterations each, Node ${process.version}`);
console.log('');
console.log('| stage | wall µs/op | CPU µs/op |');
console.log('|---|---|---|');
await time('authenticate: token read (other /api routes)', () => services.authenticate(token));
await time('connections.owned: connection read', () => services.connections.owned(userId, view.id));
await time('authenticateWithConnection: both in one read (action route)', () => authenticateWithConnection(services.db, token, view.id));
await time('throttle.take (one store transaction)', () => throttle.take(view.id, 1_000_000_000, 60));
const runRow = (): NewRunRow => ({
  id: newId('run'), kind: 'action', user_id: userId, connection_id: view.id, operation: 'getCustomer', status: 'succeeded',
  duration_ms: 1, stripe_request_id: 'req_x', input: JSON.stringify({ id: customer.id }), output: JSON.stringify(customer), error: null,
  created_at: new Date().toISOString(),
});
await time('insertRun: one row, its own commit', () => insertRun(services.db, runRow()));
const recorder = new RunRecorder(services.db);
const customerJson = JSON.stringify(customer);
const runRecord = (): RunRecord => ({
  id: newId('run'), kind: 'action', user_id: userId, connection_id: view.id, operation: 'getCustomer', status: 'succeeded',
  duration_ms: 1, stripe_request_id: 'req_x', input: { id: customer.id }, output: { value: customer, json: customerJson },
  created_at: new Date().toISOString(),
});
await time('RunRecorder: 20 rows recorded together (redacted), per row', async () => {
  await Promise.all(Array.from({ length: 20 }, () => recorder.record(runRecord())));
}, 20);
await time('one pino info line with redaction (/dev/null)', () => devNull.info({ method: 'POST', url: '/api/connections/x/actions/getCustomer', statusCode: 200, responseTimeMs: 1.234 }, 'request'));
await time('getCustomer.run (SDK + in-process emulator)', () => getCustomer.run({ stripe, idempotencyKey: 'x' }, { id: customer.id }));
await time('getCustomer.run through the per-call request-id view', () => getCustomer.run({ stripe: observeRequestIds(stripe, { stripeRequestId: undefined }), idempotencyKey: 'x' }, { id: customer.id }));
await time('actions.run (whole service, connection read included)', () => services.actions.run({ userId, connectionId: view.id, operation: 'getCustomer', input: { id: customer.id } }));
const injectOptions = { method: 'POST' as const, url: `/api/connections/${view.id}/actions/getCustomer`, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, payload: JSON.stringify({ id: customer.id }) };
await time('app.inject (fastify + auth + service; inject has its own cost)', async () => {
  const response = await app.inject(injectOptions);
  if (response.statusCode !== 200) throw new Error(response.body);
});

await app.close();
await services.close();
await emulator.stop();
rmSync(dataDir, { recursive: true, force: true });

// bench/scale-out: what one more connector process buys, and what each event costs the connector
// and its database. For each store (SQLite, PostgreSQL) and 1 then 2 connector processes on it:
//   - webhook events/s: signed Stripe events POSTed to /webhooks/stripe/{connectionId} of the real
//     `node dist/cli/main.js serve` processes (each process its own generator, 64 requests in
//     flight in all), delivered to a subscriber process; events/s is distinct deliveries over the
//     time from the first send to the last delivery;
//   - action calls/s: getCustomer through POST /api/connections/{id}/actions/getCustomer of the
//     same `serve` processes, 20 in flight in all, round-robin over the processes and over
//     ACTION_CONNECTIONS connections, each with its own key (an emulated account of its own). As an
//     operator runs it: the action throttle on and kept in the store, raised (ACTION_RATE_LIMIT) so
//     it never refuses but still costs its transaction per call; Stripe's pace on at its default
//     for the key and kept in the store, each key far under it (see ACTION_CONNECTIONS), so it
//     costs its transaction per request but never waits. BENCH_SCALE_OUT_PACE=off runs the calls
//     on node-process.ts instead (the same server with Stripe's pace switched off, no store
//     transaction for it): the difference is what the shared pace costs.
// The 1-process run on the same store in the same run is the baseline of the 2-process run.
// CPU µs per event: the connector processes (and their workers) from /proc, utime + stime; on
// PostgreSQL also statements (pg_stat_statements), WAL bytes and commits per event, commits/s,
// and the PostgreSQL server's own CPU per event; and the server's ceiling for one-row commits.
//
//   npm run bench -- scale-out
//   BENCH_SCALE_OUT_MS=10000         each measured run (default 10 s)
//   BENCH_SCALE_OUT_STORES=sqlite,postgres
//   BENCH_SCALE_OUT_SERVE_WORKERS=1  the 2-process webhook runs as one `serve --workers 2`
//                                    instead of two `serve` processes on two ports
//   BENCH_SCALE_OUT_PACE=off         action calls without Stripe's pace (node-process.ts)
//   BENCH_SCALE_OUT_TOP=12           after each PostgreSQL scenario, its 12 costliest statements
//   BENCH_PG_FAST=1                  the test runner's PostgreSQL settings (fsync, full-page writes
//                                    and synchronous commit off) instead of durable defaults
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import Stripe from 'stripe';
import { createKeyCipher } from '../../src/connections/key-cipher.js';
import { openStore } from '../../src/store/database.js';
import { startPostgres, type RunningPostgres } from '../../scripts/postgres-server.mjs';
import { describeMachine } from '../emulator/machine.js';
import { startTsChild, stopAllChildren, type Child } from '../triggers/children.js';
import type { GeneratorResult, GeneratorRun } from '../triggers/generator-process.js';
import { buildDist, loadNow } from '../triggers/world.js';
import { templateEvent } from '../triggers/template-event.js';
import { startNode, type ConnectorNode, type NodeKind } from './nodes.js';
import { commitCeiling, postgresBetween, readPostgres, STATS_SETTLE_MS, topStatements, type PostgresReading } from './postgres-stats.js';
import { treeCpuUs } from './process-cpu.js';

process.setSourceMapsEnabled(false);

/** Default 10 s per measured run. */
const RUN_MS = Number(process.env.BENCH_SCALE_OUT_MS ?? 10_000);
const STORES = (process.env.BENCH_SCALE_OUT_STORES ?? 'sqlite,postgres').split(',') as ('sqlite' | 'postgres')[];
const USE_WORKERS = process.env.BENCH_SCALE_OUT_SERVE_WORKERS === '1';
/** Webhook requests in flight in all, as bench/triggers/webhook (Stripe sends to one endpoint concurrently). */
const WEBHOOK_CONCURRENCY = 64;
/** Action calls in flight in all, as bench/actions. */
const ACTION_CONCURRENCY = 20;
const PROCESS_COUNTS = [1, 2];
const PACE_OFF = process.env.BENCH_SCALE_OUT_PACE === 'off';
const TOP_STATEMENTS = Number(process.env.BENCH_SCALE_OUT_TOP ?? 0);
/**
 * Connections the action calls are spread over, each with its own test key. Stripe's pace admits
 * 25 / 1.1 s ≈ 22.7 requests/s per test key across processes (src/stripe/rate-limiter.ts): 100
 * keys keep each one under it up to about 2,200 calls/s in all, past what this bench reaches, so
 * the pace is paid (one store transaction per request, a key rarely having two in flight to
 * admit together) but never waited for, as for an operator with many connections.
 */
const ACTION_CONNECTIONS = 100;
// Durable unless asked: production runs with fsync and synchronous commit on, and commits/s is
// the figure that decides where PostgreSQL becomes the limit.
const PG_SETTINGS = {
  shared_preload_libraries: 'pg_stat_statements',
  ...(process.env.BENCH_PG_FAST === '1' ? {} : { fsync: 'on', full_page_writes: 'on', synchronous_commit: 'on' }),
};

interface StorePlace {
  label: 'SQLite' | 'PostgreSQL';
  env: Record<string, string>;
  databaseName: string | undefined;
  dataDir: string;
  databaseUrl: string | undefined;
  remove(): Promise<void>;
}

interface Figures {
  events: number;
  seconds: number;
  answeredPerSecond: number;
  perSecond: number;
  failed: number;
  connectorCpuUs: number;
  postgres: PostgresReading | undefined;
}

interface Row {
  store: string;
  processes: number;
  how: string;
  workload: 'webhook events' | 'action calls';
  figures: Figures;
}

const clockMs = () => performance.timeOrigin + performance.now();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function newPlace(store: 'sqlite' | 'postgres', server: RunningPostgres | undefined, admin: pg.Client | undefined): Promise<StorePlace> {
  const dataDir = mkdtempSync(join(tmpdir(), 'sc-bench-scale-'));
  if (store === 'sqlite') {
    return { label: 'SQLite', env: { DATA_DIR: dataDir }, databaseName: undefined, dataDir, databaseUrl: undefined, remove: async () => rmSync(dataDir, { recursive: true, force: true }) };
  }
  const databaseName = `sc_bench_${randomBytes(4).toString('hex')}`;
  await admin!.query(`create database ${databaseName}`);
  const url = new URL(server!.url);
  url.pathname = `/${databaseName}`;
  return {
    label: 'PostgreSQL',
    env: { DATA_DIR: dataDir, DATABASE_URL: url.toString() },
    databaseName,
    dataDir,
    databaseUrl: url.toString(),
    remove: async () => {
      await admin!.query(`drop database ${databaseName} with (force)`);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

async function api<T>(url: string, token: string, method: string, path: string, body?: unknown): Promise<T> {
  const response = await fetch(`${url}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  if (response.status >= 300) throw new Error(`${method} ${path}: ${response.status} ${text}`);
  return (text === '' ? undefined : JSON.parse(text)) as T;
}


async function endpointSecret(place: StorePlace, masterKey: Buffer, connectionId: string): Promise<string> {
  const store = openStore({ dataDir: place.dataDir, databaseUrl: place.databaseUrl });
  try {
    const row = await store.selectFrom('webhook_endpoints').select('secret_ciphertext').where('connection_id', '=', connectionId).executeTakeFirst();
    if (!row) throw new Error('no webhook endpoint was registered');
    return createKeyCipher(masterKey).open(row.secret_ciphertext, connectionId);
  } finally {
    await store.destroy();
  }
}

interface SubscriberReport {
  distinct: number;
  lastAtMs: number;
}

async function drained(subscriber: Child<{ url: string }>, count: number, timeoutMs: number): Promise<SubscriberReport> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const r = (await subscriber.ask<{ report: SubscriberReport }>('report', 'report')).report;
    if (r.distinct >= count || Date.now() > deadline) return r;
    await sleep(200);
  }
}

const generate = async (generator: Child<object>, run: GeneratorRun): Promise<GeneratorResult> => (await generator.ask<{ result: GeneratorResult }>({ run }, 'result')).result;

interface Measure {
  nodes: ConnectorNode[];
  postgres: { admin: pg.Client; server: RunningPostgres; database: string } | undefined;
}

async function measured(where: Measure, work: () => Promise<{ events: number; answered: number; failed: number; startMs: number; endMs: number; loadMs: number }>): Promise<Figures> {
  const cpu = () => where.nodes.reduce((sum, node) => sum + treeCpuUs(node.process.pid!), 0);
  const pgRead = () => (where.postgres ? readPostgres(where.postgres.admin, where.postgres.database, where.postgres.server.pid) : Promise.resolve(undefined));
  const pgBefore = await pgRead();
  const cpuBefore = cpu();
  const done = await work();
  const connectorCpuUs = cpu() - cpuBefore;
  const pgCpuAtEnd = where.postgres ? treeCpuUs(where.postgres.server.pid) : 0;
  if (where.postgres) await sleep(STATS_SETTLE_MS);
  const pgAfter = await pgRead();
  const postgres = pgBefore && pgAfter ? { ...postgresBetween(pgBefore, pgAfter), cpuUs: pgCpuAtEnd - pgBefore.cpuUs } : undefined;
  const seconds = (done.endMs - done.startMs) / 1000;
  return { events: done.events, seconds, answeredPerSecond: done.answered / (done.loadMs / 1000), perSecond: done.events / seconds, failed: done.failed, connectorCpuUs, postgres };
}

/** What the idle processes cost PostgreSQL per second (their poll, delivery and reconcile loops), for subtracting. */
interface IdleBackground {
  processes: number;
  commitsPerSecond: number;
  statementsPerSecond: number | undefined;
  cpuUsPerSecond: number;
}

const idle: IdleBackground[] = [];
const IDLE_MS = 10_000;

async function idleBackground(where: Measure): Promise<Omit<IdleBackground, 'processes'>> {
  const { admin, database, server } = where.postgres!;
  await sleep(STATS_SETTLE_MS);
  const before = await readPostgres(admin, database, server.pid);
  await sleep(IDLE_MS);
  const d = postgresBetween(before, await readPostgres(admin, database, server.pid));
  const perSecond = (n: number) => n / (IDLE_MS / 1000);
  return { commitsPerSecond: perSecond(d.commits), statementsPerSecond: d.statements === undefined ? undefined : perSecond(d.statements), cpuUsPerSecond: perSecond(d.cpuUs) };
}

async function webhookRun(
  nodes: ConnectorNode[],
  inboundPath: string,
  generators: Child<object>[],
  subscriber: Child<{ url: string }>,
  load: Pick<GeneratorRun, 'secret' | 'template'>,
  runId: string,
  where: Measure,
): Promise<Figures> {
  const targets = generators.slice(0, nodes.length).map((generator, i) => ({ generator, url: `${nodes[i]!.url}${inboundPath}` }));
  const closed = { kind: 'closed' as const, concurrency: WEBHOOK_CONCURRENCY / targets.length };
  // Warm-up: JIT, keep-alive sockets, store pages; then let the outbox drain.
  const warm = await Promise.all(targets.map((t, i) => generate(t.generator, { ...load, url: t.url, runId: `${runId}w${i}`, load: closed, durationMs: 2000 })));
  await drained(subscriber, warm.reduce((sum, r) => sum + r.accepted, 0), 60_000);
  await subscriber.ask('reset', 'reset');
  return measured(where, async () => {
    const startMs = clockMs();
    const runs = await Promise.all(targets.map((t, i) => generate(t.generator, { ...load, url: t.url, runId: `${runId}m${i}`, load: closed, durationMs: RUN_MS })));
    const answered = runs.reduce((sum, r) => sum + r.accepted, 0);
    const drain = await drained(subscriber, answered, 120_000);
    return {
      events: drain.distinct,
      answered,
      failed: runs.reduce((sum, r) => sum + r.failed, 0),
      startMs,
      endMs: drain.lastAtMs,
      loadMs: Math.max(...runs.map((r) => r.durationMs)),
    };
  });
}

interface ActionTarget {
  path: string;
  body: string;
}

async function actionRun(nodes: ConnectorNode[], token: string, calls: ActionTarget[], where: Measure): Promise<Figures> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: ACTION_CONCURRENCY });
  let next = 0;
  const call = (node: ConnectorNode) =>
    new Promise<boolean>((resolve) => {
      // Round-robin over the connections: a key has a second call in flight only when 20 of 100 collide.
      const { path, body } = calls[next++ % calls.length]!;
      const target = new URL(path, node.url);
      const req = http.request(target, { method: 'POST', agent, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
        res.resume();
        res.once('end', () => resolve(res.statusCode === 200));
      });
      req.once('error', () => resolve(false));
      req.end(body);
    });
  const loop = async (durationMs: number) => {
    let ok = 0;
    let failed = 0;
    const deadline = performance.now() + durationMs;
    await Promise.all(
      Array.from({ length: ACTION_CONCURRENCY }, async (_, worker) => {
        const node = nodes[worker % nodes.length]!;
        while (performance.now() < deadline) {
          if (await call(node)) ok += 1;
          else failed += 1;
        }
      }),
    );
    return { ok, failed };
  };
  await loop(1000);
  try {
    return await measured(where, async () => {
      const startMs = clockMs();
      const { ok, failed } = await loop(RUN_MS);
      const endMs = clockMs();
      return { events: ok, answered: ok, failed, startMs, endMs, loadMs: endMs - startMs };
    });
  } finally {
    agent.destroy();
  }
}

/** ACTION_CONNECTIONS connections, each on a key of its own with one customer; the getCustomer call for each. */
async function actionConnections(url: string, token: string, apiKeyPrefix: string, emulatorUrl: string): Promise<ActionTarget[]> {
  const emulator = new URL(emulatorUrl);
  const one = async (i: number): Promise<ActionTarget> => {
    const apiKey = `${apiKeyPrefix}a${i}`;
    const stripe = new Stripe(apiKey, { host: emulator.hostname, port: emulator.port, protocol: 'http', telemetry: false });
    const { id } = await api<{ id: string }>(url, token, 'POST', '/api/connections', { name: `bench-actions-${i}`, apiKey, apiBase: emulatorUrl });
    const customer = await stripe.customers.create({ email: `bench${i}@example.com` });
    return { path: `/api/connections/${id}/actions/getCustomer`, body: JSON.stringify({ id: customer.id }) };
  };
  const calls: ActionTarget[] = [];
  // Ten at a time: each connection's key check is a Stripe request of its own.
  for (let i = 0; i < ACTION_CONNECTIONS; i += 10) calls.push(...(await Promise.all(Array.from({ length: 10 }, (_, j) => one(i + j)))));
  return calls;
}

async function scenario(
  store: 'sqlite' | 'postgres',
  processes: number,
  shared: { emulatorUrl: string; generators: Child<object>[]; subscriber: Child<{ url: string }>; server?: RunningPostgres; admin?: pg.Client },
): Promise<Row[]> {
  const place = await newPlace(store, shared.server, shared.admin);
  const adminToken = `sct_${randomBytes(24).toString('base64url')}`;
  const masterKey = randomBytes(32);
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH ?? '',
    NODE_ENV: 'production',
    PORT: '0',
    HOST: '127.0.0.1',
    ...place.env,
    CALLBACK_ALLOW_PRIVATE: 'true',
    STRIPE_CONNECTOR_ADMIN_TOKEN: adminToken,
    STRIPE_CONNECTOR_MASTER_KEY: masterKey.toString('base64'),
    STRIPE_API_BASE: shared.emulatorUrl,
    // The incoming throttle (100 calls per connection per 60 s) raised so it never refuses; it
    // still counts every call in the store, which is the cost an operator pays.
    ACTION_RATE_LIMIT: '1000000000',
  };
  const where = (nodes: ConnectorNode[]): Measure => ({
    nodes,
    postgres: shared.server && place.databaseName ? { admin: shared.admin!, server: shared.server, database: place.databaseName } : undefined,
  });
  const startNodes = async (kind: NodeKind, count: number) => {
    // The first alone: it migrates the empty store and creates the admin user.
    const first = await startNode(kind, env);
    const rest = await Promise.all(Array.from({ length: count - 1 }, () => startNode(kind, env)));
    return [first, ...rest];
  };
  const rows: Row[] = [];
  const apiKey = `sk_test_scale${store}${processes}${Date.now()}`;
  const emulator = new URL(shared.emulatorUrl);
  const stripe = new Stripe(apiKey, { host: emulator.hostname, port: emulator.port, protocol: 'http', telemetry: false });
  try {
    // Webhook events through the real `serve`.
    const workers = USE_WORKERS && processes > 1;
    const serveNodes = workers ? await startNodes({ kind: 'serve', args: ['--workers', String(processes)] }, 1) : await startNodes({ kind: 'serve', args: [] }, processes);
    // One `serve --workers N` listens on one port: its workers share it, so all load aims at it.
    const targets = workers ? Array.from({ length: processes }, () => serveNodes[0]!) : serveNodes;
    const how = workers ? `serve --workers ${processes}` : `${processes} × serve`;
    let calls: ActionTarget[];
    try {
      const url = serveNodes[0]!.url;
      const connectionId = (await api<{ id: string }>(url, adminToken, 'POST', '/api/connections', { name: 'bench', apiKey, apiBase: shared.emulatorUrl })).id;
      const template = await templateEvent(stripe);
      await api(url, adminToken, 'POST', `/api/connections/${connectionId}/subscriptions`, { trigger: 'chargeAdded', url: shared.subscriber.ready.url, mode: 'webhook' });
      const secret = await endpointSecret(place, masterKey, connectionId);
      const w = where(serveNodes);
      if (w.postgres) idle.push({ processes, ...(await idleBackground(w)) });
      const figures = await webhookRun(targets, `/webhooks/stripe/${connectionId}`, shared.generators, shared.subscriber, { secret, template }, `${store[0]}${processes}`, w);
      rows.push({ store: place.label, processes, how, workload: 'webhook events', figures });
      // Created after the webhook run, so that run and its idle figures see one connection, as before.
      calls = await actionConnections(url, adminToken, apiKey, shared.emulatorUrl);
      // Action calls on the same processes, as an operator runs them (ACTION_CONNECTIONS says how).
      if (!PACE_OFF) {
        const actions = await actionRun(targets, adminToken, calls, where(serveNodes));
        rows.push({ store: place.label, processes, how: `${how}, throttle and pace in the store`, workload: 'action calls', figures: actions });
      }
    } finally {
      await Promise.all(serveNodes.map((n) => n.stop()));
    }
    if (PACE_OFF) {
      const pacedOff = await startNodes({ kind: 'paced-off' }, processes);
      try {
        const figures = await actionRun(pacedOff, adminToken, calls, where(pacedOff));
        rows.push({ store: place.label, processes, how: `${processes} × server, Stripe pace off, throttle in the store`, workload: 'action calls', figures });
      } finally {
        await Promise.all(pacedOff.map((n) => n.stop()));
      }
    }
    if (TOP_STATEMENTS > 0 && shared.admin && place.databaseName) {
      console.log(`\n${place.label}, ${processes} process(es): the costliest statements of both runs`);
      for (const line of await topStatements(shared.admin, place.databaseName, TOP_STATEMENTS)) console.log(`  ${line}`);
    }
  } finally {
    await place.remove();
  }
  return rows;
}

const perEvent = (value: number | undefined, events: number, digits = 0) => (value === undefined || events === 0 ? '—' : (value / events).toFixed(digits));

function printRows(rows: Row[]): void {
  console.log('| store | processes | workload | events | failed | answered/s | events/s | × 1 process | connector CPU µs/event | PG statements/event | PG commits/event | PG WAL bytes/event | PG commits/s | PG CPU µs/event |');
  console.log('|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const row of rows) {
    const f = row.figures;
    const baseline = rows.find((r) => r.store === row.store && r.workload === row.workload && r.processes === 1);
    const ratio = baseline && row !== baseline ? (f.perSecond / baseline.figures.perSecond).toFixed(2) : row.processes === 1 ? 'baseline' : '—';
    const p = f.postgres;
    console.log(
      `| ${row.store} | ${row.how} | ${row.workload} | ${f.events} | ${f.failed} | ${f.answeredPerSecond.toFixed(0)} | ${f.perSecond.toFixed(0)} | ${ratio} | ${perEvent(f.connectorCpuUs, f.events)} | ${perEvent(p?.statements, f.events, 1)} | ${perEvent(p?.commits, f.events, 2)} | ${perEvent(p?.walBytes, f.events)} | ${p ? (p.commits / f.seconds).toFixed(0) : '—'} | ${perEvent(p?.cpuUs, f.events)} |`,
    );
  }
}

async function main(): Promise<number> {
  buildDist();
  const loadAtStart = loadNow();
  const emulator = await startTsChild<{ url: string }>('./emulator-process.ts');
  const subscriber = await startTsChild<{ url: string }>('./subscriber-process.ts');
  const generators = await Promise.all(PROCESS_COUNTS.map(() => startTsChild<object>('./generator-process.ts')));
  let server: RunningPostgres | undefined;
  let admin: pg.Client | undefined;
  const rows: Row[] = [];
  let ceiling: number | undefined;
  try {
    if (STORES.includes('postgres')) {
      const started = await startPostgres({ settings: PG_SETTINGS });
      if ('skipped' in started) console.log(`PostgreSQL runs skipped: ${started.skipped}`);
      else {
        server = started;
        admin = new pg.Client({ connectionString: server.url });
        await admin.connect();
        await admin.query('create extension if not exists pg_stat_statements');
      }
    }
    for (const store of STORES) {
      if (store === 'postgres' && !server) continue;
      for (const processes of PROCESS_COUNTS) {
        rows.push(...(await scenario(store, processes, { emulatorUrl: emulator.ready.url, generators, subscriber, server, admin })));
      }
    }
    if (server) ceiling = await commitCeiling(server.url, 16, 5_000);
  } finally {
    await admin?.end();
    await server?.stop();
  }
  console.log(`machine: ${describeMachine()}; load average at start ${loadAtStart}, at end ${loadNow()}`);
  console.log(
    `each run ${RUN_MS / 1000} s after a warm-up; webhook events: ${WEBHOOK_CONCURRENCY} in flight in all, one generator per process (one port: all at it), events/s = distinct deliveries ÷ (first send → last delivery); ` +
      `action calls: getCustomer, ${ACTION_CONCURRENCY} in flight round-robin over ${ACTION_CONNECTIONS} connections (one key each), throttle raised, ${PACE_OFF ? 'Stripe pace off' : 'Stripe pace at its default'}, both in the store; PostgreSQL ${process.env.BENCH_PG_FAST === '1' ? 'fsync off (BENCH_PG_FAST=1)' : 'durable (fsync, synchronous_commit on)'}`,
  );
  console.log('');
  printRows(rows);
  for (const i of idle) {
    console.log(
      `\nPostgreSQL, ${i.processes} idle serve process(es) (loops only, no load): ${i.commitsPerSecond.toFixed(1)} commits/s, ${i.statementsPerSecond?.toFixed(1) ?? '—'} statements/s, server CPU ${(i.cpuUsPerSecond / 1000).toFixed(1)} ms/s — included in the per-event figures above over the run and the ${STATS_SETTLE_MS / 1000} s settle`,
    );
  }
  if (ceiling !== undefined) console.log(`\nPostgreSQL ceiling here: ${ceiling.toFixed(0)} one-row commits/s (16 connections, 5 s)`);
  return rows.every((r) => r.figures.failed === 0) ? 0 : 1;
}

try {
  process.exitCode = await main();
} finally {
  await stopAllChildren();
}

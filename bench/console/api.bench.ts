// The console's routes at 1,000,000 deliveries: a SQLite store filled directly (fill.ts), then each route timed in-process (fastify inject,
// 20 calls: median and p95) beside two baselines in the same run: GET /healthz and one
// subscription's delivery history (GET /api/subscriptions/{id}/deliveries). Figures go to
// BENCHMARKS.md ("bench/console").
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { composeServices } from '../../src/app/services.js';
import { loadConfig } from '../../src/config.js';
import { buildApp } from '../../src/http/app.js';
import { createLogger } from '../../src/log.js';
import { createUserWithToken } from '../../src/users/tokens.js';
import { describeMachine } from '../emulator/machine.js';
import { writeSection } from '../emulator/benchmarks-file.js';
import { CONNECTIONS, fillStore, SUBSCRIPTIONS_PER_CONNECTION } from './fill.js';

const DELIVERIES = Number(process.env.BENCH_CONSOLE_DELIVERIES ?? 1_000_000);
const CALLS = 20;

async function measure(label: string, databaseUrl: string | undefined): Promise<{ lines: string[]; fillSeconds: number }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'sc-bench-console-'));
  const services = await composeServices(loadConfig({}, { dataDir, databaseUrl }), { logger: createLogger({ level: 'warn' }) });
  const app = await buildApp(services);
  const db = services.db;
  const alice = await createUserWithToken(db, { name: 'alice' });

  const { subscriptions, nowMs, fillSeconds } = await fillStore(db, alice.userId, { deliveries: DELIVERIES });

  const headers = { authorization: `Bearer ${alice.token}` };
  async function time(method: 'GET' | 'POST', url: string, body?: unknown): Promise<{ median: number; p95: number; first: number }> {
    const samples: number[] = [];
    for (let i = 0; i < CALLS; i++) {
      const started = performance.now();
      const res = await app.inject({ method, url, headers: body === undefined ? headers : { ...headers, 'content-type': 'application/json' }, ...(body === undefined ? {} : { payload: JSON.stringify(body) }) });
      samples.push(performance.now() - started);
      if (res.statusCode >= 300) throw new Error(`${method} ${url}: ${res.statusCode} ${res.body}`);
    }
    const sorted = [...samples].sort((a, b) => a - b);
    return { first: samples[0]!, median: sorted[Math.floor(CALLS / 2)]!, p95: sorted[Math.ceil(CALLS * 0.95) - 1]! };
  }

  const page1 = (await app.inject({ method: 'GET', url: '/api/deliveries', headers })).json() as { data: { id: string }[] };
  const lastOfPage = page1.data.at(-1)!.id;
  const hourAgo = new Date(nowMs - 3600_000).toISOString();
  const dayAgo = new Date(nowMs - 24 * 3600_000).toISOString();
  const cases: [string, 'GET' | 'POST', string, unknown?][] = [
    ['baseline: GET /healthz', 'GET', '/healthz'],
    ['baseline: GET /api/subscriptions/{id}/deliveries', 'GET', `/api/subscriptions/${subscriptions[0]!.id}/deliveries`],
    ['GET /api/overview', 'GET', '/api/overview'],
    ['GET /api/deliveries', 'GET', '/api/deliveries'],
    ['GET /api/deliveries (page 2: startingAfter)', 'GET', `/api/deliveries?startingAfter=${lastOfPage}`],
    ['GET /api/deliveries?status=failed', 'GET', '/api/deliveries?status=failed'],
    ['GET /api/deliveries?status=pending', 'GET', '/api/deliveries?status=pending'],
    ['GET /api/deliveries?connection=&trigger=', 'GET', `/api/deliveries?connection=${subscriptions[0]!.connection}&trigger=customerAdded`],
    ['GET /api/deliveries?from=&to= (a day, 1 day back)', 'GET', `/api/deliveries?from=${new Date(nowMs - 48 * 3600_000).toISOString()}&to=${dayAgo}`],
    ['GET /api/deliveries/{id}', 'GET', `/api/deliveries/${lastOfPage}`],
    ['GET /api/subscriptions (with counts)', 'GET', '/api/subscriptions'],
    ['GET /api/subscriptions?connection=', 'GET', `/api/subscriptions?connection=${subscriptions[0]!.connection}`],
    ['POST /api/deliveries/retry preview, last hour', 'POST', '/api/deliveries/retry', { preview: true, from: hourAgo }],
    ['POST /api/deliveries/retry preview, failed', 'POST', '/api/deliveries/retry', { preview: true, status: 'failed' }],
    ['GET /api/runs', 'GET', '/api/runs'],
    ['GET /api/runs?from=&to=', 'GET', `/api/runs?from=${dayAgo}&to=${hourAgo}`],
  ];
  const lines: string[] = [];
  for (const [name, method, url, body] of cases) {
    const t = await time(method, url, body);
    const line = `| ${name} | ${t.first.toFixed(1)} | ${t.median.toFixed(1)} | ${t.p95.toFixed(1)} |`;
    console.log(`${label} ${line}`);
    lines.push(line);
  }

  await app.close();
  await services.close();
  rmSync(dataDir, { recursive: true, force: true });
  return { lines, fillSeconds };
}

const sqlite = await measure('SQLite', undefined);
// PostgreSQL when its binaries are here: the throwaway server the test runner uses (scripts/postgres-server.mjs).
const postgresModule = '../../scripts/postgres-server.mjs';
const { startPostgres } = (await import(postgresModule)) as { startPostgres(): Promise<{ url?: string; skipped?: string; stop(): Promise<void> }> };
const server = await startPostgres();
let postgres: { lines: string[]; fillSeconds: number } | undefined;
try {
  if (server.url) {
    const admin = new pg.Client({ connectionString: server.url });
    await admin.connect();
    await admin.query('create database bench_console');
    await admin.end();
    const url = new URL(server.url);
    url.pathname = '/bench_console';
    postgres = await measure('PostgreSQL', url.toString());
  } else {
    console.log(`PostgreSQL skipped: ${server.skipped ?? 'not available'}`);
  }
} finally {
  await server.stop?.();
}

const lines = ['| route | SQLite first call ms | median ms | p95 ms |' + (postgres ? ' PostgreSQL first call ms | median ms | p95 ms |' : ''), '|---|---|---|---|' + (postgres ? '---|---|---|' : '')];
sqlite.lines.forEach((line, i) => lines.push(postgres ? `${line}${postgres.lines[i]!.split('|').slice(2).join('|')}` : line));
const fillSeconds = sqlite.fillSeconds;

writeSection(
  'console-api',
  `## bench/console — the console's API routes at ${DELIVERIES.toLocaleString('en')} deliveries

${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC; ${describeMachine()}. SQLite store (WAL) filled directly in ${fillSeconds.toFixed(0)} s${postgres ? `, PostgreSQL (the test runner's throwaway server: fsync off) in ${postgres.fillSeconds.toFixed(0)} s` : ''}:
${DELIVERIES.toLocaleString('en')} deliveries over 4 days, ${CONNECTIONS * SUBSCRIPTIONS_PER_CONNECTION} subscriptions on ${CONNECTIONS} connections of one user, 97% delivered, 2% failed,
pending only in the last hour. Each route called ${CALLS} times in a row through fastify's inject (no socket); "first call" is the
first of them (for GET /api/subscriptions, the one that counts each subscription's settled deliveries into the kept counts).

${lines.join('\n')}

A bulk-retry preview counts the matching rows (one index range per subscription): over a small range it is quick, over
hundreds of thousands of rows it costs ~0.4 µs a row. Subscription counts: counting each subscription's rows at every
page view took 370–700 ms a page at this size (GROUP BY over the covering index), hence the kept counts of settled
deliveries (src/store/deliveries/counts.ts); the tail query names every status, without which SQLite walked each
subscription's whole index (82 ms for two subscriptions before, 1.8 ms after).${postgres ? '' : ' PostgreSQL was not measured in this run (no binaries).'}`,
);

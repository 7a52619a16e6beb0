// What a /metrics scrape costs on a large outbox: the two outbox gauges are one store query each,
// read from the partial index of pending rows (src/store/deliveries/outbox-gauges.ts). Builds a
// SQLite store (or, with DATABASE_URL, a PostgreSQL one) with DELIVERIES deliveries (default
// 1,000,000) in two shapes — nearly all delivered (the steady state) and all pending (a subscriber
// down for a day) — and times the whole exposition of the metrics object as composeServices makes it.
//   npx tsx bench/metrics/outbox-scrape.bench.ts
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { sql } from 'kysely';
import { openStore } from '../../src/store/database.js';
import { migrateToLatest } from '../../src/store/migrate.js';
import { createMetrics } from '../../src/metrics/registry.js';
import { outboxGaugeSources } from '../../src/delivery/outbox-gauges.js';
import { PENDING_COUNT_CAP } from '../../src/store/deliveries/outbox-gauges.js';

const DELIVERIES = Number(process.env.DELIVERIES ?? 1_000_000);
const SCRAPES = 20;

const dataDir = mkdtempSync(join(tmpdir(), 'sc-bench-metrics-'));
const databaseUrl = process.env.DATABASE_URL;
const db = openStore({ dataDir, databaseUrl });
try {
  await migrateToLatest(db);
  const now = new Date().toISOString();
  await db.insertInto('users').values({ id: 'usr_bench', name: 'bench', is_admin: 0, created_at: now }).execute();
  await db
    .insertInto('connections')
    .values({ id: 'conn_bench', user_id: 'usr_bench', name: 'bench', mode: 'test', key_hint: 'sk_test_…0000', key_ciphertext: 'x', api_base: 'http://127.0.0.1:1', api_version: null, rate_limit: null, key_check: 'verified', created_at: now })
    .execute();
  await db
    .insertInto('subscriptions')
    .values({ id: 'sub_bench', user_id: 'usr_bench', connection_id: 'conn_bench', trigger: 'chargeAdded', url: 'http://127.0.0.1:1/', mode: 'poll', poll_interval_seconds: 120, secret_ciphertext: 'x', status: 'active', since: now, created_at: now })
    .execute();
  await db
    .insertInto('trigger_events')
    .values({ id: 'evt_bench', connection_id: 'conn_bench', trigger: 'chargeAdded', stripe_object_id: 'ch_bench', object_created: now, data: '{}', created_at: now })
    .execute();

  const fill = async (pendingEvery: number) => {
    await sql`delete from deliveries`.execute(db);
    const started = performance.now();
    // One statement: SQLite's recursive CTE or PostgreSQL's generate_series makes the rows.
    const series = databaseUrl
      ? sql`select n from generate_series(1, ${DELIVERIES}) as n`
      : sql`with recursive s(n) as (select 1 union all select n + 1 from s where n < ${DELIVERIES}) select n from s`;
    await sql`insert into deliveries (id, subscription_id, event_id, stripe_object_id, object_created, status, attempts, next_attempt_at, created_at)
      select 'msg_' || n, 'sub_bench', 'evt_bench', 'ch_' || n, ${now},
        case when n % ${pendingEvery} = 0 then 'pending' else 'delivered' end, 1,
        ${new Date(Date.now() - 60_000).toISOString()}, ${now}
      from (${series}) as g`.execute(db);
    if (databaseUrl) await sql`analyze deliveries`.execute(db);
    return performance.now() - started;
  };

  const metrics = createMetrics({ outbox: outboxGaugeSources(db) });
  const bare = createMetrics({ defaultMetrics: false, outbox: outboxGaugeSources(db) });
  for (const [shape, pendingEvery] of [
    ['0.1% pending (steady state)', 1000],
    ['100% pending (subscriber down)', 1],
  ] as const) {
    const fillMs = await fill(pendingEvery);
    const gauges = outboxGaugeSources(db);
    const times = { pending: [] as number[], oldest: [] as number[], scrape: [] as number[], bare: [] as number[] };
    for (let i = 0; i < SCRAPES; i++) {
      let t = performance.now();
      const pending = await gauges.pendingDeliveries();
      times.pending.push(performance.now() - t);
      t = performance.now();
      await gauges.oldestDueAgeSeconds();
      times.oldest.push(performance.now() - t);
      t = performance.now();
      await metrics.exposition();
      times.scrape.push(performance.now() - t);
      t = performance.now();
      await bare.exposition();
      times.bare.push(performance.now() - t);
      if (i === 0 && pending !== Math.min(PENDING_COUNT_CAP, Math.floor(DELIVERIES / pendingEvery))) throw new Error(`counted ${pending}`);
    }
    const median = (values: number[]) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)]!.toFixed(2);
    console.log(
      `${databaseUrl ? 'PostgreSQL' : 'SQLite'}, ${DELIVERIES.toLocaleString('en')} deliveries, ${shape} (filled in ${(fillMs / 1000).toFixed(1)} s): ` +
        `pending count ${median(times.pending)} ms, oldest due ${median(times.oldest)} ms, whole scrape ${median(times.scrape)} ms, without prom-client's process metrics ${median(times.bare)} ms (medians of ${SCRAPES})`,
    );
  }
} finally {
  await db.destroy();
  rmSync(dataDir, { recursive: true, force: true });
}

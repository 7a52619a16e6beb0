// bench/triggers/poll: a 100,000-charge backlog (emulator bulk create) drained
// by one poll-mode subscription whose `since` lies before it, and delivered to a subscriber in its
// own process. Target ≥ 2,000 events/s, timed from the subscription's creation to the last
// delivery. Stripe's test-mode rate, 25 requests/s per key (the connector's client keeps to it),
// at 100 objects per page allows 2,500 objects/s at most. Baseline: the stripe SDK
// auto-paginating the same 100,000 charges straight from the emulator (its rate limit off, so
// the baseline is the emulator's listing speed, not Stripe's pacing).
//
//   npm run bench -- triggers/poll            (BENCH_BACKLOG=100000 by default)
import Stripe from 'stripe';
import { describeMachine } from '../emulator/machine.js';
import { cpuBetween, startTsChild, stopAllChildren } from './children.js';
import { buildDist, loadNow, startConnectorWorld } from './world.js';

process.setSourceMapsEnabled(false);

/** Default 100,000, as the target states. */
const BACKLOG = Number(process.env.BENCH_BACKLOG ?? 100_000);
/** Default 10 min: a drain slower than that is reported as it stood. */
const TIMEOUT_MS = Number(process.env.BENCH_TIMEOUT_MS ?? 600_000);
const TARGET_RATE = 2000;

interface SubscriberReport {
  received: number;
  distinct: number;
  duplicates: number;
  resetAtMs: number;
  lastAtMs: number;
  perSecond: number[];
}

const clockMs = () => performance.timeOrigin + performance.now();

async function main(): Promise<number> {
  buildDist();
  const loadAtStart = loadNow();
  const world = await startConnectorWorld();
  const subscriber = await startTsChild<{ url: string }>('./subscriber-process.ts');
  const apiKey = `sk_test_benchpoll${Date.now()}`;
  const connection = await world.api<{ id: string }>('POST', '/api/connections', { name: 'bench', apiKey, apiBase: world.emulator.ready.url });

  // The backlog: spread over the past hour, as a real backlog would be, oldest first.
  const nowSeconds = Math.floor(Date.now() / 1000);
  const bulkResponse = await fetch(`${world.emulator.ready.url}/_emulator/bulk`, {
    method: 'POST',
    headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ type: 'charges', count: BACKLOG, created_from: nowSeconds - 3600, created_to: nowSeconds - 60 }),
  });
  if (!bulkResponse.ok) throw new Error(`bulk create failed: ${bulkResponse.status} ${await bulkResponse.text()}`);
  const bulk = (await bulkResponse.json()) as { count: number; duration_ms: number };

  // Baseline: the SDK's own auto-pagination over the same window.
  const emulatorUrl = new URL(world.emulator.ready.url);
  const stripe = new Stripe(apiKey, { host: emulatorUrl.hostname, port: emulatorUrl.port, protocol: 'http', telemetry: false, maxNetworkRetries: 0 });
  const emulatorBefore = await world.emulator.probe();
  const baselineStartMs = clockMs();
  const clientCpuBefore = process.cpuUsage();
  let listed = 0;
  for await (const charge of stripe.charges.list({ created: { gte: nowSeconds - 3600 }, limit: 100 })) {
    if (charge.id) listed += 1;
  }
  const baselineMs = clockMs() - baselineStartMs;
  const clientCpu = process.cpuUsage(clientCpuBefore);
  const baselineEmulatorCpu = cpuBetween(emulatorBefore, await world.emulator.probe());

  // The connector: one poll-mode subscription from before the backlog.
  await subscriber.ask('reset', 'reset');
  const before = await Promise.all([world.connector.probe(), world.emulator.probe(), subscriber.probe()]);
  const startMs = clockMs();
  await world.api('POST', `/api/connections/${connection.id}/subscriptions`, {
    trigger: 'chargeAdded',
    url: subscriber.ready.url,
    mode: 'poll',
    pollIntervalSeconds: 120,
    since: new Date((nowSeconds - 3700) * 1000).toISOString(),
  });
  let report: SubscriberReport;
  const firstAt: { ms?: number } = {};
  for (;;) {
    report = (await subscriber.ask<{ report: SubscriberReport }>('report', 'report')).report;
    if (report.received > 0 && firstAt.ms === undefined) firstAt.ms = clockMs();
    if (report.distinct >= BACKLOG || clockMs() - startMs > TIMEOUT_MS) break;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  const after = await Promise.all([world.connector.probe(), world.emulator.probe(), subscriber.probe()]);
  const loadAtEnd = loadNow();
  const drainSeconds = (report.lastAtMs - startMs) / 1000;
  const rate = report.distinct / drainSeconds;
  const firstDeliverySeconds = ((firstAt.ms ?? Number.NaN) - startMs) / 1000;
  const connectorCpu = cpuBetween(before[0], after[0]);
  const emulatorCpu = cpuBetween(before[1], after[1]);
  const subscriberCpu = cpuBetween(before[2], after[2]);
  const perEvent = (us: number) => (us / Math.max(1, report.distinct)).toFixed(0);
  const busiest = Math.max(...report.perSecond);

  console.log(`machine: ${describeMachine()}; load average at start ${loadAtStart}, at end ${loadAtEnd}`);
  console.log(`backlog: ${bulk.count} charges created over the past hour (bulk create ${bulk.duration_ms} ms)`);
  console.log('');
  console.log('| path | objects | time (s) | objects/s | CPU µs per object: connector | emulator | subscriber / SDK client |');
  console.log('|---|---:|---:|---:|---:|---:|---:|');
  console.log(
    `| stripe SDK auto-pagination → emulator (baseline) | ${listed} | ${(baselineMs / 1000).toFixed(1)} | ${(listed / (baselineMs / 1000)).toFixed(0)} | — | ${(baselineEmulatorCpu.totalUs / listed).toFixed(0)} | ${((clientCpu.user + clientCpu.system) / listed).toFixed(0)} |`,
  );
  console.log(
    `| connector poll → subscriber | ${report.distinct} | ${drainSeconds.toFixed(1)} | ${rate.toFixed(0)} | ${perEvent(connectorCpu.totalUs)} | ${perEvent(emulatorCpu.totalUs)} | ${perEvent(subscriberCpu.totalUs)} |`,
  );
  console.log('');
  console.log(
    `first delivery ${firstDeliverySeconds.toFixed(1)} s after the subscription was created (±0.25 s); busiest second ${busiest} deliveries; ` +
      `${report.duplicates} repeats; ratio connector ÷ SDK baseline ${(rate / (listed / (baselineMs / 1000))).toFixed(3)}; ` +
      `Stripe's pacing bound 25 × 100 = 2500/s`,
  );
  const ok = report.distinct >= BACKLOG && rate >= TARGET_RATE;
  console.log(`≥ ${TARGET_RATE} events/s from creation to the last delivery: ${ok ? 'met' : 'NOT met'}`);
  await world.close();
  return ok ? 0 : 1;
}

try {
  process.exitCode = await main();
} finally {
  await stopAllChildren();
}

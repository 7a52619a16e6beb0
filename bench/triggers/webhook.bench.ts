// bench/triggers/webhook: signed Stripe events POSTed to the real `serve`
// process at /webhooks/stripe/{connectionId} and delivered to a subscriber in its own process.
// Targets: ≥ 5,000 events/s sustained for 60 s; p99 from the generator's send to the subscriber's
// receipt ≤ 250 ms at 1,000 events/s. Baselines, same generator, same load, same subscriber: a bare
// node:http server answering 200 (receiving only), and the bare forwarders of floor-process.ts —
// node:http in, signature checked, stored in SQLite by group commit (or not stored at all), then
// POSTed on to the subscriber — the least any forwarder keeping the connector's promises costs. Each process reports its own CPU time over IPC (children.ts), so the bench prints
// CPU µs per event per process, which holds up on a shared machine better than the rates do.
//
//   npm run bench -- triggers/webhook
//   BENCH_SUSTAIN_MS=60000 BENCH_BASELINE_MS=15000 BENCH_LATENCY_MS=20000 BENCH_CONCURRENCY=64 (the defaults)
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import Stripe from 'stripe';
import { createKeyCipher } from '../../src/connections/key-cipher.js';
import { sqliteFile } from '../../src/store/database.js';
import { describeMachine } from '../emulator/machine.js';
import { cpuBetween, startTsChild, stopAllChildren, type Child } from './children.js';
import type { GeneratorResult, GeneratorRun } from './generator-process.js';
import { buildDist, loadNow, percentile, startConnectorWorld, type ConnectorWorld } from './world.js';
import { templateEvent } from './template-event.js';

process.setSourceMapsEnabled(false);

/** Default 60 s, as the target states. */
const SUSTAIN_MS = Number(process.env.BENCH_SUSTAIN_MS ?? 60_000);
/** Default 15 s of the same load against the bare server. */
const BASELINE_MS = Number(process.env.BENCH_BASELINE_MS ?? 15_000);
/** Default 20 s at the fixed rate. */
const LATENCY_MS = Number(process.env.BENCH_LATENCY_MS ?? 20_000);
/** Closed-loop requests in flight. Default 64: Stripe itself sends webhooks to one endpoint concurrently. */
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 64);
/** Default 1,000 events/s, as the latency target states. */
const LATENCY_RATE = Number(process.env.BENCH_LATENCY_RATE ?? 1000);
const TARGET_RATE = 5000;
const TARGET_P99_MS = 250;

interface SubscriberReport {
  received: number;
  distinct: number;
  duplicates: number;
  latenciesMs: number[];
  perSecond: number[];
  resetAtMs: number;
  lastAtMs: number;
}

const clockMs = () => performance.timeOrigin + performance.now();

async function report(subscriber: Child<{ url: string }>): Promise<SubscriberReport> {
  return (await subscriber.ask<{ report: SubscriberReport }>('report', 'report')).report;
}

/** Waits until the subscriber has `count` distinct deliveries, or `timeoutMs` passed. */
async function drained(subscriber: Child<{ url: string }>, count: number, timeoutMs: number): Promise<SubscriberReport> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const r = await report(subscriber);
    if (r.distinct >= count || Date.now() > deadline) return r;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

async function generate(generator: Child<object>, run: GeneratorRun): Promise<GeneratorResult> {
  return (await generator.ask<{ result: GeneratorResult }>({ run }, 'result')).result;
}

async function templateEventOf(world: ConnectorWorld, apiKey: string): Promise<string> {
  const emulatorUrl = new URL(world.emulator.ready.url);
  return templateEvent(new Stripe(apiKey, { host: emulatorUrl.hostname, port: emulatorUrl.port, protocol: 'http', telemetry: false }));
}

function endpointSecret(world: ConnectorWorld, connectionId: string): string {
  const db = new Database(sqliteFile(world.dataDir), { readonly: true, fileMustExist: true });
  try {
    const row = db.prepare('select secret_ciphertext from webhook_endpoints where connection_id = ?').get(connectionId) as { secret_ciphertext: string } | undefined;
    if (!row) throw new Error('no webhook endpoint was registered');
    return createKeyCipher(world.masterKey).open(row.secret_ciphertext, connectionId);
  } finally {
    db.close();
  }
}

interface FloorFigures {
  store: 'none' | 'sqlite';
  /** Forwarder processes on one port (node:cluster) and, stored, one SQLite file. */
  processes: number;
  run: GeneratorResult;
  deliveredPerSecond: number;
  cpu: { totalUs: number; systemUs: number }[];
}

const floorName = (f: FloorFigures) => `bare forwarder, ${f.store === 'none' ? 'nothing stored' : 'stored in SQLite'}, ${f.processes === 1 ? 'one process' : `${f.processes} processes`}`;

/** One floor forwarder (floor-process.ts) under the same load for BASELINE_MS, after a 2 s warm-up. */
async function floorRun(
  store: FloorFigures['store'],
  processes: number,
  generator: Child<object>,
  subscriber: Child<{ url: string }>,
  load: Pick<GeneratorRun, 'secret' | 'template' | 'load'>,
): Promise<FloorFigures> {
  const dir = mkdtempSync(join(tmpdir(), 'sc-bench-floor-'));
  try {
    const floor = await startTsChild<{ url: string }>('./floor-process.ts', [join(dir, 'floor.db'), load.secret, subscriber.ready.url, String(processes), store]);
    await generate(generator, { ...load, url: floor.ready.url, runId: `f${store}w`, durationMs: 2000 });
    await subscriber.ask('reset', 'reset');
    const before = await Promise.all([floor.probe(), generator.probe(), subscriber.probe()]);
    const run = await generate(generator, { ...load, url: floor.ready.url, runId: `f${store}`, durationMs: BASELINE_MS });
    const after = await Promise.all([floor.probe(), generator.probe(), subscriber.probe()]);
    const window = (await report(subscriber)).perSecond.slice(0, Math.floor(run.durationMs / 1000));
    await floor.stop();
    return { store, processes, run, deliveredPerSecond: window.reduce((a, b) => a + b, 0) / window.length, cpu: [0, 1, 2].map((i) => cpuBetween(before[i]!, after[i]!)) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const perEvent = (us: number, events: number) => (events === 0 ? '—' : (us / events).toFixed(0));

async function main(): Promise<number> {
  buildDist();
  const loadAtStart = loadNow();
  const world = await startConnectorWorld();
  const subscriber = await startTsChild<{ url: string }>('./subscriber-process.ts');
  const generator = await startTsChild<object>('./generator-process.ts');
  const bare = await startTsChild<{ url: string }>('./bare-server-process.ts');

  const apiKey = `sk_test_benchwh${Date.now()}`;
  const connection = await world.api<{ id: string }>('POST', '/api/connections', { name: 'bench', apiKey, apiBase: world.emulator.ready.url });
  const template = await templateEventOf(world, apiKey);
  await world.api('POST', `/api/connections/${connection.id}/subscriptions`, { trigger: 'chargeAdded', url: subscriber.ready.url, mode: 'webhook' });
  const secret = endpointSecret(world, connection.id);
  const inboundUrl = `${world.connector.ready.url}/webhooks/stripe/${connection.id}`;
  const closed = { kind: 'closed' as const, concurrency: CONCURRENCY };

  // Baseline first: the same generator and load against a bare server.
  await generate(generator, { url: bare.ready.url, secret, template, runId: 'bw', load: closed, durationMs: 2000 });
  const bareBefore = { gen: await generator.probe(), server: await bare.probe() };
  const baseline = await generate(generator, { url: bare.ready.url, secret, template, runId: 'b', load: closed, durationMs: BASELINE_MS });
  const bareCpu = { gen: cpuBetween(bareBefore.gen, await generator.probe()), server: cpuBetween(bareBefore.server, await bare.probe()) };
  await bare.stop();

  // Floors: the bare forwarders, nothing stored and stored, each to the subscriber.
  const floors: FloorFigures[] = [];
  for (const [store, processes] of [['none', 1], ['sqlite', 1], ['sqlite', 2]] as const) {
    floors.push(await floorRun(store, processes, generator, subscriber, { secret, template, load: closed }));
  }

  // Warm-up: JIT, keep-alive sockets, SQLite pages; then let the outbox drain.
  const warm = await generate(generator, { url: inboundUrl, secret, template, runId: 'w', load: closed, durationMs: 3000 });
  await drained(subscriber, warm.accepted, 60_000);

  // Latency at a fixed rate first, on the warmed server, before the 60 s run leaves its history.
  await subscriber.ask('reset', 'reset');
  const latencyBefore = await world.connector.probe();
  const latencyRun = await generate(generator, { url: inboundUrl, secret, template, runId: 'l', load: { kind: 'open', perSecond: LATENCY_RATE }, durationMs: LATENCY_MS });
  const latency = await drained(subscriber, latencyRun.accepted, 60_000);
  const latencyCpu = cpuBetween(latencyBefore, await world.connector.probe());
  const loadAfterLatency = loadNow();
  await subscriber.ask('reset', 'reset');

  const probes = () => Promise.all([world.connector.probe(), generator.probe(), subscriber.probe(), world.emulator.probe()]);
  const before = await probes();
  const sustainStartMs = clockMs();
  const sustained = await generate(generator, { url: inboundUrl, secret, template, runId: 's', load: closed, durationMs: SUSTAIN_MS });
  const atEnd = await report(subscriber);
  const afterLoad = await probes();
  const loadAfterSustain = loadNow();
  const drain = await drained(subscriber, sustained.accepted, 120_000);
  const drainEndMs = drain.lastAtMs;
  const afterDrain = await probes();
  const memory = afterDrain[0].memory;

  const loadAtEnd = loadNow();

  const names = ['connector', 'generator', 'subscriber', 'emulator'];
  const cpu = names.map((_, i) => cpuBetween(before[i]!, afterDrain[i]!));
  const cpuDuringLoad = names.map((_, i) => cpuBetween(before[i]!, afterLoad[i]!));
  const sustainSeconds = sustained.durationMs / 1000;
  const windowSeconds = Math.floor(sustainSeconds);
  const inWindow = atEnd.perSecond.slice(0, windowSeconds);
  const deliveredInWindow = inWindow.reduce((a, b) => a + b, 0);
  const deliveredTotal = drain.distinct;
  const drainSeconds = (drainEndMs - sustainStartMs) / 1000;
  const sortedLatency = [...latency.latenciesMs].sort((a, b) => a - b);
  const sortedAck = [...latencyRun.ackLatenciesMs].sort((a, b) => a - b);
  const baselineRate = baseline.accepted / (baseline.durationMs / 1000);
  const acceptedRate = sustained.accepted / sustainSeconds;
  const deliveredRate = deliveredInWindow / windowSeconds;
  const endToEndRate = deliveredTotal / drainSeconds;

  console.log(`machine: ${describeMachine()}; load average at start ${loadAtStart}, after the latency run ${loadAfterLatency}, after the sustained load ${loadAfterSustain}, at end ${loadAtEnd}`);
  console.log(`order: baseline (bare server), the two bare forwarders (${BASELINE_MS / 1000} s each after 2 s warm-up), 3 s warm-up, latency run (open loop at ${LATENCY_RATE}/s), sustained run (closed loop, ${CONCURRENCY} requests in flight over keep-alive sockets)`);
  console.log('');
  console.log(`| run | duration (s) | sent | answered 200 | failed | answered/s | delivered in the window | delivered/s in the window | all delivered after (s) | end to end/s |`);
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  console.log(`| bare node:http (baseline) | ${(baseline.durationMs / 1000).toFixed(1)} | ${baseline.sent} | ${baseline.accepted} | ${baseline.failed} | ${baselineRate.toFixed(0)} | — | — | — | — |`);
  for (const f of floors) {
    const rate = f.run.accepted / (f.run.durationMs / 1000);
    console.log(`| ${floorName(f)} (floor) | ${(f.run.durationMs / 1000).toFixed(1)} | ${f.run.sent} | ${f.run.accepted} | ${f.run.failed} | ${rate.toFixed(0)} | — | ${f.deliveredPerSecond.toFixed(0)} | — | — |`);
  }
  console.log(
    `| connector, webhook mode | ${sustainSeconds.toFixed(1)} | ${sustained.sent} | ${sustained.accepted} | ${sustained.failed} | ${acceptedRate.toFixed(0)} | ${deliveredInWindow} | ${deliveredRate.toFixed(0)} | ${drainSeconds.toFixed(1)} | ${endToEndRate.toFixed(0)} |`,
  );
  console.log('');
  console.log(`deliveries: ${drain.distinct} distinct of ${sustained.accepted} acknowledged, ${drain.duplicates} repeats; failures ${JSON.stringify(sustained.failures)}`);
  console.log(`delivered per second during the load: min ${Math.min(...inWindow)}, median ${percentile([...inWindow].sort((a, b) => a - b), 50)}, max ${Math.max(...inWindow)}`);
  console.log(`ratio connector answered/s ÷ bare answered/s: ${(acceptedRate / baselineRate).toFixed(3)}; delivered/s ÷ bare: ${(deliveredRate / baselineRate).toFixed(3)}`);
  for (const f of floors) console.log(`ratio connector delivered/s ÷ ${floorName(f)} delivered/s: ${(deliveredRate / f.deliveredPerSecond).toFixed(3)}`);
  console.log(`connector memory after the drain: RSS ${(memory.rss / 2 ** 20).toFixed(0)} MiB, heap used ${(memory.heapUsed / 2 ** 20).toFixed(0)} MiB`);
  console.log('');
  console.log('CPU µs per event (user + system; system in brackets), process.cpuUsage in each process:');
  console.log('');
  console.log('| run | connector | generator | subscriber | emulator | bare server | all |');
  console.log('|---|---:|---:|---:|---:|---:|---:|');
  console.log(
    `| bare node:http (baseline) | — | ${perEvent(bareCpu.gen.totalUs, baseline.accepted)} (${perEvent(bareCpu.gen.systemUs, baseline.accepted)}) | — | — | ${perEvent(bareCpu.server.totalUs, baseline.accepted)} (${perEvent(bareCpu.server.systemUs, baseline.accepted)}) | ${perEvent(bareCpu.gen.totalUs + bareCpu.server.totalUs, baseline.accepted)} |`,
  );
  for (const f of floors) {
    console.log(
      `| ${floorName(f)} (floor; the forwarder in the connector column) | ${perEvent(f.cpu[0]!.totalUs, f.run.accepted)} (${perEvent(f.cpu[0]!.systemUs, f.run.accepted)}) | ${perEvent(f.cpu[1]!.totalUs, f.run.accepted)} (${perEvent(f.cpu[1]!.systemUs, f.run.accepted)}) | ${perEvent(f.cpu[2]!.totalUs, f.run.accepted)} (${perEvent(f.cpu[2]!.systemUs, f.run.accepted)}) | — | — | ${perEvent(f.cpu.reduce((a, c) => a + c.totalUs, 0), f.run.accepted)} |`,
    );
  }
  const row = (label: string, figures: { totalUs: number; systemUs: number }[], events: number) =>
    `| ${label} | ${figures.map((f) => `${perEvent(f.totalUs, events)} (${perEvent(f.systemUs, events)})`).join(' | ')} | — | ${perEvent(figures.reduce((a, f) => a + f.totalUs, 0), events)} |`;
  console.log(row('connector, load + drain, per delivered event', cpu, deliveredTotal));
  console.log(row('connector, during the load only, per answered event', cpuDuringLoad, sustained.accepted));
  console.log('');
  const p50 = percentile(sortedLatency, 50);
  const p99 = percentile(sortedLatency, 99);
  console.log(
    `latency at ${LATENCY_RATE}/s (open loop, ${(latencyRun.durationMs / 1000).toFixed(1)} s, ${latencyRun.accepted} answered, ${latency.distinct} delivered): ` +
      `send → subscriber p50 ${p50.toFixed(1)} ms, p99 ${p99.toFixed(1)} ms, max ${sortedLatency.at(-1)?.toFixed(1)} ms; ` +
      `send → 200 answer p50 ${percentile(sortedAck, 50).toFixed(1)} ms, p99 ${percentile(sortedAck, 99).toFixed(1)} ms; ` +
      `connector CPU ${perEvent(latencyCpu.totalUs, latency.distinct)} µs per event (${((latencyCpu.totalUs / (latencyRun.durationMs * 1000)) * 100).toFixed(0)}% of one core)`,
  );
  const rateOk = deliveredRate >= TARGET_RATE && acceptedRate >= TARGET_RATE;
  const p99Ok = p99 <= TARGET_P99_MS && latency.distinct === latencyRun.accepted;
  console.log('');
  console.log(`≥ ${TARGET_RATE} events/s sustained for ${windowSeconds} s: ${rateOk ? 'met' : 'NOT met'}; p99 ≤ ${TARGET_P99_MS} ms at ${LATENCY_RATE}/s: ${p99Ok ? 'met' : 'NOT met'}`);
  await world.close();
  return rateOk && p99Ok ? 0 : 1;
}

try {
  process.exitCode = await main();
} finally {
  await stopAllChildren();
}

// bench/triggers/scheduler: 1,000 connections, each with one poll-mode
// subscription at the default 120 s interval, against the emulator; the `serve` process's CPU
// share and memory in steady state (after every connection's first poll), beside the same server
// with the same 1,000 connections and no subscription, measured over a window of the same length.
// CPU share is the process's own CPU time over the window ÷ the window (100% = one core); memory
// is RSS and V8 heap used after a full GC (probe.mjs), so it is what the process retains.
//
//   npm run bench -- triggers/scheduler       (BENCH_CONNECTIONS=1000, BENCH_WINDOW_MS=120000)
import Database from 'better-sqlite3';
import { sqliteFile } from '../../src/store/database.js';
import { describeMachine } from '../emulator/machine.js';
import { cpuBetween, startTsChild, stopAllChildren } from './children.js';
import type { ProbeReply } from './control.js';
import { buildDist, loadNow, startConnectorWorld } from './world.js';

process.setSourceMapsEnabled(false);

/** Default 1,000, as the target states. */
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 1000);
/** Default 120 s: one whole poll interval, so every subscription is polled once in the window. */
const WINDOW_MS = Number(process.env.BENCH_WINDOW_MS ?? 120_000);
/** Default 120 s, the original connector's and ours. */
const POLL_INTERVAL_SECONDS = Number(process.env.BENCH_POLL_INTERVAL_SECONDS ?? 120);

const clockMs = () => performance.timeOrigin + performance.now();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Window {
  cpuShare: number;
  systemShare: number;
  memory: NodeJS.MemoryUsage;
  emulatorCpuShare: number;
  /** Polls committed in the window: the poll cursors' versions, each bumped by one per poll. */
  polls: number;
}

async function measureWindow(probeServer: (gc?: boolean) => Promise<ProbeReply>, probeEmulator: () => Promise<ProbeReply>, pollsSoFar: () => number): Promise<Window> {
  const pollsBefore = pollsSoFar();
  const before = await probeServer();
  const emulatorBefore = await probeEmulator();
  const startMs = clockMs();
  await sleep(WINDOW_MS);
  const after = await probeServer();
  const emulatorAfter = await probeEmulator();
  const elapsedUs = (clockMs() - startMs) * 1000;
  const cpu = cpuBetween(before, after);
  const memory = (await probeServer(true)).memory;
  return {
    cpuShare: cpu.totalUs / elapsedUs,
    systemShare: cpu.systemUs / elapsedUs,
    memory,
    emulatorCpuShare: cpuBetween(emulatorBefore, emulatorAfter).totalUs / elapsedUs,
    polls: pollsSoFar() - pollsBefore,
  };
}

async function main(): Promise<number> {
  buildDist();
  const loadAtStart = loadNow();
  const world = await startConnectorWorld();
  const subscriber = await startTsChild<{ url: string }>('./subscriber-process.ts');
  const stamp = Date.now();
  const connections: string[] = [];
  const setupStartMs = clockMs();
  for (let i = 0; i < CONNECTIONS; i += 1) {
    const { id } = await world.api<{ id: string }>('POST', '/api/connections', {
      name: `bench ${i}`,
      apiKey: `sk_test_sched${stamp}x${i}`,
      apiBase: world.emulator.ready.url,
    });
    connections.push(id);
  }
  const setupSeconds = (clockMs() - setupStartMs) / 1000;
  const pollsSoFar = () => {
    const db = new Database(sqliteFile(world.dataDir), { readonly: true, fileMustExist: true });
    try {
      return Number((db.prepare('select coalesce(sum(version), 0) as n from poll_cursors').get() as { n: number }).n);
    } finally {
      db.close();
    }
  };

  const idle = await measureWindow((gc) => world.connector.probe(gc), () => world.emulator.probe(), pollsSoFar);

  for (const id of connections) {
    await world.api('POST', `/api/connections/${id}/subscriptions`, {
      trigger: 'chargeAdded',
      url: subscriber.ready.url,
      mode: 'poll',
      pollIntervalSeconds: POLL_INTERVAL_SECONDS,
    });
  }
  // Every new subscription is polled at once; steady state begins once that first round is done.
  // A full interval later each has been polled a second time, spread as the first round was.
  await sleep(15_000);
  const steady = await measureWindow((gc) => world.connector.probe(gc), () => world.emulator.probe(), pollsSoFar);
  const loadAtEnd = loadNow();

  const pct = (share: number) => `${(share * 100).toFixed(2)}%`;
  const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MiB`;
  console.log(`machine: ${describeMachine()}; load average at start ${loadAtStart}, at end ${loadAtEnd}`);
  console.log(`${CONNECTIONS} connections made in ${setupSeconds.toFixed(1)} s; windows of ${(WINDOW_MS / 1000).toFixed(0)} s; poll interval ${POLL_INTERVAL_SECONDS} s`);
  console.log('');
  console.log('| server state | CPU share of one core (system) | RSS after GC | heap used after GC | emulator CPU share |');
  console.log('|---|---:|---:|---:|---:|');
  console.log(`| ${CONNECTIONS} connections, no subscription (baseline) | ${pct(idle.cpuShare)} (${pct(idle.systemShare)}) | ${mib(idle.memory.rss)} | ${mib(idle.memory.heapUsed)} | ${pct(idle.emulatorCpuShare)} |`);
  console.log(`| ${CONNECTIONS} connections × 1 poll subscription at ${POLL_INTERVAL_SECONDS} s | ${pct(steady.cpuShare)} (${pct(steady.systemShare)}) | ${mib(steady.memory.rss)} | ${mib(steady.memory.heapUsed)} | ${pct(steady.emulatorCpuShare)} |`);
  console.log('');
  console.log(
    `polls committed in the windows: ${idle.polls} idle, ${steady.polls} with subscriptions; added by the scheduler and its polls: ` +
      `${pct(steady.cpuShare - idle.cpuShare)} of one core, ${mib(steady.memory.heapUsed - idle.memory.heapUsed)} heap` +
      (steady.polls > 0 ? `; ≈ ${(((steady.cpuShare - idle.cpuShare) * WINDOW_MS * 1000) / steady.polls).toFixed(0)} µs of CPU per poll` : ''),
  );
  await world.close();
  return 0;
}

try {
  process.exitCode = await main();
} finally {
  await stopAllChildren();
}

// List latency at 10,000 vs 1,000,000 charges in one account, and memory at 1,000,000 (target:
// a `created[gte]` list with limit=100 at a million objects stays within 2× of its latency at ten
// thousand; a million objects fit in under 2 GiB). Objects are bulk-created in the server process;
// the calls go through the official stripe SDK from this process. Options (environment):
// BENCH_LIST_CALLS (default 200), BENCH_LARGE_COUNT (default 1,000,000).
import Stripe from 'stripe';
import { writeSection } from './benchmarks-file.js';
import { startChild } from './child.js';
import { describeMachine } from './machine.js';

const CALLS = Number(process.env.BENCH_LIST_CALLS ?? 200);
const SMALL_COUNT = 10_000;
const LARGE_COUNT = Number(process.env.BENCH_LARGE_COUNT ?? 1_000_000);
const WARM_UP_CALLS = 20;
/** Charges are spread over the 90 days before this instant. */
const RANGE_END_SECONDS = Math.floor(Date.UTC(2026, 10, 1) / 1000);
const RANGE_SECONDS = 90 * 86_400;
const MAX_RATIO = 2;
const MAX_MEMORY_BYTES = 2 * 2 ** 30;

interface Memory {
  rss: number;
  heapUsed: number;
  gcRan: boolean;
}

function percentile(sortedMs: number[], p: number): number {
  return sortedMs[Math.min(sortedMs.length - 1, Math.ceil((p / 100) * sortedMs.length) - 1)]!;
}

const server = startChild('./server-process.ts', ['ours'], { exposeGc: true, maxOldSpaceMb: 4096 });
try {
  const { port } = await server.next<{ port: number }>('ready');
  const base = `http://127.0.0.1:${port}`;
  const memory = async (): Promise<Memory> => {
    server.send({ type: 'memory' });
    return server.next<Memory>('memory');
  };

  async function bulk(key: string, count: number): Promise<number> {
    const response = await fetch(`${base}/_emulator/bulk`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'charges', count, created_from: RANGE_END_SECONDS - RANGE_SECONDS, created_to: RANGE_END_SECONDS }),
    });
    const body = (await response.json()) as { count: number; duration_ms: number };
    if (body.count !== count) throw new Error(`bulk create answered ${JSON.stringify(body)}`);
    return body.duration_ms;
  }

  async function latencies(key: string): Promise<number[]> {
    const stripe = new Stripe(key, { host: '127.0.0.1', port, protocol: 'http', maxNetworkRetries: 0, telemetry: false });
    // Half-way into the range: the page is the newest 100, found by binary search either way.
    const params = { limit: 100, created: { gte: RANGE_END_SECONDS - RANGE_SECONDS / 2 } };
    for (let i = 0; i < WARM_UP_CALLS; i++) await stripe.charges.list(params);
    const out: number[] = [];
    for (let i = 0; i < CALLS; i++) {
      const started = performance.now();
      const page = await stripe.charges.list(params);
      out.push(performance.now() - started);
      if (page.data.length !== 100) throw new Error(`a page held ${page.data.length} charges`);
    }
    return out.sort((a, b) => a - b);
  }

  const empty = await memory();
  const smallBulkMs = await bulk('sk_test_small', SMALL_COUNT);
  const largeBulkMs = await bulk('sk_test_large', LARGE_COUNT);
  const loaded = await memory();
  const small = await latencies('sk_test_small');
  const large = await latencies('sk_test_large');
  const stats = (ms: number[]) => ({ median: percentile(ms, 50), p99: percentile(ms, 99) });
  const s = stats(small);
  const l = stats(large);
  const ratio = l.median / s.median;
  const mib = (bytes: number) => `${Math.round(bytes / 2 ** 20)} MiB`;
  const line = (label: string, st: { median: number; p99: number }) => `${label}: median ${st.median.toFixed(2)} ms, p99 ${st.p99.toFixed(2)} ms`;
  console.log(line(`${SMALL_COUNT} charges`, s));
  console.log(line(`${LARGE_COUNT} charges`, l));
  console.log(`median ratio ${ratio.toFixed(2)}; RSS ${mib(loaded.rss)}, heap used ${mib(loaded.heapUsed)} (empty: ${mib(empty.rss)} / ${mib(empty.heapUsed)})`);
  const ranAt = new Date().toISOString().slice(0, 16).replace('T', ' ');
  writeSection(
    'emulator-list-latency',
    `### Charge list latency and memory (\`created[gte]\`, \`limit=100\`, ${CALLS} calls through the stripe SDK)

| charges in the account | median | p99 |
|---|---:|---:|
| ${SMALL_COUNT.toLocaleString('en-US')} | ${s.median.toFixed(2)} ms | ${s.p99.toFixed(2)} ms |
| ${LARGE_COUNT.toLocaleString('en-US')} | ${l.median.toFixed(2)} ms | ${l.p99.toFixed(2)} ms |

Median ratio ${ratio.toFixed(2)} (target ≤ ${MAX_RATIO}: ${ratio <= MAX_RATIO ? 'met' : '**missed**'}); p99 ratio ${(l.p99 / s.p99).toFixed(2)}.
Memory with both accounts loaded, after a full GC: RSS ${mib(loaded.rss)}, heap used ${mib(loaded.heapUsed)}
(empty emulator: ${mib(empty.rss)} / ${mib(empty.heapUsed)}; target < 2 GiB: ${loaded.rss < MAX_MEMORY_BYTES ? 'met' : '**missed**'}${loaded.gcRan ? '' : '; GC was not exposed, figures include garbage'}).
Bulk create took ${smallBulkMs} ms for ${SMALL_COUNT.toLocaleString('en-US')} and ${largeBulkMs} ms for ${LARGE_COUNT.toLocaleString('en-US')} charges.
Server in its own process. Run ${ranAt} UTC on ${describeMachine()}; other engineers were using the machine during the run.`,
  );
} finally {
  await server.stop();
}

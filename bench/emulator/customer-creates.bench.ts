// Customer creates per second through the official stripe SDK at 20 concurrent requests, ours
// against stripe-stateful-mock in the same run (issue 2: ours ≥ 5,000/s on this 2-core machine).
// Server and client run in separate processes so each has a core. Options (environment):
// BENCH_DURATION_MS (default 10,000), BENCH_CONCURRENCY (default 20).
import { writeSection } from './benchmarks-file.js';
import { startChild } from './child.js';
import { describeMachine } from './machine.js';

const DURATION_MS = Number(process.env.BENCH_DURATION_MS ?? 10_000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 20);
const TARGET_PER_SECOND = 5000;

type Target = 'ours' | 'stripe-stateful-mock' | 'bare-node-http';

interface Result {
  target: Target;
  completed: number;
  failed: number;
  perSecond: number;
  /** Server CPU time (user + system) per completed request: the cost, whatever else runs. */
  serverCpuMicrosPerRequest: number;
  /** The SDK client's CPU time per completed request: with one core each, the other ceiling. */
  clientCpuMicrosPerRequest: number;
  firstError?: string;
}

interface CpuReading {
  userMicros: number;
  systemMicros: number;
}

async function cpu(server: ReturnType<typeof startChild>): Promise<number> {
  server.send({ type: 'cpu' });
  const reading = await server.next<CpuReading>('cpu');
  return reading.userMicros + reading.systemMicros;
}

async function measure(target: Target): Promise<Result> {
  const server = startChild('./server-process.ts', [target]);
  try {
    const { port } = await server.next<{ port: number }>('ready');
    const cpuBefore = await cpu(server);
    const client = startChild('./create-client.ts', [String(port), String(CONCURRENCY), String(DURATION_MS)]);
    const result = await client.next<{ completed: number; failed: number; elapsedMs: number; clientCpuMicros: number; firstError?: string }>('result');
    await client.stop();
    // Includes the client's warm-up requests: CONCURRENCY of them, a rounding error here.
    const cpuMicros = (await cpu(server)) - cpuBefore;
    return {
      target,
      completed: result.completed,
      failed: result.failed,
      perSecond: Math.round((result.completed / result.elapsedMs) * 1000),
      serverCpuMicrosPerRequest: Math.round(cpuMicros / Math.max(result.completed + CONCURRENCY, 1)),
      clientCpuMicrosPerRequest: Math.round(result.clientCpuMicros / Math.max(result.completed, 1)),
      firstError: result.firstError,
    };
  } finally {
    await server.stop();
  }
}

const results: Result[] = [];
for (const target of ['ours', 'stripe-stateful-mock', 'bare-node-http'] as const) {
  const result = await measure(target);
  console.log(
    `${target}: ${result.perSecond} creates/s (${result.completed} in ${DURATION_MS} ms, ${result.failed} failed${result.firstError ? `: ${result.firstError}` : ''}); server CPU ${result.serverCpuMicrosPerRequest} µs/request, client CPU ${result.clientCpuMicrosPerRequest} µs/request`,
  );
  results.push(result);
}
const [ours, theirs, bare] = results as [Result, Result, Result];
/** What one core could serve if the server's CPU time per request were all that limited it. */
const perCore = (r: Result) => Math.round(1e6 / Math.max(r.serverCpuMicrosPerRequest, 1));
const ranAt = new Date().toISOString().slice(0, 16).replace('T', ' ');
writeSection(
  'emulator-customer-creates',
  `### Customer creates per second (stripe SDK, ${CONCURRENCY} concurrent, ${DURATION_MS / 1000} s each)

| server | creates/s | completed | failed | server CPU per request (= requests/s per core) | SDK client CPU per request |
|---|---:|---:|---:|---:|---:|
| ours (\`startEmulator\`, rate limit off) | **${ours.perSecond}** | ${ours.completed} | ${ours.failed} | ${ours.serverCpuMicrosPerRequest} µs (${perCore(ours)}) | ${ours.clientCpuMicrosPerRequest} µs |
| stripe-stateful-mock 0.0.16 (\`createExpressApp\`) | ${theirs.perSecond} | ${theirs.completed} | ${theirs.failed} | ${theirs.serverCpuMicrosPerRequest} µs (${perCore(theirs)}) | ${theirs.clientCpuMicrosPerRequest} µs |
| bare node:http, one fixed answer (the machine's ceiling) | ${bare.perSecond} | ${bare.completed} | ${bare.failed} | ${bare.serverCpuMicrosPerRequest} µs (${perCore(bare)}) | ${bare.clientCpuMicrosPerRequest} µs |

Target ≥ ${TARGET_PER_SECOND}/s: ${ours.perSecond >= TARGET_PER_SECOND ? 'met' : '**missed**'} (${(ours.perSecond / Math.max(theirs.perSecond, 1)).toFixed(1)}× the baseline).
Server and client each in their own process. Run ${ranAt} UTC on ${describeMachine()}; other engineers
were using the machine during the run, so figures vary between runs.`,
);

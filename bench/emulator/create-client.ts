// The load generator for customer-creates.bench.ts, in its own process: `concurrency` loops each
// creating customers through the official stripe SDK, back to back, for `durationMs` from the
// parent's {type:'go'}; then reports how many completed and failed and the CPU time it used.
import Stripe from 'stripe';

// tsx turns on source-mapped stack traces, and the SDK reads `new Error().stack` on every request
// (StripeResource._makeRequest keeps the call site for error messages): with source maps on that
// was ~2% of this process's CPU in a profile, a cost an application run from compiled JS does not pay.
process.setSourceMapsEnabled(false);

const [port, concurrency, durationMs] = process.argv.slice(2).map(Number) as [number, number, number];
// One shared client as an application would have. The SDK's default agent keeps connections
// alive; telemetry off drops the request-metrics header it would add from the second request on;
// maxNetworkRetries 0 adds no retries (the SDK still sends an Idempotency-Key on every POST).
const stripe = new Stripe('sk_test_benchmark', { host: '127.0.0.1', port, protocol: 'http', maxNetworkRetries: 0, telemetry: false });

let completed = 0;
let failed = 0;
let firstError: string | undefined;
let endMs = 0;

async function loop(worker: number): Promise<void> {
  for (let i = 0; performance.now() < endMs; i++) {
    try {
      await stripe.customers.create({ email: `load${process.pid}-${worker}-${i}@example.com`, description: 'benchmark' });
      completed++;
    } catch (error) {
      failed++;
      firstError ??= error instanceof Error ? error.message : String(error);
    }
  }
}

// A short warm-up so the JIT and the connection pool are ready before counting.
await Promise.all(Array.from({ length: concurrency }, () => stripe.customers.create({ description: 'warm-up' })));
process.send!({ type: 'warm' });
await new Promise<void>((resolve) => process.once('message', () => resolve()));
const cpuBefore = process.cpuUsage();
const measuredStartMs = performance.now();
endMs = measuredStartMs + durationMs;
await Promise.all(Array.from({ length: concurrency }, (_, w) => loop(w)));
const elapsedMs = performance.now() - measuredStartMs;
const cpu = process.cpuUsage(cpuBefore);
process.send!({ type: 'result', completed, failed, firstError, elapsedMs, clientCpuMicros: cpu.user + cpu.system });
process.exit(0);

// Per-event cost of the metrics recorder: what each delivery, action call, Stripe request and
// inbound webhook pays on its path (the delivery path runs thousands of events per second).
//   npx tsx bench/metrics/recorder.bench.ts
import { performance } from 'node:perf_hooks';
import { createMetrics } from '../../src/metrics/registry.js';

const N = 1_000_000;
const metrics = createMetrics({ defaultMetrics: false });

const cases: [string, (i: number) => void][] = [
  ['deliveryAttempt (delivered, with lag)', (i) => metrics.deliveryAttempt('delivered', (i % 1000) / 100)],
  ['inboundWebhook (accepted)', () => metrics.inboundWebhook('accepted')],
  ['actionCall (succeeded, with duration)', (i) => metrics.actionCall('createCustomer', 'succeeded', (i % 1000) / 1000)],
  ['stripeRequest (path with an id and a query)', (i) => metrics.stripeRequest('GET', `/v1/customers/cus_${i}?expand[]=discount`, 200)],
  ['pollNoticed', (i) => metrics.pollNoticed('chargeAdded', i % 300)],
];

for (const [name, run] of cases) {
  for (let i = 0; i < 100_000; i++) run(i); // warm-up
  const started = performance.now();
  for (let i = 0; i < N; i++) run(i);
  const microseconds = ((performance.now() - started) * 1000) / N;
  console.log(`${name}: ${microseconds.toFixed(3)} µs/event`);
}

// Cluster mode: two node:cluster workers share one port, each with its own share of the counts; a
// scrape reaching either one answers the metrics of both (src/metrics/cluster.ts).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import cluster, { type Worker } from 'node:cluster';
import http from 'node:http';
import { join } from 'node:path';
import { answerWorkerScrapes } from '../../src/metrics/cluster.js';
import { parsePrometheusText } from './prometheus-text.js';

let workers: Worker[] = [];
let stopAnswering: (() => void) | undefined;
let port = 0;

function get(path: string): Promise<{ status: number; worker: string; body: string }> {
  return new Promise((resolve, reject) => {
    // A new connection each time (no agent), so the primary's round robin hands them to both workers.
    const request = http.get({ host: '127.0.0.1', port, path, agent: false }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, worker: String(response.headers['x-worker']), body }));
    });
    request.on('error', reject);
  });
}

before(async () => {
  stopAnswering = answerWorkerScrapes();
  cluster.setupPrimary({ exec: join(import.meta.dirname, 'cluster-worker.ts'), execArgv: ['--import', 'tsx'] });
  const shares = [
    { METRICS_ACTION_CALLS: '3', METRICS_OLDEST_DUE_AGE: '10' },
    { METRICS_ACTION_CALLS: '4', METRICS_OLDEST_DUE_AGE: '25' },
  ];
  workers = shares.map((env) => cluster.fork(env));
  const ports = await Promise.all(
    workers.map(
      (worker) =>
        new Promise<number>((resolve, reject) => {
          worker.on('message', (message: { type?: string; port?: number }) => {
            if (message.type === 'listening') resolve(message.port!);
          });
          worker.on('exit', (code) => reject(new Error(`worker exited with ${code} before listening`)));
        }),
    ),
  );
  assert.equal(ports[0], ports[1], 'the workers share one port');
  port = ports[0]!;
});

after(async () => {
  stopAnswering?.();
  await Promise.all(
    workers.map(
      (worker) =>
        new Promise<void>((resolve) => {
          if (worker.isDead()) return resolve();
          worker.once('exit', () => resolve());
          worker.kill();
        }),
    ),
  );
});

test('whichever worker a scrape reaches, it answers the sum of both workers\' counters and histograms, and the outbox gauges once', async () => {
  const answeredBy = new Set<string>();
  for (let i = 0; i < 6; i++) {
    const answer = await get('/metrics');
    assert.equal(answer.status, 200, answer.body);
    answeredBy.add(answer.worker);
    const s = parsePrometheusText(answer.body);
    assert.equal(s.value('stripe_connector_action_calls_total', { operation: 'createCustomer', outcome: 'succeeded' }), 7);
    assert.equal(s.value('stripe_connector_action_duration_seconds_count', { operation: 'createCustomer' }), 7);
    assert.equal(s.value('stripe_connector_action_duration_seconds_bucket', { operation: 'createCustomer', le: '0.05' }), 7);
    assert.equal(s.value('stripe_connector_delivery_attempts_total', { outcome: 'delivered' }), 2);
    assert.equal(s.value('stripe_connector_delivery_lag_seconds_count'), 2);
    // Both read the same store: 5 pending deliveries, not 10; the older of the two ages.
    assert.equal(s.value('stripe_connector_outbox_pending_deliveries'), 5);
    assert.equal(s.value('stripe_connector_outbox_oldest_due_age_seconds'), 25);
    assert.ok(s.types.get('process_cpu_seconds_total'), "prom-client's process metrics are aggregated too");
  }
  assert.equal(answeredBy.size, 2, `scrapes reached both workers (${[...answeredBy].join(', ')})`);
});

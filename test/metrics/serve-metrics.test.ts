// `stripe-connector serve` as users run it: /metrics answers the admin token with the connector's
// metrics and prom-client's process metrics under their standard names.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startServerProcess } from '../support/processes.js';
import { newStorePlace } from '../support/store-fixture.js';
import { closeAll } from '../support/cleanup.js';
import { parsePrometheusText } from './prometheus-text.js';

const ADMIN_TOKEN = 'sc_admin_serve_metrics_test_token_00001';

test("serve answers GET /metrics to the admin token, with the process's CPU, memory and event-loop lag", async () => {
  const place = await newStorePlace('sc-serve-metrics-');
  // Port 0: startServerProcess reads the address from the server's "listening" line.
  const server = await startServerProcess(['serve'], { PORT: '0', HOST: '127.0.0.1', ...place.env, STRIPE_CONNECTOR_ADMIN_TOKEN: ADMIN_TOKEN });
  try {
    assert.equal((await fetch(`${server.url}/metrics`)).status, 401);
    const answer = await fetch(`${server.url}/metrics`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    assert.equal(answer.status, 200);
    assert.match(answer.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
    const s = parsePrometheusText(await answer.text());
    for (const name of ['process_cpu_seconds_total', 'process_resident_memory_bytes', 'nodejs_eventloop_lag_seconds', 'stripe_connector_outbox_pending_deliveries']) {
      assert.ok(s.types.has(name), `${name} is in /metrics`);
    }
    assert.ok(s.value('process_cpu_seconds_total') > 0);
  } finally {
    await closeAll(() => server.stop(), () => place.remove());
  }
});

// The metrics object on its own: label values kept bounded whatever a caller passes, Stripe paths
// reduced to templates, and one registry per service set.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createMetrics } from '../../src/metrics/registry.js';
import { stripePathTemplate } from '../../src/metrics/stripe-path.js';
import { parsePrometheusText } from './prometheus-text.js';

test('Stripe paths become templates: ids (whatever their form), query strings and deep tails never reach a label', () => {
  const cases: [string, string][] = [
    ['/v1/customers', '/v1/customers'],
    ['/v1/customers?limit=100&created[gte]=1700000000', '/v1/customers'],
    ['/v1/customers/cus_Q1w2E3r4', '/v1/customers/{id}'],
    ['/v1/products/my_product', '/v1/products/{id}'],
    ['/v1/products/Summer%20Hat', '/v1/products/{id}'],
    ['/v1/customers/search?query=email', '/v1/customers/search'],
    ['/v1/customers/cus_1/sources/card_2', '/v1/customers/{id}/sources/{id}'],
    ['/v1/invoices/in_1/pay', '/v1/invoices/{id}/pay'],
    ['/v1/checkout/sessions/cs_test_1', '/v1/checkout/sessions/{id}'],
    ['/v1/test_helpers/terminal/readers/tmr_1/present_payment_method', '/v1/test_helpers/terminal/readers/{id}/present_payment_method'],
    ['/v1/webhook_endpoints/we_1', '/v1/webhook_endpoints/{id}'],
    ['/v1/a/1/b/2/c/3/d/4', '/v1/a/{id}/b/{id}/c/…'],
    ['/v1/Customers/x', '/v1/{id}/{id}'],
    ['/elsewhere/cus_1', '/other'],
  ];
  for (const [path, template] of cases) assert.equal(stripePathTemplate(path), template, path);
});

test('each metrics object counts only its own: two service sets in one process do not share a registry', async () => {
  const first = createMetrics({ defaultMetrics: false });
  const second = createMetrics({ defaultMetrics: false });
  first.actionCall('createCustomer', 'succeeded', 0.2);
  const calls = (text: string) => parsePrometheusText(text).value('stripe_connector_action_calls_total', { operation: 'createCustomer', outcome: 'succeeded' });
  assert.equal(calls((await first.exposition()).text), 1);
  assert.equal(calls((await second.exposition()).text), 0);
});

test('a label value outside the fixed vocabulary is reported as "other", and no metric grows past 500 series', async () => {
  const metrics = createMetrics({ defaultMetrics: false });
  metrics.pollRun('https://evil.example/?token=sct_x', 'succeeded');
  metrics.pollRun('line\nbreak"quote', 'failed');
  for (let i = 0; i < 2_000; i++) metrics.pollRun(`trigger${i}`, 'succeeded');
  const scrape = parsePrometheusText((await metrics.exposition()).text);
  const polls = scrape.samples.filter((s) => s.name === 'stripe_connector_polls_total');
  assert.ok(polls.length <= 501, `${polls.length} series`);
  assert.equal(scrape.value('stripe_connector_polls_total', { trigger: 'other', outcome: 'succeeded' }), 1);
  assert.equal(scrape.value('stripe_connector_polls_total', { trigger: 'other', outcome: 'failed' }), 1);
  const total = polls.reduce((sum, s) => sum + s.value, 0);
  assert.equal(total, 2_002, 'every call is counted, under its own value or "other"');
  assert.doesNotMatch((await metrics.exposition()).text, /evil|sct_|token/);
});

test('the outbox gauges are read at each scrape; a store that cannot be read makes them NaN instead of failing the scrape', async () => {
  let pending = 3;
  let failing = false;
  const metrics = createMetrics({
    defaultMetrics: false,
    outbox: {
      pendingDeliveries: async () => {
        if (failing) throw new Error('database is locked');
        return pending;
      },
      oldestDueAgeSeconds: async () => 12.5,
    },
  });
  const read = async () => parsePrometheusText((await metrics.exposition()).text);
  assert.equal((await read()).value('stripe_connector_outbox_pending_deliveries'), 3);
  pending = 7;
  assert.equal((await read()).value('stripe_connector_outbox_pending_deliveries'), 7);
  assert.equal((await read()).value('stripe_connector_outbox_oldest_due_age_seconds'), 12.5);
  failing = true;
  assert.ok(Number.isNaN((await read()).value('stripe_connector_outbox_pending_deliveries')));
});

// GET /metrics against the real parts: the connector's services and fastify app listening on port
// 0, a real store, the Stripe emulator (which sends its webhooks to the connector), and a
// subscriber on 127.0.0.1 that verifies every delivery. Each step does one thing a user would do
// and reads /metrics before and after: each counter must move by exactly that much.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { startEmulator, type RunningEmulator } from '../../src/emulator/index.js';
import { createLogger } from '../../src/log.js';
import { createUserWithToken } from '../../src/users/tokens.js';
import { startHarness, type Harness } from '../support/harness.js';
import { startSubscriber, type Subscriber } from '../support/recording-subscriber.js';
import { eventually } from '../support/eventually.js';
import { closeAll } from '../support/cleanup.js';
import { parsePrometheusText, type Scrape } from './prometheus-text.js';

const HOUR_MS = 60 * 60 * 1000;

describe('GET /metrics', () => {
  let emulator: RunningEmulator;
  let h: Harness;
  let subscriber: Subscriber;
  let adminToken: string;
  // The connector's clock: real time plus what a step adds to it (retries 24 h later, a due delivery's age).
  let offsetMs = 0;
  let keyCounter = 0;

  const scrape = async (): Promise<Scrape> => {
    const answer = await h.request('GET', '/metrics', { token: adminToken });
    assert.equal(answer.statusCode, 200, answer.body);
    return parsePrometheusText(answer.body);
  };
  const newKey = () => `sk_test_metrics${String(process.pid).padStart(7, '0')}x${++keyCounter}`;
  const connect = async (apiKey: string, extra: Record<string, unknown> = {}): Promise<string> => {
    const answer = await h.request('POST', '/api/connections', { body: { name: `metrics ${keyCounter}`, apiKey, ...extra } });
    assert.equal(answer.statusCode, 201, answer.body);
    return answer.json().id as string;
  };
  const subscribe = async (connectionId: string, mode: 'webhook' | 'poll'): Promise<void> => {
    const answer = await h.request('POST', `/api/connections/${connectionId}/subscriptions`, { body: { trigger: 'customerAdded', url: subscriber.url, mode } });
    assert.equal(answer.statusCode, 201, answer.body);
    subscriber.addSecret(answer.json().secret as string);
  };
  /** A customer made in the emulator account directly, as someone using Stripe's dashboard would. */
  const createCustomerInStripe = async (apiKey: string): Promise<void> => {
    const answer = await fetch(`${emulator.url}/v1/customers`, {
      method: 'POST',
      headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'email=someone%40example.com',
    });
    assert.equal(answer.status, 200, await answer.text());
  };
  const metricsUntil = (holds: (s: Scrape) => boolean, what: string) =>
    eventually(scrape, holds, 10_000).catch((error: unknown) => {
      throw new Error(`/metrics never showed ${what}: ${String(error)}`);
    });

  before(async () => {
    emulator = await startEmulator({ port: 0, rateLimitPerSecond: false });
    subscriber = await startSubscriber();
    h = await startHarness({
      config: { stripeApiBase: emulator.url, port: 0, host: '127.0.0.1', callbackAllowPrivate: true, deliveryFirstRetrySeconds: 1 },
      // With prom-client's process metrics, as `serve` has them (startServer).
      services: { logger: createLogger({ level: 'silent' }), stripeRequestsPerSecond: false, nowMs: () => Date.now() + offsetMs, defaultMetrics: true },
    });
    await h.app.listen({ port: 0, host: '127.0.0.1' });
    h.services.setPublicUrl(`http://127.0.0.1:${(h.app.server.address() as AddressInfo).port}`);
    adminToken = (await createUserWithToken(h.services.db, { name: 'operator', isAdmin: true })).token;
  });
  after(() => closeAll(() => h?.close(), () => subscriber?.close(), () => emulator?.stop()));

  test('needs a token (401) and an admin user (403), both in the API error shape', async () => {
    const none = await h.request('GET', '/metrics', { token: null });
    assert.equal(none.statusCode, 401);
    assert.equal(none.json().error.code, 'unauthorized');
    const user = await h.request('GET', '/metrics', { token: h.alice.token });
    assert.equal(user.statusCode, 403);
    assert.deepEqual(Object.keys(user.json()), ['error']);
    assert.equal(user.json().error.code, 'forbidden');
    assert.match(user.json().error.message, /admin/);
    assert.doesNotMatch(user.body, /stripe_connector_/);
  });

  test("an admin gets Prometheus text: the connector's families, prom-client's process metrics under their standard names", async () => {
    const answer = await h.request('GET', '/metrics', { token: adminToken });
    assert.equal(answer.statusCode, 200);
    assert.match(String(answer.headers['content-type']), /^text\/plain; version=0\.0\.4/);
    const s = parsePrometheusText(answer.body);
    for (const [name, type] of [
      ['stripe_connector_action_calls_total', 'counter'],
      ['stripe_connector_action_duration_seconds', 'histogram'],
      ['stripe_connector_throttle_rejections_total', 'counter'],
      ['stripe_connector_stripe_requests_total', 'counter'],
      ['stripe_connector_delivery_attempts_total', 'counter'],
      ['stripe_connector_delivery_lag_seconds', 'histogram'],
      ['stripe_connector_outbox_pending_deliveries', 'gauge'],
      ['stripe_connector_outbox_oldest_due_age_seconds', 'gauge'],
      ['stripe_connector_polls_total', 'counter'],
      ['stripe_connector_poll_lag_seconds', 'histogram'],
      ['stripe_connector_inbound_webhooks_total', 'counter'],
      ['process_cpu_seconds_total', 'counter'],
      ['nodejs_eventloop_lag_seconds', 'gauge'],
    ]) {
      assert.equal(s.types.get(name!), type, `${name} is a ${type}`);
    }
  });

  test('action calls: succeeded, invalid, failed at Stripe and throttled are each counted once, with the Stripe requests they made', async () => {
    // Three calls per window: the fourth is refused by the connection's throttle.
    const connectionId = await connect(newKey(), { rateLimit: 3 });
    const action = (operation: string, body: unknown) => h.request('POST', `/api/connections/${connectionId}/actions/${operation}`, { body });
    const before = await scrape();
    assert.equal((await action('createCustomer', { email: 'a@example.com' })).statusCode, 200);
    assert.equal((await action('createCustomer', { email: 5 })).statusCode, 400);
    assert.equal((await action('getCustomer', { id: 'cus_doesNotExist1' })).statusCode, 404);
    const throttled = await action('createCustomer', { email: 'b@example.com' });
    assert.equal(throttled.statusCode, 429);
    const now = await scrape();
    const moved = (name: string, labels: Record<string, string> = {}) => now.value(name, labels) - before.value(name, labels);
    const calls = 'stripe_connector_action_calls_total';
    assert.equal(moved(calls, { operation: 'createCustomer', outcome: 'succeeded' }), 1);
    assert.equal(moved(calls, { operation: 'createCustomer', outcome: 'invalid' }), 1);
    assert.equal(moved(calls, { operation: 'getCustomer', outcome: 'failed' }), 1);
    assert.equal(moved(calls, { operation: 'createCustomer', outcome: 'throttled' }), 1);
    assert.equal(moved('stripe_connector_throttle_rejections_total', { operation: 'createCustomer' }), 1);
    // Only the calls that ran are timed.
    assert.equal(moved('stripe_connector_action_duration_seconds_count', { operation: 'createCustomer' }), 1);
    assert.equal(moved('stripe_connector_action_duration_seconds_count', { operation: 'getCustomer' }), 1);
    assert.ok(now.value('stripe_connector_action_duration_seconds_bucket', { operation: 'createCustomer', le: '30' }) >= 1);
    // The Stripe requests, by path template: no customer id in the label.
    assert.equal(moved('stripe_connector_stripe_requests_total', { method: 'POST', path: '/v1/customers', status: '200' }), 1);
    assert.equal(moved('stripe_connector_stripe_requests_total', { method: 'GET', path: '/v1/customers/{id}', status: '404' }), 1);
    // The connection's key check before that.
    assert.ok(now.value('stripe_connector_stripe_requests_total', { method: 'GET', path: '/v1/balance', status: '200' }) >= 1);
  });

  test('a poll: counted by trigger and outcome, its new object given a poll lag, its delivery pending in the outbox until sent', async () => {
    const apiKey = newKey();
    const connectionId = await connect(apiKey);
    await subscribe(connectionId, 'poll');
    await createCustomerInStripe(apiKey);
    const before = await scrape();
    assert.equal(before.value('stripe_connector_outbox_pending_deliveries'), 0);
    assert.equal(await h.services.pollScheduler.runDue(), 1);
    // 40 s later by the connector's clock, the delivery (due at once) is still unsent: the worker is not started yet.
    offsetMs += 40_000;
    const polled = await scrape();
    assert.equal(polled.value('stripe_connector_polls_total', { trigger: 'customerAdded', outcome: 'succeeded' }) - before.value('stripe_connector_polls_total', { trigger: 'customerAdded', outcome: 'succeeded' }), 1);
    assert.equal(polled.value('stripe_connector_poll_lag_seconds_count', { trigger: 'customerAdded' }) - before.value('stripe_connector_poll_lag_seconds_count', { trigger: 'customerAdded' }), 1);
    assert.equal(polled.value('stripe_connector_outbox_pending_deliveries'), 1);
    const age = polled.value('stripe_connector_outbox_oldest_due_age_seconds');
    assert.ok(age >= 39 && age < 120, `oldest due delivery is ${age} s old`);

    h.services.deliveryWorker.start();
    await subscriber.waitFor(1);
    const sent = await metricsUntil((s) => s.value('stripe_connector_delivery_attempts_total', { outcome: 'delivered' }) === 1, 'the delivery');
    assert.equal(sent.value('stripe_connector_outbox_pending_deliveries'), 0);
    assert.equal(sent.value('stripe_connector_outbox_oldest_due_age_seconds'), 0);
    assert.equal(sent.value('stripe_connector_delivery_lag_seconds_count'), 1);
    // Queued at the poll, sent 40 s later by the connector's clock.
    assert.equal(sent.value('stripe_connector_delivery_lag_seconds_bucket', { le: '30' }), 0);
    assert.equal(sent.value('stripe_connector_delivery_lag_seconds_bucket', { le: '60' }), 1);
    // Back to real time: a subscription's `since` is the connector's clock, and Stripe's objects carry real time.
    offsetMs = 0;
  });

  test('an inbound webhook delivered to a subscriber; one that fails, is retried and given up after 24 h; refused webhooks by reason', async () => {
    const apiKey = newKey();
    const connectionId = await connect(apiKey);
    await subscribe(connectionId, 'webhook');
    const start = await scrape();
    const moved = (now: Scrape, name: string, labels: Record<string, string> = {}) => now.value(name, labels) - start.value(name, labels);
    const inbound = 'stripe_connector_inbound_webhooks_total';
    const attempts = 'stripe_connector_delivery_attempts_total';

    await createCustomerInStripe(apiKey);
    await subscriber.waitFor(2);
    let now = await metricsUntil((s) => moved(s, attempts, { outcome: 'delivered' }) === 1, 'the webhook event delivered');
    assert.equal(moved(now, inbound, { outcome: 'accepted' }), 1);
    assert.equal(moved(now, 'stripe_connector_delivery_lag_seconds_count'), 1);

    // The subscriber is down for the next two attempts.
    subscriber.failNext(2);
    await createCustomerInStripe(apiKey);
    now = await metricsUntil((s) => moved(s, attempts, { outcome: 'failed_attempt' }) === 1, 'a failed attempt');
    assert.equal(moved(now, inbound, { outcome: 'accepted' }), 2);
    assert.equal(now.value('stripe_connector_outbox_pending_deliveries'), 1);
    // 25 h later its retry fails again: past the 24 h of retries, the delivery is given up.
    offsetMs += 25 * HOUR_MS;
    h.services.deliveryWorker.wake();
    now = await metricsUntil((s) => moved(s, attempts, { outcome: 'gave_up' }) === 1, 'the delivery given up');
    assert.equal(moved(now, attempts, { outcome: 'failed_attempt' }), 1);
    assert.equal(moved(now, attempts, { outcome: 'delivered' }), 1);
    assert.equal(moved(now, 'stripe_connector_delivery_lag_seconds_count'), 1, 'only deliveries that arrived have a lag');
    assert.equal(now.value('stripe_connector_outbox_pending_deliveries'), 0);

    const post = (id: string, signature?: string) =>
      h.request('POST', `/webhooks/stripe/${id}`, { token: null, body: '{"id":"evt_1","type":"customer.created"}', headers: signature ? { 'stripe-signature': signature } : {} });
    assert.equal((await post('not-a-connection')).statusCode, 400);
    assert.equal((await post('conn_0123456789abcdef01234567', 't=1,v1=00')).statusCode, 400);
    assert.equal((await post(connectionId, 't=1,v1=00')).statusCode, 400);
    now = await scrape();
    assert.equal(moved(now, inbound, { outcome: 'refused_malformed_id' }), 1);
    assert.equal(moved(now, inbound, { outcome: 'refused_no_secret' }), 1);
    assert.equal(moved(now, inbound, { outcome: 'refused_signature' }), 1);
    assert.equal(moved(now, inbound, { outcome: 'accepted' }), 2);
  });

  test('no label carries an id, a key, a token or a URL', async () => {
    const answer = await h.request('GET', '/metrics', { token: adminToken });
    for (const secretish of [adminToken, h.alice.token, 'sk_test_', 'whsec_', 'conn_', 'cus_', 'sub_', 'msg_', 'evt_', '127.0.0.1', 'http', '@']) {
      assert.ok(!answer.body.includes(secretish), `/metrics contains ${secretish}`);
    }
    for (const sample of parsePrometheusText(answer.body).samples) {
      for (const [label, value] of Object.entries(sample.labels)) {
        assert.match(value, /^[A-Za-z0-9_.{}/+-]*$/, `${sample.name} ${label}="${value}"`);
      }
    }
  });
});

import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { createStripeClient } from '../../src/stripe/client.js';
import { toConnectorError } from '../../src/stripe/errors.js';
import { DEFAULT_RETRY_POLICY, nextRetryDelayMs } from '../../src/stripe/retry-policy.js';
import { customerJson, startScriptedStripe, stripeError, type ScriptedAnswer, type ScriptedStripe } from './scripted-stripe.js';

const servers: ScriptedStripe[] = [];
after(() => Promise.all(servers.map((s) => s.stop())));

/** A real SDK client against a scripted server; tiny backoff so the retries take milliseconds. */
async function clientAgainst(script: ScriptedAnswer[], options: { timeoutMs?: number } = {}) {
  const server = await startScriptedStripe((_, i) => script[Math.min(i, script.length - 1)] as ScriptedAnswer);
  servers.push(server);
  const stripe = createStripeClient({
    apiKey: `sk_test_${randomUUID()}`,
    apiBase: server.url,
    requestsPerSecond: false,
    retryPolicy: { initialDelayMs: 5, maxDelayMs: 20 },
    ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
  });
  return { stripe, server };
}

const ok: ScriptedAnswer = { status: 200, body: customerJson() };
const serverError: ScriptedAnswer = stripeError(500, { type: 'api_error', message: 'Something went wrong' });

describe('retries', () => {
  test('a write answered 500 twice then 200 succeeds, with the same Idempotency-Key on every attempt', async () => {
    const { stripe, server } = await clientAgainst([serverError, serverError, ok]);
    const customer = await stripe.customers.create({ email: 'a@example.com' }, { idempotencyKey: 'client-key-1' });
    assert.equal(customer.id, 'cus_scripted');
    assert.equal(server.received.length, 3);
    assert.deepEqual(server.received.map((r) => r.headers['idempotency-key']), ['client-key-1', 'client-key-1', 'client-key-1']);
  });

  test('a 429 (rate limit or lock_timeout) is retried', async () => {
    const { stripe, server } = await clientAgainst([stripeError(429, { type: 'invalid_request_error', code: 'lock_timeout', message: 'locked' }), ok]);
    await stripe.customers.retrieve('cus_scripted');
    assert.equal(server.received.length, 2);
  });

  test('Stripe-Should-Retry: false stops retrying even a 500, and the 502 carries the request id', async () => {
    const { stripe, server } = await clientAgainst([{ ...serverError, headers: { 'stripe-should-retry': 'false', 'request-id': 'req_noretry' } }, ok]);
    const error = await stripe.customers.retrieve('cus_scripted').then(() => assert.fail('should fail'), (e: unknown) => toConnectorError(e));
    assert.equal(server.received.length, 1);
    assert.equal(error.status, 502);
    assert.equal(error.code, 'stripe_error');
    assert.match(error.message, /req_noretry/);
  });

  test('Stripe-Should-Retry: true retries even a status that is otherwise final', async () => {
    const { stripe, server } = await clientAgainst([
      { ...stripeError(409, { type: 'invalid_request_error', code: 'idempotency_key_in_use', message: 'in use' }), headers: { 'stripe-should-retry': 'true' } },
      ok,
    ]);
    await stripe.customers.create({}, { idempotencyKey: 'k' });
    assert.equal(server.received.length, 2);
  });

  test('a 400 or a taken id (resource_already_exists) is not retried', async () => {
    const { stripe, server } = await clientAgainst([stripeError(400, { type: 'invalid_request_error', code: 'resource_already_exists', message: 'Product already exists.' })]);
    await assert.rejects(stripe.products.create({ name: 'x', id: 'prod_taken' }));
    assert.equal(server.received.length, 1);
  });

  test('a 503 that never clears is tried 4 times (3 retries), then is a 502 naming the last request id', async () => {
    const { stripe, server } = await clientAgainst([{ ...stripeError(503, { type: 'api_error', message: 'down' }), headers: { 'request-id': 'req_still_down' } }]);
    const error = await stripe.customers.retrieve('cus_x').then(() => assert.fail('should fail'), (e: unknown) => toConnectorError(e));
    assert.equal(server.received.length, 1 + DEFAULT_RETRY_POLICY.maxRetries);
    assert.equal(error.status, 502);
    assert.match(error.message, /req_still_down/);
  });

  test('a connection dropped twice is retried and then succeeds', async () => {
    const { stripe, server } = await clientAgainst([{ status: 0, destroy: true }, { status: 0, destroy: true }, ok]);
    await stripe.customers.retrieve('cus_scripted');
    assert.equal(server.received.length, 3);
  });

  test('a connection that keeps dropping is tried 4 times in all, then is a 502 stripe_error', async () => {
    const { stripe, server } = await clientAgainst([{ status: 0, destroy: true }]);
    const error = await stripe.customers.retrieve('cus_x').then(() => assert.fail('should fail'), (e: unknown) => toConnectorError(e));
    assert.equal(server.received.length, 1 + DEFAULT_RETRY_POLICY.maxRetries);
    assert.equal(error.status, 502);
    assert.equal(error.code, 'stripe_error');
  });

  test('a request that times out is a 504 stripe_timeout and is not repeated', async () => {
    const { stripe, server } = await clientAgainst([{ status: 0, hang: true }], { timeoutMs: 150 });
    const error = await stripe.customers.retrieve('cus_x').then(() => assert.fail('should time out'), (e: unknown) => toConnectorError(e));
    assert.equal(error.status, 504);
    assert.equal(error.code, 'stripe_timeout');
    assert.equal(server.received.length, 1);
  });
});

describe('retry policy', () => {
  const policy = { maxRetries: 3, initialDelayMs: 500, maxDelayMs: 1500 };
  const status = (s: number, header?: string) => ({ kind: 'response' as const, status: s, shouldRetryHeader: header });

  test('backoff doubles per retry up to the cap, with jitter between half and all of it', () => {
    assert.equal(nextRetryDelayMs(status(500), 0, policy, () => 0), 250);
    assert.equal(nextRetryDelayMs(status(500), 0, policy, () => 1), 500);
    assert.equal(nextRetryDelayMs(status(500), 1, policy, () => 1), 1000);
    assert.equal(nextRetryDelayMs(status(500), 2, policy, () => 1), 1500);
    assert.equal(nextRetryDelayMs(status(500), 3, policy, () => 1), null);
  });

  test('only 429, 5xx and network failures are retried unless Stripe says otherwise', () => {
    assert.equal(nextRetryDelayMs(status(400), 0, policy), null);
    assert.equal(nextRetryDelayMs(status(404), 0, policy), null);
    assert.equal(nextRetryDelayMs(status(409), 0, policy), null);
    assert.notEqual(nextRetryDelayMs(status(409, 'true'), 0, policy), null);
    assert.equal(nextRetryDelayMs(status(503, 'false'), 0, policy), null);
    assert.notEqual(nextRetryDelayMs({ kind: 'network_error', timedOut: false }, 0, policy), null);
    assert.equal(nextRetryDelayMs({ kind: 'network_error', timedOut: true }, 0, policy), null);
  });
});

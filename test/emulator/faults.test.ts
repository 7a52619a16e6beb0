import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import Stripe from 'stripe';
import { startHarness, stripeError, type Harness } from './harness.js';

let h: Harness;
before(async () => {
  h = await startHarness();
});
after(() => h?.stop());

async function addFault(key: string, fault: Record<string, unknown>): Promise<{ data: { id: string; matched: number; fired: number }[] }> {
  const response = await h.raw('POST', '/_emulator/faults', {
    key,
    body: JSON.stringify(fault),
    headers: { 'content-type': 'application/json' },
  });
  assert.equal(response.status, 200, JSON.stringify(response.body));
  return response.body;
}

async function faults(key: string): Promise<{ data: { id: string; kind: string; matched: number; fired: number }[]; seed: number }> {
  return (await h.raw('GET', '/_emulator/faults', { key })).body;
}

function retryingClient(key: string, maxNetworkRetries: number, extra: Partial<Stripe.StripeConfig> = {}): Stripe {
  return new Stripe(key, { host: '127.0.0.1', port: h.emulator.port, protocol: 'http', maxNetworkRetries, telemetry: false, ...extra });
}

/** Which of `count` customer creates failed with a 500, as a string of 0s and 1s. */
async function errorPattern(key: string, count: number): Promise<string> {
  const stripe = h.stripe(key);
  let pattern = '';
  for (let i = 0; i < count; i++) {
    try {
      await stripe.customers.create({ name: `n${i}` });
      pattern += '0';
    } catch (error) {
      assert.ok(error instanceof Stripe.errors.StripeAPIError, String(error));
      assert.equal(error.statusCode, 500);
      pattern += '1';
    }
  }
  return pattern;
}

describe('request faults', () => {
  test('a 30% share of 500s with a fixed seed fails the same requests in every run, and creates nothing for them', async () => {
    const first = h.newKey();
    const second = h.newKey();
    await addFault(first, { kind: 'error', share: 0.3, seed: 42 });
    await addFault(second, { kind: 'error', share: 0.3, seed: 42 });
    const a = await errorPattern(first, 60);
    const b = await errorPattern(second, 60);
    assert.equal(a, b);
    const failures = [...a].filter((c) => c === '1').length;
    assert.ok(failures >= 9 && failures <= 27, `${failures} of 60 failed`);
    const rule = (await faults(first)).data[0]!;
    assert.deepEqual([rule.matched, rule.fired], [60, failures]);
    await h.raw('DELETE', '/_emulator/faults', { key: first });
    const created = await h.stripe(first).customers.list({ limit: 100 });
    assert.equal(created.data.length, 60 - failures);
  });

  test('the SDK retries an injected 500 and the retry succeeds exactly once', async () => {
    const key = h.newKey();
    await addFault(key, { kind: 'error', next: 1 });
    const customer = await retryingClient(key, 1).customers.create({ name: 'retried' });
    assert.match(customer.id, /^cus_/);
    assert.equal((await h.stripe(key).customers.list()).data.length, 1);
    assert.deepEqual((await faults(key)).data.map((r) => [r.matched, r.fired]), [[3, 1]]);
  });

  test('a 429 with Stripe-Should-Retry: false is not retried by the SDK', async () => {
    const key = h.newKey();
    await addFault(key, { kind: 'rate_limit', next: 1, should_retry: false });
    const error = await stripeError(() => retryingClient(key, 2).customers.create({ name: 'x' }));
    assert.ok(error instanceof Stripe.errors.StripeRateLimitError);
    assert.equal(error.statusCode, 429);
    assert.equal(error.code, 'rate_limit');
    assert.equal(error.headers?.['stripe-should-retry'], 'false');
    const rule = (await faults(key)).data[0]!;
    assert.equal(rule.matched, 1, 'the SDK sent the request once');
    assert.equal(rule.fired, 1);
  });

  test('a 429 with Stripe-Should-Retry: true is retried by the SDK, and one without the header is not', async () => {
    const retried = h.newKey();
    await addFault(retried, { kind: 'rate_limit', next: 1, should_retry: true });
    await retryingClient(retried, 2).customers.create({ name: 'y' });
    assert.equal((await faults(retried)).data[0]!.matched, 2);

    const plain = h.newKey();
    await addFault(plain, { kind: 'rate_limit', next: 1 });
    const error = await stripeError(() => retryingClient(plain, 2).customers.create({ name: 'z' }));
    assert.equal(error.statusCode, 429);
    assert.equal(error.headers?.['stripe-should-retry'], undefined);
    assert.equal((await faults(plain)).data[0]!.matched, 1);
  });

  test('a delay holds the answer back, and an SDK timeout shorter than it fails the call', async () => {
    const key = h.newKey();
    await addFault(key, { kind: 'delay', next: 2, delay_ms: 250 });
    const started = performance.now();
    await h.stripe(key).customers.list();
    // A lower bound only (a loaded machine makes answers later, never earlier), with 10 ms for
    // timer rounding: a timer may fire a millisecond before its whole-millisecond deadline.
    const elapsedMs = performance.now() - started;
    assert.ok(elapsedMs >= 240, `answered after ${elapsedMs.toFixed(1)} ms`);
    assert.equal((await faults(key)).data[0]!.fired, 1, 'the delay fault held this answer');
    const error = await stripeError(() => retryingClient(key, 0, { timeout: 50 }).customers.list());
    assert.ok(error instanceof Stripe.errors.StripeConnectionError, error.type);
  });

  test('path_prefix limits a fault to matching paths', async () => {
    const key = h.newKey();
    await addFault(key, { kind: 'error', share: 1, path_prefix: '/v1/charges', status: 503 });
    const stripe = h.stripe(key);
    await stripe.customers.create({ name: 'fine' });
    const error = await stripeError(() => stripe.charges.create({ amount: 500, currency: 'usd', source: 'tok_visa' }));
    assert.equal(error.statusCode, 503);
    assert.equal(error.type, 'StripeAPIError');
  });

  test('faults belong to one account and can be removed one by one or all at once', async () => {
    const key = h.newKey();
    const other = h.newKey();
    const added = await addFault(key, { kind: 'error', share: 1 });
    await addFault(key, { kind: 'delay', share: 1, delay_ms: 1 });
    await h.stripe(other).customers.create({ name: 'unaffected' });
    const one = await h.raw('DELETE', `/_emulator/faults/${added.data[0]!.id}`, { key });
    assert.deepEqual(one.body.data.map((r: { kind: string }) => r.kind), ['delay']);
    await h.stripe(key).customers.create({ name: 'now fine' });
    const cleared = await h.raw('DELETE', '/_emulator/faults', { key });
    assert.deepEqual(cleared.body.data, []);
  });

  test('a bad fault is refused naming the field, and nothing is added', async () => {
    const key = h.newKey();
    const bad = async (fault: Record<string, unknown>, param: string) => {
      const response = await h.raw('POST', '/_emulator/faults', { key, body: JSON.stringify(fault), headers: { 'content-type': 'application/json' } });
      assert.equal(response.status, 400, JSON.stringify(response.body));
      assert.equal(response.body.error.param, param);
    };
    await bad({ kind: 'explode', share: 1 }, 'kind');
    await bad({ kind: 'error', share: 1.5 }, 'share');
    await bad({ kind: 'error' }, 'share');
    await bad({ kind: 'error', share: 0.5, next: 2 }, 'next');
    await bad({ kind: 'delay', share: 1 }, 'delay_ms');
    await bad({ kind: 'error', share: 1, path_prefix: 'v1' }, 'path_prefix');
    assert.deepEqual((await faults(key)).data, []);
    const noKey = await h.raw('GET', '/_emulator/faults');
    assert.equal(noKey.status, 401);
  });
});

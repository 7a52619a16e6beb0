import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness, stripeError, type Harness } from './harness.js';

let h: Harness;
before(async () => {
  h = await startHarness({ clock: { frozen: true } });
});
after(() => h?.stop());

describe('idempotent requests', () => {
  test('a repeated key replays the first answer with Idempotent-Replayed and creates nothing new', async () => {
    const stripe = h.stripe();
    const first = await stripe.customers.create({ email: 'once@example.com' }, { idempotencyKey: 'k-replay' });
    const second = await stripe.customers.create({ email: 'once@example.com' }, { idempotencyKey: 'k-replay' });
    assert.deepEqual(second, first);
    assert.equal(second.lastResponse.headers['idempotent-replayed'], 'true');
    assert.equal(first.lastResponse.headers['idempotent-replayed'], undefined);
    assert.equal((await stripe.customers.list()).data.length, 1);
  });

  test('the same key with other parameters is a 400 idempotency_error', async () => {
    const stripe = h.stripe();
    await stripe.customers.create({ email: 'a@example.com' }, { idempotencyKey: 'k-mismatch' });
    const error = await stripeError(() => stripe.customers.create({ email: 'b@example.com' }, { idempotencyKey: 'k-mismatch' }));
    assert.equal(error.statusCode, 400);
    assert.equal(error.type, 'StripeIdempotencyError');
    assert.equal(
      error.message,
      "Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than 'k-mismatch' if you meant to execute a different request.",
    );
  });

  test('the same key on another endpoint is a 400 idempotency_error naming both paths', async () => {
    const stripe = h.stripe();
    await stripe.customers.create({}, { idempotencyKey: 'k-endpoint' });
    const error = await stripeError(() => stripe.products.create({ name: 'x' }, { idempotencyKey: 'k-endpoint' }));
    assert.equal(error.type, 'StripeIdempotencyError');
    assert.match(error.message, /\('\/v1\/customers' vs '\/v1\/products'\)/);
  });

  test('keys belong to one account: another key may use the same idempotency key', async () => {
    const a = await h.stripe().customers.create({ email: 'a@example.com' }, { idempotencyKey: 'k-shared' });
    const b = await h.stripe().customers.create({ email: 'b@example.com' }, { idempotencyKey: 'k-shared' });
    assert.notEqual(a.id, b.id);
  });

  test('a key expires after 24 hours of emulated time, then runs the request anew', async () => {
    const stripe = h.stripe();
    const first = await stripe.customers.create({ email: 'x@example.com' }, { idempotencyKey: 'k-expiry' });
    h.emulator.clock.advanceMs(24 * 3600 * 1000 - 1000);
    const replay = await stripe.customers.create({ email: 'x@example.com' }, { idempotencyKey: 'k-expiry' });
    assert.equal(replay.id, first.id);
    h.emulator.clock.advanceMs(1000);
    const fresh = await stripe.customers.create({ email: 'x@example.com' }, { idempotencyKey: 'k-expiry' });
    assert.notEqual(fresh.id, first.id);
  });

  test('a request refused by validation is not stored, so a corrected retry with the key runs', async () => {
    const stripe = h.stripe();
    await stripeError(() => stripe.products.create({ name: 'x', active: 'maybe' as never }, { idempotencyKey: 'k-invalid' }));
    const product = await stripe.products.create({ name: 'x' }, { idempotencyKey: 'k-invalid' });
    assert.equal(product.name, 'x');
  });
});

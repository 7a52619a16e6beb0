import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import Stripe from 'stripe';
import { startHarness, stripeError, type Harness } from './harness.js';

let h: Harness;
before(async () => {
  h = await startHarness({ clock: { startMs: Date.UTC(2026, 0, 15, 12), frozen: true } });
});
after(() => h?.stop());

const approved = {
  network_status: 'approved_by_network',
  reason: null,
  risk_level: 'normal',
  seller_message: 'Payment complete.',
  type: 'authorized',
};

describe('charges with test tokens', () => {
  for (const [token, last4, brand] of [
    ['tok_visa', '4242', 'Visa'],
    ['tok_mastercard', '4444', 'MasterCard'],
    ['tok_amex', '8431', 'American Express'],
  ] as const) {
    test(`${token} succeeds, captured and paid, with an authorized outcome and the card's last four`, async () => {
      const charge = await h.stripe().charges.create({ amount: 2000, currency: 'usd', source: token });
      assert.match(charge.id, /^ch_[A-Za-z0-9]{24}$/);
      assert.equal(charge.status, 'succeeded');
      assert.equal(charge.paid, true);
      assert.equal(charge.captured, true);
      assert.equal(charge.amount_captured, 2000);
      assert.equal(charge.failure_code, null);
      assert.equal(charge.failure_message, null);
      const { risk_score, advice_code: _a, network_advice_code: _n, network_decline_code: _d, ...outcome } = charge.outcome!;
      assert.deepEqual(outcome, approved);
      assert.ok(typeof risk_score === 'number' && risk_score >= 0 && risk_score < 65);
      const card = charge.source as Stripe.Card;
      assert.equal(card.last4, last4);
      assert.equal(card.brand, brand);
      assert.equal(charge.payment_method_details?.card?.last4, last4);
      assert.match(String(charge.balance_transaction), /^txn_/);
    });
  }

  test('tok_riskLevelElevated succeeds but is placed in manual review with an elevated risk level', async () => {
    const charge = await h.stripe().charges.create({ amount: 2000, currency: 'usd', source: 'tok_riskLevelElevated' });
    assert.equal(charge.status, 'succeeded');
    assert.equal(charge.paid, true);
    assert.equal(charge.outcome?.network_status, 'approved_by_network');
    assert.equal(charge.outcome?.reason, 'elevated_risk_level');
    assert.equal(charge.outcome?.risk_level, 'elevated');
    assert.equal(charge.outcome?.type, 'manual_review');
    assert.match(charge.outcome?.seller_message ?? '', /elevated risk, and placed it in your manual review queue/);
    assert.ok(charge.outcome!.risk_score! >= 65 && charge.outcome!.risk_score! < 75);
    assert.match(String(charge.review), /^prv_/);
  });

  test('tok_chargeDeclined is a 402 card_error with generic_decline, and the failed charge is stored and listed', async () => {
    const stripe = h.stripe();
    const error = await stripeError(() => stripe.charges.create({ amount: 1500, currency: 'usd', source: 'tok_chargeDeclined' }));
    assert.ok(error instanceof Stripe.errors.StripeCardError);
    assert.equal(error.statusCode, 402);
    assert.equal(error.code, 'card_declined');
    assert.equal(error.decline_code, 'generic_decline');
    assert.equal(error.message, 'Your card was declined.');
    const chargeId = error.charge!;
    assert.match(chargeId, /^ch_/);
    const failed = await stripe.charges.retrieve(chargeId);
    assert.equal(failed.status, 'failed');
    assert.equal(failed.paid, false);
    assert.equal(failed.captured, false);
    assert.equal(failed.failure_code, 'card_declined');
    assert.equal(failed.failure_message, 'Your card was declined.');
    assert.equal(failed.balance_transaction, null);
    assert.equal(failed.outcome?.network_status, 'declined_by_network');
    assert.equal(failed.outcome?.reason, 'generic_decline');
    assert.equal(failed.outcome?.type, 'issuer_declined');
    assert.equal(failed.outcome?.risk_level, 'normal');
    assert.equal(failed.outcome?.seller_message, 'The bank did not return any further details with this decline.');
    const list = await stripe.charges.list();
    assert.deepEqual(list.data.map((c) => c.id), [chargeId]);
  });

  test('tok_chargeDeclinedInsufficientFunds declines with insufficient_funds and Stripe’s seller message', async () => {
    const stripe = h.stripe();
    const error = await stripeError(() =>
      stripe.charges.create({ amount: 1500, currency: 'usd', source: 'tok_chargeDeclinedInsufficientFunds' }),
    );
    assert.equal(error.statusCode, 402);
    assert.equal(error.type, 'StripeCardError');
    assert.equal(error.code, 'card_declined');
    assert.equal(error.decline_code, 'insufficient_funds');
    assert.equal(error.message, 'Your card has insufficient funds.');
    const failed = await stripe.charges.retrieve(error.charge!);
    assert.equal(failed.failure_code, 'card_declined');
    assert.equal(failed.failure_message, 'Your card has insufficient funds.');
    assert.equal(failed.outcome?.reason, 'insufficient_funds');
    assert.equal(failed.outcome?.seller_message, 'The bank returned the decline code `insufficient_funds`.');
  });

  for (const [token, code, declineCode, message, outcome] of [
    ['tok_chargeDeclinedFraudulent', 'card_declined', 'fraudulent', 'Your card was declined.', ['not_sent_to_network', 'highest_risk_level', 'highest', 'blocked']],
    ['tok_chargeDeclinedExpiredCard', 'expired_card', 'expired_card', 'Your card has expired.', ['declined_by_network', 'expired_card', 'normal', 'issuer_declined']],
    ['tok_chargeDeclinedIncorrectCvc', 'incorrect_cvc', 'incorrect_cvc', "Your card's security code is incorrect.", ['declined_by_network', 'incorrect_cvc', 'normal', 'issuer_declined']],
    ['tok_chargeDeclinedProcessingError', 'processing_error', 'processing_error', 'An error occurred while processing your card. Try again in a little bit.', ['declined_by_network', 'processing_error', 'normal', 'issuer_declined']],
  ] as const) {
    test(`${token} declines with ${code}/${declineCode} and a ${outcome[3]} outcome`, async () => {
      const stripe = h.stripe();
      const error = await stripeError(() => stripe.charges.create({ amount: 1500, currency: 'usd', source: token }));
      assert.equal(error.statusCode, 402);
      assert.equal(error.code, code);
      assert.equal(error.decline_code, declineCode);
      assert.equal(error.message, message);
      const failed = await stripe.charges.retrieve(error.charge!);
      assert.equal(failed.status, 'failed');
      assert.equal(failed.failure_code, code);
      assert.equal(failed.failure_message, message);
      const o = failed.outcome!;
      assert.deepEqual([o.network_status, o.reason, o.risk_level, o.type], outcome);
    });
  }

  test('the raw 402 body has Stripe’s card_error shape', async () => {
    const key = h.newKey();
    const response = await h.raw('POST', '/v1/charges', { key, body: 'amount=900&currency=usd&source=tok_chargeDeclined' });
    assert.equal(response.status, 402);
    assert.deepEqual(Object.keys(response.body.error).sort(), ['charge', 'code', 'decline_code', 'message', 'type']);
    assert.equal(response.body.error.type, 'card_error');
  });

  test('an unknown token is a 404 naming source, and a charge without source is a 400 naming it', async () => {
    const stripe = h.stripe();
    const unknown = await stripeError(() => stripe.charges.create({ amount: 900, currency: 'usd', source: 'tok_nope' }));
    assert.equal(unknown.statusCode, 404);
    assert.equal(unknown.param, 'source');
    const missing = await stripeError(() => stripe.charges.create({ amount: 900, currency: 'usd' }));
    assert.equal(missing.statusCode, 400);
    assert.equal(missing.param, 'source');
    const small = await stripeError(() => stripe.charges.create({ amount: 10, currency: 'usd', source: 'tok_visa' }));
    assert.equal(small.code, 'amount_too_small');
    assert.equal(small.param, 'amount');
    assert.equal((await stripe.charges.list()).data.length, 0);
  });

  test('customer, description, receipt_email, statement_descriptor and metadata are kept', async () => {
    const stripe = h.stripe();
    const customer = await stripe.customers.create({ email: 'pay@example.com' });
    const charge = await stripe.charges.create({
      amount: 5000,
      currency: 'EUR',
      source: 'tok_visa',
      customer: customer.id,
      description: 'Order 17',
      receipt_email: 'pay@example.com',
      statement_descriptor: 'SHOP 17',
      metadata: { order: '17' },
    });
    assert.equal(charge.currency, 'eur');
    assert.equal(charge.customer, customer.id);
    assert.equal(charge.description, 'Order 17');
    assert.equal(charge.receipt_email, 'pay@example.com');
    assert.equal(charge.statement_descriptor, 'SHOP 17');
    assert.equal(charge.calculated_statement_descriptor, 'SHOP 17');
    assert.deepEqual(charge.metadata, { order: '17' });
    assert.deepEqual(await stripe.charges.retrieve(charge.id), charge);
    const expanded = await stripe.charges.retrieve(charge.id, { expand: ['customer'] });
    assert.equal((expanded.customer as Stripe.Customer).email, 'pay@example.com');
    const missing = await stripeError(() => stripe.charges.create({ amount: 900, currency: 'usd', source: 'tok_visa', customer: 'cus_nope' }));
    assert.equal(missing.statusCode, 404);
    assert.equal(missing.param, 'customer');
  });
});

describe('capture', () => {
  test('capture=false holds the charge; capturing it later emits charge.captured and credits the balance', async () => {
    const stripe = h.stripe();
    const held = await stripe.charges.create({ amount: 3000, currency: 'usd', source: 'tok_visa', capture: false });
    assert.equal(held.status, 'succeeded');
    assert.equal(held.captured, false);
    assert.equal(held.amount_captured, 0);
    assert.equal(held.balance_transaction, null);
    const balanceBefore = await stripe.balance.retrieve();
    assert.equal(balanceBefore.pending[0]?.amount, 0);

    const captured = await stripe.charges.capture(held.id, { amount: 2500 });
    assert.equal(captured.captured, true);
    assert.equal(captured.amount_captured, 2500);
    assert.equal(captured.amount_refunded, 500);
    const balance = await stripe.balance.retrieve();
    // 2,500 less Stripe's 2.9% + 30¢ fee.
    assert.equal(balance.pending.find((b) => b.currency === 'usd')?.amount, 2500 - 73 - 30);

    const again = await stripeError(() => stripe.charges.capture(held.id));
    assert.equal(again.statusCode, 400);
    assert.equal(again.code, 'charge_already_captured');

    const events = await stripe.events.list({ type: 'charge.*' });
    assert.deepEqual(events.data.map((e) => e.type), ['charge.captured', 'charge.succeeded']);
    const capturedEvent = events.data[0]!;
    assert.equal((capturedEvent.data.object as Stripe.Charge).captured, true);
    assert.equal((capturedEvent.data.previous_attributes as Partial<Stripe.Charge>).captured, false);
  });

  test('capturing more than was authorised is refused naming amount', async () => {
    const stripe = h.stripe();
    const held = await stripe.charges.create({ amount: 3000, currency: 'usd', source: 'tok_visa', capture: false });
    const error = await stripeError(() => stripe.charges.capture(held.id, { amount: 3001 }));
    assert.equal(error.param, 'amount');
    assert.equal((await stripe.charges.retrieve(held.id)).captured, false);
  });

  test('a succeeded charge emits charge.succeeded, a declined one charge.failed, and none emits charge.pending', async () => {
    const stripe = h.stripe();
    await stripe.charges.create({ amount: 1000, currency: 'usd', source: 'tok_visa' });
    await stripeError(() => stripe.charges.create({ amount: 1000, currency: 'usd', source: 'tok_chargeDeclined' }));
    const events = await stripe.events.list();
    assert.deepEqual(events.data.map((e) => e.type), ['charge.failed', 'charge.succeeded']);
  });
});

describe('charge lists', () => {
  test('the customer filter lists only that customer’s charges, newest first, including failed ones', async () => {
    const stripe = h.stripe();
    const ann = await stripe.customers.create({ name: 'Ann' });
    const bob = await stripe.customers.create({ name: 'Bob' });
    const a1 = await stripe.charges.create({ amount: 100, currency: 'usd', source: 'tok_visa', customer: ann.id });
    await stripe.charges.create({ amount: 200, currency: 'usd', source: 'tok_visa', customer: bob.id });
    const declined = await stripeError(() =>
      stripe.charges.create({ amount: 300, currency: 'usd', source: 'tok_chargeDeclined', customer: ann.id }),
    );
    await stripe.charges.create({ amount: 400, currency: 'usd', source: 'tok_visa' });
    const list = await stripe.charges.list({ customer: ann.id });
    assert.deepEqual(list.data.map((c) => c.id), [declined.charge, a1.id]);
    assert.equal(list.has_more, false);
    assert.equal(list.url, '/v1/charges');
  });

  test('charges created in the same second list in a stable newest-first order across pages', async () => {
    const stripe = h.stripe();
    const ids: string[] = [];
    for (let i = 0; i < 7; i++) ids.push((await stripe.charges.create({ amount: 100 + i, currency: 'usd', source: 'tok_visa' })).id);
    const created = new Set((await stripe.charges.list({ limit: 100 })).data.map((c) => c.created));
    assert.equal(created.size, 1, 'the frozen clock puts every charge in one second');
    const seen: string[] = [];
    let page = await stripe.charges.list({ limit: 3 });
    seen.push(...page.data.map((c) => c.id));
    while (page.has_more) {
      page = await stripe.charges.list({ limit: 3, starting_after: seen[seen.length - 1] });
      seen.push(...page.data.map((c) => c.id));
    }
    assert.deepEqual(seen, [...ids].reverse());
    const auto: string[] = [];
    for await (const c of stripe.charges.list({ limit: 2 })) auto.push(c.id);
    assert.deepEqual(auto, [...ids].reverse());
  });

  test('an update changes description and metadata and emits charge.updated', async () => {
    const stripe = h.stripe();
    const charge = await stripe.charges.create({ amount: 700, currency: 'usd', source: 'tok_visa', metadata: { a: '1' } });
    const updated = await stripe.charges.update(charge.id, { description: 'later', metadata: { a: '', b: '2' } });
    assert.equal(updated.description, 'later');
    assert.deepEqual(updated.metadata, { b: '2' });
    const [event] = (await stripe.events.list({ type: 'charge.updated' })).data;
    assert.deepEqual(event?.data.previous_attributes, { description: null, metadata: { a: '1', b: null } });
  });
});

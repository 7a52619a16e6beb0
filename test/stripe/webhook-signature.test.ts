import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import Stripe from 'stripe';
import { ConnectorError } from '../../src/errors.js';
import { verifyStripeWebhook } from '../../src/stripe/webhook-signature.js';

const secret = 'whsec_test_endpoint_secret_1234567890';
const otherSecret = 'whsec_some_other_endpoint_secret_0987';
const nowSeconds = 1_795_000_000;
const nowMs = nowSeconds * 1000;
const body = JSON.stringify({ id: 'evt_1', object: 'event', type: 'customer.created', data: { object: { id: 'cus_1' } } });

function sign(payload: string, options: { secret?: string; timestamp?: number } = {}): string {
  return Stripe.webhooks.generateTestHeaderString({
    payload,
    secret: options.secret ?? secret,
    timestamp: options.timestamp ?? nowSeconds,
  });
}

function refusal(fn: () => unknown): ConnectorError {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof ConnectorError, `expected a ConnectorError, got ${String(error)}`);
    assert.equal(error.status, 400);
    assert.doesNotMatch(error.message, /whsec_/);
    return error;
  }
  assert.fail('the webhook was accepted');
}

describe('inbound Stripe webhook signatures', () => {
  test('a correctly signed event is accepted and parsed from the raw body', () => {
    const event = verifyStripeWebhook(Buffer.from(body), sign(body), secret, { nowMs });
    assert.equal(event.id, 'evt_1');
    assert.equal(event.type, 'customer.created');
  });

  test('a header carrying several v1 signatures is accepted when any one matches (secret rolling)', () => {
    const wrong = sign(body, { secret: otherSecret }).split(',').find((part) => part.startsWith('v1='));
    const right = sign(body).split(',').find((part) => part.startsWith('v1='));
    const header = `t=${nowSeconds},${wrong},${right}`;
    assert.equal(verifyStripeWebhook(body, header, secret, { nowMs }).id, 'evt_1');
  });

  test('with no secret configured, even a well-signed event is refused', () => {
    const error = refusal(() => verifyStripeWebhook(body, sign(body), undefined, { nowMs }));
    assert.match(error.message, /No webhook signing secret is configured/);
    refusal(() => verifyStripeWebhook(body, sign(body), '', { nowMs }));
  });

  test('a missing Stripe-Signature header is refused, naming the header', () => {
    const error = refusal(() => verifyStripeWebhook(body, undefined, secret, { nowMs }));
    assert.match(error.message, /Missing Stripe-Signature header/);
    assert.deepEqual((error.details as { field: string }[])[0]?.field, 'Stripe-Signature');
  });

  test('a header without a timestamp or without v1 is refused as malformed', () => {
    const v1 = sign(body).split(',')[1]!;
    assert.match(refusal(() => verifyStripeWebhook(body, v1, secret, { nowMs })).message, /Malformed/);
    assert.match(refusal(() => verifyStripeWebhook(body, `t=${nowSeconds}`, secret, { nowMs })).message, /Malformed/);
    assert.match(refusal(() => verifyStripeWebhook(body, ['a', 'b'], secret, { nowMs })).message, /Missing/);
  });

  test('an event signed with another secret is refused', () => {
    const error = refusal(() => verifyStripeWebhook(body, sign(body, { secret: otherSecret }), secret, { nowMs }));
    assert.match(error.message, /No v1 signature .* matches the raw request body/);
  });

  test('a body changed after signing (even re-serialised JSON) is refused', () => {
    const header = sign(body);
    const reserialised = JSON.stringify(JSON.parse(body), null, 2);
    refusal(() => verifyStripeWebhook(reserialised, header, secret, { nowMs }));
    refusal(() => verifyStripeWebhook(body.replace('cus_1', 'cus_2'), header, secret, { nowMs }));
  });

  test('a signature older than 300 seconds is refused as stale; 300 seconds is still fine', () => {
    const stale = refusal(() => verifyStripeWebhook(body, sign(body, { timestamp: nowSeconds - 301 }), secret, { nowMs }));
    assert.match(stale.message, /Stale Stripe-Signature: its timestamp is 301 s old/);
    assert.equal(verifyStripeWebhook(body, sign(body, { timestamp: nowSeconds - 300 }), secret, { nowMs }).id, 'evt_1');
  });

  test('a signature dated more than 300 seconds ahead is refused too', () => {
    const ahead = refusal(() => verifyStripeWebhook(body, sign(body, { timestamp: nowSeconds + 301 }), secret, { nowMs }));
    assert.match(ahead.message, /in the future/);
  });

  test('a correctly signed body that is not a Stripe event is refused', () => {
    const notJson = 'hello';
    assert.match(refusal(() => verifyStripeWebhook(notJson, sign(notJson), secret, { nowMs })).message, /not JSON/);
    const notEvent = '{"hello":"world"}';
    assert.match(refusal(() => verifyStripeWebhook(notEvent, sign(notEvent), secret, { nowMs })).message, /not a Stripe event/);
  });
});

// Stripe's failures, as real HTTP answers read by the real SDK, in the connector's words.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type Stripe from 'stripe';
import { createStripeClient } from '../../src/stripe/client.js';
import { stripeRequestIdOf, toConnectorError } from '../../src/stripe/errors.js';
import { ConnectorError, type ErrorCode } from '../../src/errors.js';
import { startScriptedStripe, stripeError, type ScriptedAnswer, type ScriptedStripe } from './scripted-stripe.js';

const API_KEY = 'sk_test_errorMappingKey9876';

// Stripe's answers, keyed by the customer id the test asks for.
const answers: Record<string, ScriptedAnswer> = {
  bad_key: stripeError(401, { type: 'invalid_request_error', message: `Invalid API Key provided: sk_test_****${API_KEY.slice(-4)}` }),
  restricted: stripeError(403, { type: 'invalid_request_error', message: 'The provided key does not have the required permissions' }),
  missing: stripeError(404, { type: 'invalid_request_error', code: 'resource_missing', param: 'id', message: "No such customer: 'missing'" }),
  exists: stripeError(400, { type: 'invalid_request_error', code: 'resource_already_exists', message: 'Product already exists.' }),
  bad_param: stripeError(400, { type: 'invalid_request_error', code: 'parameter_invalid_empty', param: 'metadata[caption]', message: 'You passed an empty string for metadata[caption]' }),
  bad_email: stripeError(400, { type: 'invalid_request_error', code: 'email_invalid', param: 'email', message: 'Invalid email address: x' }),
  card: stripeError(402, { type: 'card_error', code: 'card_declined', param: 'source', message: 'Your card was declined.' }),
  down: stripeError(500, { type: 'api_error', message: 'An unknown error occurred' }, { 'request-id': 'req_down500' }),
  empty_body: { status: 503, body: {} },
  reused_key: stripeError(400, { type: 'idempotency_error', message: 'Keys for idempotent requests can only be used with the same parameters they were first used with.' }),
};

describe('Stripe errors in the connector’s words', () => {
  let server: ScriptedStripe;
  let stripe: Stripe;

  before(async () => {
    server = await startScriptedStripe((request) => answers[request.path.split('/').pop() ?? ''] ?? { status: 404, body: {} });
    stripe = createStripeClient({ apiKey: API_KEY, apiBase: server.url, requestsPerSecond: false, retryPolicy: { maxRetries: 0 } });
  });
  after(() => server?.stop());

  async function mapped(id: string, subject?: { what: string; id: string }): Promise<ConnectorError> {
    try {
      await stripe.customers.retrieve(id);
    } catch (error) {
      return toConnectorError(error, subject);
    }
    return assert.fail('expected a Stripe error');
  }

  function assertAnswer(error: ConnectorError, status: number, code: ErrorCode) {
    assert.equal(error.status, status, error.message);
    assert.equal(error.code, code);
    const body = JSON.stringify(error.toBody());
    assert.ok(!body.includes(API_KEY.slice(-4)) && !body.includes('sk_test'), `leaks key material: ${body}`);
    assert.ok(!/\bat .+:\d+:\d+/.test(body), `leaks a stack: ${body}`);
  }

  test('a refused API key (401) is 400 invalid_api_key without any part of the key', async () => {
    assertAnswer(await mapped('bad_key'), 400, 'invalid_api_key');
  });

  test('a restricted key without the permission (403) is 400 invalid_api_key', async () => {
    assertAnswer(await mapped('restricted'), 400, 'invalid_api_key');
  });

  test('resource_missing is 404 not_found naming the id', async () => {
    const error = await mapped('missing', { what: 'customer', id: 'missing' });
    assertAnswer(error, 404, 'not_found');
    assert.equal(error.message, 'No customer with id "missing"');
    assert.match((await mapped('missing')).message, /missing/, "without a subject, Stripe's message (which names the id) is kept");
  });

  test('resource_already_exists is 409 conflict naming the id', async () => {
    const error = await mapped('exists', { what: 'product', id: 'prod_taken' });
    assertAnswer(error, 409, 'conflict');
    assert.match(error.message, /prod_taken/);
  });

  test("other invalid requests are 400 invalid_input naming Stripe's param in the connector's field names", async () => {
    const caption = await mapped('bad_param');
    assertAnswer(caption, 400, 'invalid_input');
    assert.deepEqual((caption.details as Array<{ field: string }>).map((p) => p.field), ['caption']);
    const email = await mapped('bad_email');
    assert.deepEqual((email.details as Array<{ field: string }>).map((p) => p.field), ['email']);
  });

  test('a card error (402) is the caller’s input refused: 400 invalid_input, not a 502', async () => {
    assertAnswer(await mapped('card'), 400, 'invalid_input');
  });

  test('an Idempotency-Key reused with different input is 409 conflict', async () => {
    assertAnswer(await mapped('reused_key'), 409, 'conflict');
  });

  test('a final 5xx is 502 stripe_error carrying the Stripe request id, also available for run history', async () => {
    let caught: unknown;
    await stripe.customers.retrieve('down').catch((e: unknown) => (caught = e));
    const error = toConnectorError(caught);
    assertAnswer(error, 502, 'stripe_error');
    assert.equal(stripeRequestIdOf(caught), 'req_down500');
    assert.match(error.message, /req_down500/);
  });

  test("a failure status without Stripe's error body is an error, never mistaken for the object asked for", async () => {
    assertAnswer(await mapped('empty_body'), 502, 'stripe_error');
  });

  test('an error that is not from Stripe becomes a 500 that says nothing of its cause', () => {
    const error = toConnectorError(new Error(`boom with ${API_KEY}`));
    assertAnswer(error, 500, 'internal_error');
    assert.equal(error.message, 'Internal error');
  });
});

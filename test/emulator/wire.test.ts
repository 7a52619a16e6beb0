import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import Stripe from 'stripe';
import { startHarness, stripeError, type Harness } from './harness.js';

let h: Harness;
before(async () => {
  h = await startHarness();
});
after(() => h?.stop());

describe('keys and accounts', () => {
  test('each secret key is its own account: one key never sees another key\'s customers', async () => {
    const a = h.stripe();
    const b = h.stripe();
    const mine = await a.customers.create({ email: 'a@example.com' });
    assert.equal((await b.customers.list()).data.length, 0);
    const error = await stripeError(() => b.customers.retrieve(mine.id));
    assert.equal(error.statusCode, 404);
  });

  test('a restricted key reads its account but every write is a 403 permission error', async () => {
    const key = h.newKey();
    const full = h.stripe(key);
    const c = await full.customers.create({ email: 'r@example.com' });
    const restricted = h.stripe(key.replace(/^sk_/, 'rk_'));
    assert.equal((await restricted.customers.retrieve(c.id)).id, c.id);
    const error = await stripeError(() => restricted.customers.update(c.id, { name: 'no' }));
    assert.equal(error.statusCode, 403);
    assert.equal(error.type, 'StripePermissionError');
    assert.match(error.message, /^The provided key 'rk_test_\*+[A-Za-z0-9]{4}' does not have the required permissions for this endpoint on account 'acct_[0-9a-f]{16}'\. Having the 'rak_customer_write' permission would allow this request to continue\.$/);
    assert.ok(!error.message.includes(key.slice(8)), 'the key is never shown whole');
    assert.equal((await full.customers.retrieve(c.id) as Stripe.Customer).name, null);
  });

  test('a publishable key is a 401 asking for a secret key', async () => {
    const error = await stripeError(() => h.stripe('pk_test_abcdef123456').customers.list());
    assert.equal(error.statusCode, 401);
    assert.equal(error.type, 'StripeAuthenticationError');
    assert.equal(error.code, 'secret_key_required');
    assert.match(error.message, /cannot be made with a publishable API key/);
  });

  test('an unknown or malformed key is a 401 that shows only its last four characters', async () => {
    const error = await stripeError(() => h.stripe('sk_test_has-dashes-and-SECRETtail').customers.list());
    assert.equal(error.statusCode, 401);
    assert.equal(error.type, 'StripeAuthenticationError');
    assert.match(error.message, /^Invalid API Key provided: sk_test_\*+tail$/);
    const other = await h.raw('GET', '/v1/customers', { key: 'hello' });
    assert.equal(other.status, 401);
  });

  test('a request without a key is a 401 explaining Bearer auth', async () => {
    const response = await h.raw('GET', '/v1/customers');
    assert.equal(response.status, 401);
    assert.equal(response.body.error.type, 'invalid_request_error');
    assert.match(response.body.error.message, /^You did not provide an API key\./);
  });

  test('Basic auth with the key as user name opens the same account as Bearer', async () => {
    const key = h.newKey();
    const c = await h.stripe(key).customers.create({ email: 'basic@example.com' });
    const response = await h.raw('GET', `/v1/customers/${c.id}`, {
      headers: { authorization: `Basic ${Buffer.from(`${key}:`).toString('base64')}` },
    });
    assert.equal(response.status, 200);
    assert.equal(response.body.email, 'basic@example.com');
  });

  test('a live key is refused unless the emulator allows live keys', async () => {
    const refused = await stripeError(() => h.stripe('sk_live_abc123def456').customers.list());
    assert.equal(refused.statusCode, 401);
    const liveOk = await startHarness({ allowLiveKeys: true });
    try {
      const list = await liveOk.stripe('sk_live_abc123def456').customers.list();
      assert.equal(list.object, 'list');
    } finally {
      await liveOk.stop();
    }
  });

  test('with a fixed key list, only those keys open accounts', async () => {
    const fixed = await startHarness({ apiKeys: ['sk_test_allowed1'] });
    try {
      assert.equal((await fixed.stripe('sk_test_allowed1').customers.list()).object, 'list');
      assert.equal((await fixed.stripe('rk_test_allowed1').customers.list()).object, 'list');
      const error = await stripeError(() => fixed.stripe('sk_test_other1').customers.list());
      assert.equal(error.statusCode, 401);
    } finally {
      await fixed.stop();
    }
  });
});

describe('wire format', () => {
  test('every response carries a Request-Id and the Stripe-Version asked for', async () => {
    const key = h.newKey();
    const ok = await h.raw('GET', '/v1/customers', { key, headers: { 'stripe-version': '2020-08-27' } });
    assert.match(ok.headers.get('request-id') ?? '', /^req_[A-Za-z0-9]{14}$/);
    assert.equal(ok.headers.get('stripe-version'), '2020-08-27');
    const failed = await h.raw('GET', '/v1/customers');
    assert.match(failed.headers.get('request-id') ?? '', /^req_/);
    assert.equal(failed.headers.get('stripe-version'), Stripe.API_VERSION);
  });

  test('an unknown URL is Stripe\'s 404 "Unrecognized request URL"', async () => {
    const response = await h.raw('GET', '/v1/widgets', { key: h.newKey() });
    assert.equal(response.status, 404);
    assert.deepEqual(response.body, {
      error: {
        type: 'invalid_request_error',
        message: 'Unrecognized request URL (GET: /v1/widgets). Please see https://stripe.com/docs or we can help at https://support.stripe.com/.',
      },
    });
  });

  test('bracket-nested form bodies become hashes and arrays', async () => {
    const key = h.newKey();
    const response = await h.raw('POST', '/v1/products', {
      key,
      body: 'name=Mug&images[0]=https%3A%2F%2Fa.example%2F1.png&images[1]=https%3A%2F%2Fa.example%2F2.png&metadata[colour]=blue&active=false',
    });
    assert.equal(response.status, 200);
    assert.deepEqual(response.body.images, ['https://a.example/1.png', 'https://a.example/2.png']);
    assert.deepEqual(response.body.metadata, { colour: 'blue' });
    assert.equal(response.body.active, false);
  });

  test('a boolean that is not true or false is refused naming the parameter', async () => {
    const response = await h.raw('POST', '/v1/products', { key: h.newKey(), body: 'name=Mug&active=maybe' });
    assert.equal(response.status, 400);
    assert.deepEqual(response.body.error, { type: 'invalid_request_error', message: 'Invalid boolean: maybe', param: 'active' });
  });

  test('a missing required parameter is parameter_missing naming it', async () => {
    const error = await stripeError(() => h.stripe().products.create({} as Stripe.ProductCreateParams));
    assert.equal(error.statusCode, 400);
    assert.equal(error.code, 'parameter_missing');
    assert.equal(error.param, 'name');
    assert.equal(error.message, 'Missing required param: name.');
  });

  test('expand[] replaces an id with its object, and refuses what cannot be expanded', async () => {
    const stripe = h.stripe();
    const c = await stripe.customers.create({ email: 'x@example.com' });
    const item = await stripe.invoiceItems.create({ customer: c.id, amount: 500, currency: 'usd' });
    const expanded = await stripe.invoiceItems.retrieve(item.id, { expand: ['customer'] });
    assert.equal((expanded.customer as Stripe.Customer).email, 'x@example.com');
    const listed = await stripe.invoiceItems.list({ expand: ['data.customer'] });
    assert.equal((listed.data[0]!.customer as Stripe.Customer).id, c.id);
    const error = await stripeError(() => stripe.invoiceItems.retrieve(item.id, { expand: ['description'] }));
    assert.equal(error.statusCode, 400);
    assert.equal(error.param, 'expand');
    assert.equal(error.message, 'This property cannot be expanded (description).');
  });
});

describe('limits and odd input', () => {
  test('a trailing slash is the unrecognized URL with Stripe\'s hint about an empty id', async () => {
    const response = await h.raw('GET', '/v1/customers/', { key: h.newKey() });
    assert.equal(response.status, 404);
    assert.match(response.body.error.message, /^Unrecognized request URL \(GET: \/v1\/customers\/\)\. If you are trying to list objects, remove the trailing slash\./);
  });

  test('an array longer than 100 items is refused, not cut short', async () => {
    const body = ['name=x', ...Array.from({ length: 101 }, (_, i) => `images[${i}]=https%3A%2F%2Fa.example%2F${i}.png`)].join('&');
    const response = await h.raw('POST', '/v1/products', { key: h.newKey(), body });
    assert.equal(response.status, 400);
    assert.equal(response.body.error.type, 'invalid_request_error');
  });

  test('a request over 1 MiB is refused with 413', async () => {
    const response = await h.raw('POST', '/v1/customers', { key: h.newKey(), body: `description=${'x'.repeat(1024 * 1024 + 1)}` });
    assert.equal(response.status, 413);
    assert.match(response.headers.get('request-id') ?? '', /^req_/);
  });
});

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness, stripeError, type Harness } from './harness.js';

let h: Harness;
before(async () => {
  h = await startHarness();
});
after(() => h?.stop());

describe('webhook endpoints', () => {
  test('create returns the whsec_ secret once; retrieve, list and update never show it', async () => {
    const stripe = h.stripe();
    const created = await stripe.webhookEndpoints.create({
      url: 'http://127.0.0.1:9/hooks',
      enabled_events: ['charge.succeeded', 'customer.created'],
      description: 'main',
      metadata: { team: 'billing' },
    });
    assert.match(created.id, /^we_/);
    assert.match(created.secret ?? '', /^whsec_[A-Za-z0-9]{32}$/);
    assert.equal(created.status, 'enabled');
    assert.deepEqual(created.enabled_events, ['charge.succeeded', 'customer.created']);
    assert.deepEqual(created.metadata, { team: 'billing' });
    assert.equal(created.description, 'main');
    const fetched = await stripe.webhookEndpoints.retrieve(created.id);
    assert.equal(fetched.secret, undefined);
    const { secret: _secret, ...rest } = created;
    assert.deepEqual(fetched, rest);
    const listed = await stripe.webhookEndpoints.list();
    assert.deepEqual(listed.data.map((e) => [e.id, e.secret]), [[created.id, undefined]]);
  });

  test('update changes url, events, metadata and disables; delete removes it', async () => {
    const stripe = h.stripe();
    const endpoint = await stripe.webhookEndpoints.create({ url: 'http://127.0.0.1:9/a', enabled_events: ['*'] });
    const updated = await stripe.webhookEndpoints.update(endpoint.id, {
      url: 'http://127.0.0.1:9/b',
      enabled_events: ['customer.updated'],
      disabled: true,
      metadata: { k: 'v' },
    });
    assert.equal(updated.url, 'http://127.0.0.1:9/b');
    assert.deepEqual(updated.enabled_events, ['customer.updated']);
    assert.equal(updated.status, 'disabled');
    assert.deepEqual(updated.metadata, { k: 'v' });
    assert.equal((await stripe.webhookEndpoints.update(endpoint.id, { disabled: false })).status, 'enabled');
    const deleted = await stripe.webhookEndpoints.del(endpoint.id);
    assert.deepEqual(deleted, { id: endpoint.id, object: 'webhook_endpoint', deleted: true });
    const error = await stripeError(() => stripe.webhookEndpoints.retrieve(endpoint.id));
    assert.equal(error.statusCode, 404);
    assert.equal(error.code, 'resource_missing');
  });

  test('the 17th endpoint is refused with Stripe’s limit message, and deleting one makes room', async () => {
    const stripe = h.stripe();
    const ids: string[] = [];
    for (let i = 0; i < 16; i++) {
      ids.push((await stripe.webhookEndpoints.create({ url: `http://127.0.0.1:9/${i}`, enabled_events: ['*'] })).id);
    }
    const error = await stripeError(() => stripe.webhookEndpoints.create({ url: 'http://127.0.0.1:9/17', enabled_events: ['*'] }));
    assert.equal(error.statusCode, 400);
    assert.equal(error.type, 'StripeInvalidRequestError');
    assert.equal(error.message, 'You have reached the maximum of 16 test webhook endpoints.');
    assert.equal((await stripe.webhookEndpoints.list({ limit: 100 })).data.length, 16);
    await stripe.webhookEndpoints.del(ids[0]!);
    await stripe.webhookEndpoints.create({ url: 'http://127.0.0.1:9/17', enabled_events: ['*'] });
  });

  test('a url without a scheme, an empty event list and a malformed event type are refused naming the field', async () => {
    const stripe = h.stripe();
    const noScheme = await stripeError(() => stripe.webhookEndpoints.create({ url: '127.0.0.1:9/hooks', enabled_events: ['*'] }));
    assert.equal(noScheme.param, 'url');
    assert.match(noScheme.message, /explicit scheme/);
    const noEvents = await stripeError(() => stripe.webhookEndpoints.create({ url: 'http://127.0.0.1:9', enabled_events: [] }));
    assert.equal(noEvents.param, 'enabled_events');
    const badType = await stripeError(() =>
      stripe.webhookEndpoints.create({ url: 'http://127.0.0.1:9', enabled_events: ['charge.succeeded', 'Not An Event' as 'charge.succeeded'] }),
    );
    assert.equal(badType.param, 'enabled_events[1]');
    assert.equal((await stripe.webhookEndpoints.list()).data.length, 0);
  });

  test('a restricted key may list endpoints but not create one', async () => {
    const key = h.newKey();
    const restricted = h.stripe(key.replace(/^sk_/, 'rk_'));
    assert.equal((await restricted.webhookEndpoints.list()).data.length, 0);
    const error = await stripeError(() => restricted.webhookEndpoints.create({ url: 'http://127.0.0.1:9', enabled_events: ['*'] }));
    assert.equal(error.statusCode, 403);
  });
});

// The instant triggers' subscribe call: an ordinary subscription to the callback URL, under the same
// URL guard (CALLBACK_ALLOW_PRIVATE off here, as in production), 201 with a Location that DELETE
// ends; every refusal names the field the platform sent.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startEmulator, type RunningEmulator } from '../../src/emulator/index.js';
import { startHarness, type Harness } from '../support/harness.js';

// A public address as an IP literal: the guard needs no DNS, and nothing is sent in this file.
const PUBLIC_CALLBACK = 'https://93.184.215.14/workflows/abc/triggers/manual/paths/invoke?api-version=2016-06-01&sig=xyz';

describe('Power Automate instant triggers', () => {
  let emulator: RunningEmulator;
  let h: Harness;
  let connectionId: string;
  let accounts = 0;

  async function connect(): Promise<{ id: string; apiKey: string }> {
    const apiKey = `sk_test_hook${process.pid}x${++accounts}`;
    const created = await h.request('POST', '/api/connections', { body: { name: 'main', apiKey, apiBase: emulator.url } });
    assert.equal(created.statusCode, 201, created.body);
    return { id: created.json().id as string, apiKey };
  }

  before(async () => {
    emulator = await startEmulator({ port: 0, rateLimitPerSecond: false });
    h = await startHarness({ config: { stripeApiBase: emulator.url, publicUrl: 'https://pa.example.test' } });
    connectionId = (await connect()).id;
  });
  after(async () => {
    await h.close();
    await emulator.stop();
  });

  const hook = (trigger: string, body: unknown, token?: string, connection = connectionId) =>
    h.request('POST', `/api/power-automate/connections/${connection}/hooks/${trigger}`, { body, ...(token === undefined ? {} : { token }) });

  test('subscribing answers 201 with the subscription and a Location; DELETE of it ends the subscription, for its owner only', async () => {
    const created = await hook('chargeAdded', { callbackUrl: PUBLIC_CALLBACK, mode: 'poll', pollIntervalSeconds: 5 });
    assert.equal(created.statusCode, 201, created.body);
    const view = created.json();
    assert.equal(view.url, PUBLIC_CALLBACK);
    assert.equal(view.trigger, 'chargeAdded');
    assert.equal(view.pollIntervalSeconds, 5);
    assert.equal(view.secret, undefined, 'the platform cannot check signatures; the secret is not handed out');
    assert.equal(created.headers.location, `https://pa.example.test/api/subscriptions/${view.id}`);

    const path = new URL(String(created.headers.location)).pathname;
    assert.equal((await h.request('DELETE', path, { token: h.bob.token })).statusCode, 404);
    assert.equal((await h.request('GET', path)).statusCode, 200);
    assert.equal((await h.request('DELETE', path)).statusCode, 200);
    assert.equal((await h.request('GET', path)).statusCode, 404);
  });

  test('the default mode is hybrid: instant, with a reconciling poll', async () => {
    const created = await hook('customerAdded', { callbackUrl: PUBLIC_CALLBACK });
    assert.equal(created.statusCode, 201, created.body);
    assert.equal(created.json().mode, 'hybrid');
  });

  test('a private callback URL, an unknown field and a bad interval are refused by name; nothing is stored', async () => {
    const before = (await h.request('GET', '/api/subscriptions')).json().data.length;
    const privateUrl = await hook('chargeAdded', { callbackUrl: 'http://10.0.0.8/hook' });
    assert.equal(privateUrl.statusCode, 400);
    assert.deepEqual(privateUrl.json().error.details.map((p: { field: string }) => p.field), ['callbackUrl']);
    const unknown = await hook('chargeAdded', { callbackUrl: PUBLIC_CALLBACK, pollIntervalSeconds: 0, colour: 'red' });
    assert.equal(unknown.statusCode, 400);
    assert.deepEqual(unknown.json().error.details.map((p: { field: string }) => p.field).sort(), ['colour', 'pollIntervalSeconds']);
    assert.equal((await hook('chargeAdded', {})).json().error.details[0].field, 'callbackUrl');
    assert.equal((await hook('refundAdded', { callbackUrl: PUBLIC_CALLBACK })).statusCode, 404);
    assert.equal((await hook('chargeAdded', { callbackUrl: PUBLIC_CALLBACK }, h.bob.token)).statusCode, 404, "another user's connection");
    assert.equal((await hook('chargeAdded', { callbackUrl: PUBLIC_CALLBACK }, null as unknown as string)).statusCode, 401);
    assert.equal((await h.request('GET', '/api/subscriptions')).json().data.length, before);
  });

  test('OnNewOrderInstant mirrors orderAdded: stripe_orders_retired where Stripe answers 404 for /v1/orders', async () => {
    const retired = await connect();
    await fetch(`${emulator.url}/_emulator/account/orders`, {
      method: 'POST',
      headers: { authorization: `Bearer ${retired.apiKey}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'enabled=false',
    });
    const refused = await hook('orderAdded', { callbackUrl: PUBLIC_CALLBACK, mode: 'poll' }, undefined, retired.id);
    assert.equal(refused.statusCode, 400);
    assert.equal(refused.json().error.code, 'stripe_orders_retired');
  });
});

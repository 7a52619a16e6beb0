// Power Automate's polling triggers against the emulator over real HTTP, through the connector's
// routes (inject): 202 + Retry-After + Location while nothing is new, 200 + the new objects when
// something is, the same answer for a repeated Location, a backfill in capped parts, and states
// that are another's, altered or expired refused with a 400 that says so.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import Stripe from 'stripe';
import { startEmulator, type RunningEmulator } from '../../src/emulator/index.js';
import { startHarness, type Harness } from '../support/harness.js';

const PUBLIC_URL = 'https://pa.example.test';
let accounts = 0;

describe('Power Automate polling triggers', () => {
  let emulator: RunningEmulator;
  let h: Harness;

  before(async () => {
    emulator = await startEmulator({ port: 0, rateLimitPerSecond: false });
    h = await startHarness({ config: { stripeApiBase: emulator.url, publicUrl: PUBLIC_URL } });
  });
  after(async () => {
    await h.close();
    await emulator.stop();
  });

  async function connect(token = h.alice.token) {
    const apiKey = `sk_test_pa${process.pid}x${++accounts}`;
    const created = await h.request('POST', '/api/connections', { token, body: { name: `account ${accounts}`, apiKey, apiBase: emulator.url } });
    assert.equal(created.statusCode, 201, created.body);
    const stripe = new Stripe(apiKey, { host: '127.0.0.1', port: emulator.port, protocol: 'http', maxNetworkRetries: 0, telemetry: false });
    return { connectionId: created.json().id as string, apiKey, stripe };
  }

  /** A Location as the engine would call it: on the public URL, so its path and query go to the server. */
  function call(location: string, token = h.alice.token) {
    assert.ok(location.startsWith(`${PUBLIC_URL}/`), location);
    return h.request('GET', location.slice(PUBLIC_URL.length), { token });
  }

  test('the first call starts at now: 202 with Retry-After 120; later customers come in one 200, the same when the Location is called again', async () => {
    const { connectionId, stripe } = await connect();
    const first = await h.request('GET', `/api/power-automate/connections/${connectionId}/poll/customerAdded`);
    assert.equal(first.statusCode, 202, first.body);
    assert.equal(first.headers['retry-after'], '120');
    const location = String(first.headers.location);
    assert.match(location, new RegExp(`^${PUBLIC_URL}/api/power-automate/connections/${connectionId}/poll/customerAdded\\?state=pas_[0-9a-f]{24}$`));

    assert.equal((await call(location)).statusCode, 202, 'nothing new yet');
    const made = [];
    for (let i = 0; i < 3; i += 1) made.push(await stripe.customers.create({ email: `c${i}@example.com` }));

    const news = await call(location);
    assert.equal(news.statusCode, 200, news.body);
    assert.deepEqual(news.json().map((c: { id: string }) => c.id), made.map((c) => c.id), 'oldest first');
    assert.deepEqual(Object.keys(news.json()[0]).sort(), ['account_balance', 'created', 'currency', 'delinquent', 'description', 'discount', 'email', 'id']);
    assert.equal(news.headers['retry-after'], '120');
    const next = String(news.headers.location);
    assert.notEqual(next, location);

    await stripe.customers.create({ email: 'later@example.com' });
    const repeated = await call(location);
    assert.equal(repeated.statusCode, 200);
    assert.equal(repeated.body, news.body, 'a retried call gets the very same items');
    assert.equal(repeated.headers.location, next);

    const after = await call(next);
    assert.equal(after.statusCode, 200);
    assert.deepEqual(after.json().map((c: { email: string }) => c.email), ['later@example.com']);
    const last = String(after.headers.location);
    const quiet = await call(last);
    assert.equal(quiet.statusCode, 202);
    assert.equal(quiet.headers.location, last, 'nothing new: the same state');

    const superseded = await call(location);
    assert.equal(superseded.statusCode, 400, 'the engine moved on from it');
    assert.equal(superseded.json().error.details[0].field, 'query.state');
  });

  test('a since backfill of 2,500 customers comes in answers of at most 1,000, oldest first, each once; Retry-After 1 while more waits', async () => {
    const { connectionId, apiKey } = await connect();
    const now = Math.floor(Date.now() / 1000);
    const bulk = await fetch(`${emulator.url}/_emulator/bulk`, {
      method: 'POST',
      headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: `type=customers&count=2500&created_from=${now - 3600}&created_to=${now - 600}`,
    });
    assert.equal(bulk.status, 200);
    const since = new Date((now - 7200) * 1000).toISOString();
    let answer = await h.request('GET', `/api/power-automate/connections/${connectionId}/poll/customerAdded?since=${since}&pollIntervalSeconds=7`);
    const sizes: number[] = [];
    const retryAfters: string[] = [];
    const ids: string[] = [];
    const created: string[] = [];
    while (answer.statusCode === 200) {
      sizes.push(answer.json().length);
      retryAfters.push(String(answer.headers['retry-after']));
      for (const customer of answer.json() as { id: string; created: string }[]) {
        ids.push(customer.id);
        created.push(customer.created);
      }
      answer = await call(String(answer.headers.location));
    }
    assert.equal(answer.statusCode, 202, answer.body);
    assert.equal(answer.headers['retry-after'], '7');
    assert.deepEqual(sizes, [1000, 1000, 500]);
    assert.deepEqual(retryAfters, ['1', '1', '7']);
    assert.equal(new Set(ids).size, 2500);
    assert.deepEqual([...created].sort(), created, 'oldest first');
  });

  test('another trigger’s state, an altered one and an expired one are 400s that say so; nothing else answers', async () => {
    const { connectionId } = await connect();
    const base = `/api/power-automate/connections/${connectionId}/poll`;
    const location = String((await h.request('GET', `${base}/chargeAdded`)).headers.location);
    const state = new URL(location).searchParams.get('state')!;

    const foreign = await h.request('GET', `${base}/customerAdded?state=${state}`);
    assert.equal(foreign.statusCode, 400);
    assert.match(foreign.json().error.message, /belongs to another user, connection or trigger/);
    const other = await connect();
    assert.equal((await h.request('GET', `/api/power-automate/connections/${other.connectionId}/poll/chargeAdded?state=${state}`)).statusCode, 400);

    const altered = await h.request('GET', `${base}/chargeAdded?state=${state.slice(0, -1)}${state.endsWith('0') ? '1' : '0'}`);
    assert.equal(altered.statusCode, 400);
    assert.match(altered.json().error.message, /unknown or expired/);

    await h.services.db
      .updateTable('power_automate_poll_states')
      .set({ used_at: new Date(Date.now() - 31 * 24 * 3600 * 1000).toISOString() })
      .where('id', '=', state)
      .execute();
    const expired = await call(location);
    assert.equal(expired.statusCode, 400);
    assert.match(expired.json().error.message, /expired: it was not used for 30 days/);

    // Bob cannot poll through Alice's connection, even holding her state.
    assert.equal((await h.request('GET', `${base}/chargeAdded`, { token: h.bob.token })).statusCode, 404);
    assert.equal((await h.request('GET', `${base}/chargeAdded`, { token: null })).statusCode, 401);
    assert.equal((await h.request('GET', `${base}/refundAdded`)).statusCode, 404);
    const future = await h.request('GET', `${base}/chargeAdded?since=${new Date(Date.now() + 3_600_000).toISOString()}`);
    assert.equal(future.statusCode, 400);
    assert.equal(future.json().error.details[0].field, 'query.since');
    const badInterval = await h.request('GET', `${base}/chargeAdded?pollIntervalSeconds=0&colour=red`);
    assert.equal(badInterval.statusCode, 400);
    assert.deepEqual(badInterval.json().error.details.map((p: { field: string }) => p.field).sort(), ['query.colour', 'query.pollIntervalSeconds']);
    const quick = await h.request('GET', `${base}/chargeAdded?pollIntervalSeconds=1`);
    assert.equal(quick.headers['retry-after'], '1');
  });

  test('OnNewOrder mirrors orderAdded: orders where the account has them, stripe_orders_retired where Stripe answers 404', async () => {
    const { connectionId, stripe } = await connect();
    const first = await h.request('GET', `/api/power-automate/connections/${connectionId}/poll/orderAdded`);
    assert.equal(first.statusCode, 202, first.body);
    const order = (await stripe.rawRequest('POST', '/v1/orders', { currency: 'usd', items: [{ type: 'sku', parent: 'sku_mug', amount: 1500, quantity: 1 }] })) as unknown as { id: string };
    const news = await call(String(first.headers.location));
    assert.equal(news.statusCode, 200, news.body);
    assert.deepEqual(news.json().map((o: { id: string }) => o.id), [order.id]);

    const retired = await connect();
    await fetch(`${emulator.url}/_emulator/account/orders`, {
      method: 'POST',
      headers: { authorization: `Bearer ${retired.apiKey}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'enabled=false',
    });
    const refused = await h.request('GET', `/api/power-automate/connections/${retired.connectionId}/poll/orderAdded`);
    assert.equal(refused.statusCode, 400);
    assert.equal(refused.json().error.code, 'stripe_orders_retired');
    const rows = await h.services.db.selectFrom('power_automate_poll_states').selectAll().where('connection_id', '=', retired.connectionId).execute();
    assert.equal(rows.length, 0, 'nothing half-made remains');
  });
});

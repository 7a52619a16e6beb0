import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness, type Harness } from '../support/harness.js';
import { startStripeStandIn, type StripeStandIn } from '../support/stripe-stand-in.js';
import { testActions } from '../support/test-actions.js';
import { closeAll } from '../support/cleanup.js';

const KEY = 'sk_test_51HconnectionRoutesKey7f3a';

describe('connections over the HTTP API', () => {
  let stripe: StripeStandIn;
  let h: Harness;
  before(async () => {
    stripe = await startStripeStandIn();
    // Port 1 listed, so that a listed Stripe that cannot be reached can be shown.
    h = await startHarness({ config: { stripeApiBase: stripe.url, stripeApiBaseAllowlist: ['http://127.0.0.1:1'] }, services: { actions: testActions } });
  });
  after(() => closeAll(() => h?.close(), () => stripe?.stop()));

  test('adding a key checks it with one balance read and answers 201 with its hint, never the key', async () => {
    const before = stripe.seen.length;
    const res = await h.request('POST', '/api/connections', { body: { name: 'shop', apiKey: KEY } });
    assert.equal(res.statusCode, 201);
    const body = res.json();
    assert.match(body.id, /^conn_[0-9a-f]{24}$/);
    assert.equal(body.mode, 'test');
    assert.equal(body.keyHint, 'sk_test_…7f3a');
    assert.equal(body.apiBase, stripe.url);
    assert.equal(body.keyCheck, 'verified');
    assert.ok(!res.body.includes(KEY));
    assert.deepEqual(stripe.seen.slice(before).map((r) => `${r.method} ${r.path}`), ['GET /v1/balance']);
  });

  test('the key is stored encrypted: its text appears nowhere in the database row', async () => {
    const rows = await h.services.db.selectFrom('connections').selectAll().execute();
    assert.ok(rows.length > 0);
    assert.ok(!JSON.stringify(rows).includes(KEY.slice(8)));
  });

  test('a key Stripe refuses (401) is a 400 invalid_api_key and nothing is stored', async () => {
    const rowsBefore = await h.countRows();
    const res = await h.request('POST', '/api/connections', { body: { name: 'old', apiKey: 'sk_test_revoked0000000000001234' } });
    assert.equal(res.statusCode, 400);
    assert.equal(res.json().error.code, 'invalid_api_key');
    assert.deepEqual(await h.countRows(), rowsBefore);
  });

  test('a restricted key without balance access (403) is accepted and noted as restricted', async () => {
    const res = await h.request('POST', '/api/connections', { body: { name: 'limited', apiKey: 'rk_test_nobalance000000000009999' } });
    assert.equal(res.statusCode, 201);
    assert.equal(res.json().keyCheck, 'restricted');
    assert.equal(res.json().keyHint, 'rk_test_…9999');
  });

  test('a listed Stripe that cannot be reached is a 502 and nothing is stored', async () => {
    const rowsBefore = await h.countRows();
    // Port 1 on loopback: nothing listens there, the connection is refused at once.
    const res = await h.request('POST', '/api/connections', { body: { name: 'nowhere', apiKey: KEY, apiBase: 'http://127.0.0.1:1' } });
    assert.equal(res.statusCode, 502, res.body);
    assert.equal(res.json().error.code, 'stripe_error');
    assert.deepEqual(await h.countRows(), rowsBefore);
  });

  test('a publishable key is refused before any call to Stripe', async () => {
    const before = stripe.seen.length;
    const res = await h.request('POST', '/api/connections', { body: { name: 'pk', apiKey: 'pk_test_0000000000000000000000' } });
    assert.equal(res.statusCode, 400);
    assert.match(res.json().error.message, /secret key \(sk_…\) or a restricted key \(rk_…\)/);
    assert.equal(stripe.seen.length, before);
  });

  test('missing and unknown fields are named in the 400', async () => {
    const res = await h.request('POST', '/api/connections', { body: { apiKey: KEY, colour: 'blue' } });
    assert.equal(res.statusCode, 400);
    const fields = res.json().error.details.map((d: { field: string }) => d.field).sort();
    assert.deepEqual(fields, ['colour', 'name']);
  });

  test('a connection may carry its own throttle and API version', async () => {
    const res = await h.request('POST', '/api/connections', { body: { name: 'tuned', apiKey: KEY, rateLimit: 5, apiVersion: '2026-10-28.endive' } });
    assert.equal(res.statusCode, 201);
    assert.equal(res.json().rateLimit, 5);
    assert.equal(res.json().apiVersion, '2026-10-28.endive');
  });

  test("another user's connection is a 404 on every route, exactly like an unknown id", async () => {
    const created = (await h.request('POST', '/api/connections', { body: { name: 'alice-only', apiKey: KEY } })).json();
    const asBob = { token: h.bob.token };
    const routes: [string, string, unknown?][] = [
      ['GET', `/api/connections/${created.id}`],
      ['DELETE', `/api/connections/${created.id}`],
      ['POST', `/api/connections/${created.id}/actions/standInCreateCustomer`, { email: 'a@example.com' }],
    ];
    for (const [method, url, body] of routes) {
      const res = await h.request(method, url, { ...asBob, body });
      assert.equal(res.statusCode, 404, `${method} ${url}`);
      assert.equal(res.json().error.code, 'not_found');
      const unknown = await h.request(method, url.replace(created.id, 'conn_000000000000000000000000'), { ...asBob, body });
      assert.equal(unknown.statusCode, 404);
    }
    const bobsList = (await h.request('GET', '/api/connections', asBob)).json();
    assert.deepEqual(bobsList.data, []);
    assert.equal((await h.request('GET', `/api/connections/${created.id}`)).statusCode, 200, 'still there for alice');
  });

  test('listing shows only the caller\'s connections, and removing one makes it 404', async () => {
    const created = (await h.request('POST', '/api/connections', { body: { name: 'to-remove', apiKey: KEY } })).json();
    const list = (await h.request('GET', '/api/connections')).json();
    assert.ok(list.data.some((c: { id: string }) => c.id === created.id));
    assert.ok(!JSON.stringify(list).includes(KEY));
    const removed = await h.request('DELETE', `/api/connections/${created.id}`);
    assert.deepEqual(removed.json(), { id: created.id, deleted: true });
    assert.equal((await h.request('GET', `/api/connections/${created.id}`)).statusCode, 404);
    assert.equal((await h.request('DELETE', `/api/connections/${created.id}`)).statusCode, 404);
  });
});

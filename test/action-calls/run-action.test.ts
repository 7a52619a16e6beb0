import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness, type Harness } from '../support/harness.js';
import { startStripeStandIn, type StripeStandIn } from '../support/stripe-stand-in.js';
import { testActions } from '../support/test-actions.js';
import { closeAll } from '../support/cleanup.js';

describe('running an action through a connection', () => {
  let stripe: StripeStandIn;
  let h: Harness;
  let connectionId: string;
  const path = () => `/api/connections/${connectionId}/actions/standInCreateCustomer`;

  before(async () => {
    stripe = await startStripeStandIn();
    h = await startHarness({ config: { stripeApiBase: stripe.url }, services: { actions: testActions } });
    connectionId = (await h.request('POST', '/api/connections', { body: { name: 'c', apiKey: 'sk_test_runActionKey000000001' } })).json().id;
  });
  after(() => closeAll(() => h?.close(), () => stripe?.stop()));

  test('the body is the input and the answer is the output', async () => {
    const res = await h.request('POST', path(), { body: { email: 'jenny@example.com' } });
    assert.equal(res.statusCode, 200);
    assert.deepEqual(Object.keys(res.json()).sort(), ['email', 'id']);
    assert.equal(res.json().email, 'jenny@example.com');
  });

  test('the same client Idempotency-Key reaches Stripe as the same key; another connection gets another key', async () => {
    const other = (await h.request('POST', '/api/connections', { body: { name: 'd', apiKey: 'sk_test_runActionKey000000002' } })).json().id;
    const keyOf = async (conn: string, clientKey: string) => {
      const before = stripe.seen.length;
      const res = await h.request('POST', `/api/connections/${conn}/actions/standInCreateCustomer`, { body: {}, headers: { 'idempotency-key': clientKey } });
      assert.equal(res.statusCode, 200);
      const writes = stripe.seen.slice(before).filter((r) => r.method === 'POST');
      assert.equal(writes.length, 1);
      return writes[0]?.idempotencyKey;
    };
    const first = await keyOf(connectionId, 'client-retry-1');
    const retry = await keyOf(connectionId, 'client-retry-1');
    const elsewhere = await keyOf(other, 'client-retry-1');
    assert.match(first ?? '', /^sc_[0-9a-f]{64}$/);
    assert.equal(retry, first);
    assert.notEqual(elsewhere, first);
    assert.ok(!first?.includes('client-retry-1'), 'the client key is hashed, not passed verbatim');
  });

  test('without an Idempotency-Key every call reaches Stripe with a fresh key', async () => {
    const before = stripe.seen.length;
    await h.request('POST', path(), { body: {} });
    await h.request('POST', path(), { body: {} });
    const keys = stripe.seen.slice(before).map((r) => r.idempotencyKey);
    assert.equal(keys.length, 2);
    assert.ok(keys[0] && keys[1] && keys[0] !== keys[1]);
  });

  test('an Idempotency-Key longer than Stripe accepts (255) is a 400 naming the header', async () => {
    const res = await h.request('POST', path(), { body: {}, headers: { 'idempotency-key': 'k'.repeat(256) } });
    assert.equal(res.statusCode, 400);
    assert.equal(res.json().error.details[0].field, 'Idempotency-Key');
  });

  test('unknown fields, wrong types and bad nested fields are each named with a dotted path; nothing reaches Stripe', async () => {
    const before = stripe.seen.length;
    const rowsBefore = await h.countRows();
    const res = await h.request('POST', path(), { body: { email: 'not-an-email', count: '3', note: { text: 5 }, colour: 'red' } });
    assert.equal(res.statusCode, 400);
    const fields = res.json().error.details.map((d: { field: string }) => d.field).sort();
    assert.deepEqual(fields, ['colour', 'count', 'email', 'note.text']);
    assert.equal(stripe.seen.length, before);
    assert.deepEqual(await h.countRows(), rowsBefore);
  });

  test('a body that is not an object is a 400 naming the body', async () => {
    for (const body of ['[1,2]', '"text"', '42', 'null']) {
      const res = await h.request('POST', path(), { body });
      assert.equal(res.statusCode, 400, body);
      assert.equal(res.json().error.details[0].field, 'body');
    }
  });

  test('an unknown operation is a 404 naming it', async () => {
    const res = await h.request('POST', `/api/connections/${connectionId}/actions/launchRocket`, { body: {} });
    assert.equal(res.statusCode, 404);
    assert.match(res.json().error.message, /launchRocket/);
  });

  test('a trigger run as an action is a 404 saying it is a trigger and how to subscribe to it; nothing is recorded', async () => {
    const rowsBefore = await h.countRows();
    const res = await h.request('POST', `/api/connections/${connectionId}/actions/chargeAdded`, { body: {} });
    assert.equal(res.statusCode, 404);
    assert.equal(
      res.json().error.message,
      `"chargeAdded" is a trigger, not an action: it cannot be run, but its events are delivered to a URL you subscribe with ` +
        `POST /api/connections/${connectionId}/subscriptions {"trigger":"chargeAdded","url":"https://…"}`,
    );
    assert.deepEqual(await h.countRows(), rowsBefore);
  });

  test('each run is recorded with user, connection, operation, status, duration, Stripe request id and redacted input', async () => {
    const res = await h.request('POST', path(), { body: { email: 'kim@example.com', note: { secret: 'hunter2', text: 'uses sk_test_abcdef123456 here' } } });
    assert.equal(res.statusCode, 200);
    const runs = (await h.request('GET', `/api/runs?connection=${connectionId}&operation=standInCreateCustomer&status=succeeded&limit=1`)).json().data;
    assert.equal(runs.length, 1);
    const run = runs[0];
    assert.equal(run.connection, connectionId);
    assert.equal(run.operation, 'standInCreateCustomer');
    assert.equal(run.status, 'succeeded');
    assert.equal(typeof run.durationMs, 'number');
    assert.match(run.stripeRequestId, /^req_[0-9a-f]{14}$/);
    assert.deepEqual(run.input, { email: 'kim@example.com', note: { secret: '[redacted]', text: 'uses [redacted] here' } });
    assert.deepEqual(run.output, res.json());
    assert.equal(run.error, null);
    const row = await h.services.db.selectFrom('runs').select('user_id').where('id', '=', run.id).executeTakeFirstOrThrow();
    assert.equal(row.user_id, h.alice.userId);
  });

  test('a failing action is answered with its error and recorded as failed', async () => {
    const res = await h.request('POST', `/api/connections/${connectionId}/actions/failing`, { body: {} });
    assert.equal(res.statusCode, 409);
    assert.equal(res.json().error.code, 'conflict');
    const runs = (await h.request('GET', '/api/runs?operation=failing&status=failed')).json().data;
    assert.equal(runs.length, 1);
    assert.deepEqual(runs[0].error, { status: 409, code: 'conflict', message: 'Product "p1" exists already' });
  });

  test('an unexpected failure is a 500 with a generic message: no stack trace, no key', async () => {
    const res = await h.request('POST', `/api/connections/${connectionId}/actions/failing`, { body: { unexpected: true } });
    assert.equal(res.statusCode, 500);
    assert.deepEqual(res.json(), { error: { code: 'internal_error', message: 'The connector failed unexpectedly; see the server log' } });
    const runs = (await h.request('GET', '/api/runs?operation=failing&limit=1')).json().data;
    assert.ok(!JSON.stringify(runs).includes('sk_test_leaky'));
  });

  test("runs are the caller's own: another user sees none of them", async () => {
    const runs = (await h.request('GET', '/api/runs', { token: h.bob.token })).json().data;
    assert.deepEqual(runs, []);
  });

  test('a bad run filter is a 400 naming the query field', async () => {
    const res = await h.request('GET', '/api/runs?status=maybe&limit=0');
    assert.equal(res.statusCode, 400);
    const problems = res.json().error.details;
    assert.deepEqual(problems.map((p: { field: string }) => p.field).sort(), ['query.limit', 'query.status']);
    assert.match(problems.find((p: { field: string }) => p.field === 'query.status').message, /"succeeded", "failed"/);
  });
});

// The five actions end to end: HTTP API → action service → stripe SDK → the Stripe emulator over
// real HTTP, with a real store (SQLite, or PostgreSQL on that pass).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import Stripe from 'stripe';
import type { RunningEmulator } from '../../src/emulator/index.js';
import type { Harness } from '../support/harness.js';
import { startEmulatorWorld, type EmulatorWorld } from '../support/emulator-world.js';

const KEY = 'sk_test_endToEndActionsKey00000001';

describe('the five actions through the HTTP API against the emulator', () => {
  let world: EmulatorWorld | undefined;
  let emulator: RunningEmulator;
  let h: Harness;
  let connectionId: string;
  const action = (operation: string, body: unknown, headers: Record<string, string> = {}) => world!.action(operation, body, headers);

  before(async () => {
    world = await startEmulatorWorld({ apiKey: KEY });
    ({ emulator, harness: h, connectionId } = world);
    assert.equal(world.connection?.keyCheck, 'verified');
  });
  after(() => world?.close());

  test('GET /api/operations lists the five actions in order, then the four triggers', async () => {
    const names = (await h.request('GET', '/api/operations')).json().data.map((o: { name: string }) => o.name);
    assert.deepEqual(names, ['createCustomer', 'getCustomer', 'updateCustomer', 'createProduct', 'updateProduct', 'chargeAdded', 'customerAdded', 'invoiceItemAdded', 'orderAdded']);
  });

  test('createCustomer, getCustomer and updateCustomer answer the documented Customer_Response', async () => {
    const created = await action('createCustomer', { email: 'jenny@example.com', description: 'first' });
    assert.equal(created.statusCode, 200, created.body);
    const customer = created.json();
    assert.deepEqual(Object.keys(customer).sort(), ['account_balance', 'created', 'currency', 'delinquent', 'description', 'discount', 'email', 'id']);
    assert.equal(customer.email, 'jenny@example.com');
    assert.match(customer.created, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/);

    const read = await action('getCustomer', { id: customer.id });
    assert.deepEqual(read.json(), customer);

    const updated = await action('updateCustomer', { id: customer.id, description: '' });
    assert.equal(updated.statusCode, 200, updated.body);
    assert.equal(updated.json().description, null, 'an empty string unsets');
    assert.equal(updated.json().email, 'jenny@example.com', 'an absent field is left alone');
  });

  test('createProduct and updateProduct answer the documented Product_Response; a taken id is a 409', async () => {
    const created = await action('createProduct', { name: 'Widget', id: 'prod_widget_e2e', caption: 'small', images: 'https://example.com/a.png,https://example.com/b.png' });
    assert.equal(created.statusCode, 200, created.body);
    assert.equal(created.json().caption, 'small');
    assert.deepEqual(created.json().images, ['https://example.com/a.png', 'https://example.com/b.png']);
    const again = await action('createProduct', { name: 'Widget', id: 'prod_widget_e2e' });
    assert.equal(again.statusCode, 409);
    const updated = await action('updateProduct', { id: 'prod_widget_e2e', name: 'Widget 2' });
    assert.equal(updated.statusCode, 200, updated.body);
    assert.equal(updated.json().name, 'Widget 2');
  });

  test('an unknown customer is a 404 naming the id', async () => {
    const res = await action('getCustomer', { id: 'cus_doesnotexist' });
    assert.equal(res.statusCode, 404);
    assert.match(res.json().error.message, /cus_doesnotexist/);
  });

  test('a client retrying with the same Idempotency-Key creates one customer, not two', async () => {
    const headers = { 'idempotency-key': 'order-4711-customer' };
    const first = await action('createCustomer', { email: 'once@example.com' }, headers);
    const retry = await action('createCustomer', { email: 'once@example.com' }, headers);
    assert.equal(first.statusCode, 200);
    assert.equal(retry.json().id, first.json().id);
    const base = new URL(emulator.url);
    const stripe = new Stripe(KEY, { host: base.hostname, port: base.port, protocol: 'http', telemetry: false });
    const found = await stripe.customers.list({ email: 'once@example.com', limit: 10 });
    assert.equal(found.data.length, 1);
  });

  test("each run records the emulator's request id", async () => {
    await action('getCustomer', { id: 'cus_doesnotexist' });
    const [run] = (await h.request('GET', `/api/runs?operation=getCustomer&status=failed&limit=1`)).json().data;
    assert.match(run.stripeRequestId, /^req_/);
    assert.equal(run.error.status, 404);
  });

  test('a live key the emulator refuses (401) is a 400 invalid_api_key and is not stored', async () => {
    const rowsBefore = await h.countRows();
    const res = await h.request('POST', '/api/connections', { body: { name: 'live', apiKey: 'sk_live_notAcceptedByTheEmulator01' } });
    assert.equal(res.statusCode, 400);
    assert.equal(res.json().error.code, 'invalid_api_key');
    assert.deepEqual(await h.countRows(), rowsBefore);
  });

  test('a key pasted into a customer description comes back to the caller as Stripe holds it, but is redacted in the run history of every run that read it', async () => {
    const pasted = 'sk_test_51PastedIntoADescription77';
    const created = await action('createCustomer', { description: `call me, key ${pasted}` });
    const read = await action('getCustomer', { id: created.json().id });
    assert.equal(read.statusCode, 200, read.body);
    assert.equal(read.json().description, `call me, key ${pasted}`, "the live answer is Stripe's data, unchanged");

    const history = (await h.request('GET', `/api/runs?connection=${connectionId}&limit=2`)).json().data;
    const [getRun, createRun] = history;
    assert.equal(getRun.operation, 'getCustomer');
    assert.equal(getRun.output.description, 'call me, key [redacted]');
    assert.deepEqual({ ...getRun.output, description: null }, { ...read.json(), description: null }, 'the rest of the output is kept as answered');
    assert.equal(createRun.input.description, 'call me, key [redacted]');
    assert.equal(createRun.output.description, 'call me, key [redacted]');
    assert.ok(!JSON.stringify(history).includes(pasted));
  });
});

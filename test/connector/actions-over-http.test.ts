// The five real actions end to end: HTTP route (auth, ajv validation, throttle, run history) →
// action → the connector's Stripe client → the emulator, over real HTTP to the emulator.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Harness } from '../support/harness.js';
import { startEmulatorWorld, type EmulatorWorld } from '../support/emulator-world.js';
import { CUSTOMER_FIELDS, PRODUCT_FIELDS } from './action-cases.js';

describe('the five actions over the HTTP API', () => {
  let world: EmulatorWorld | undefined;
  let h: Harness;
  const action = (name: string, body: unknown, headers: Record<string, string> = {}) => world!.action(name, body, headers);

  before(async () => {
    world = await startEmulatorWorld({ apiKey: 'sk_test_actionsOverHttp0001' });
    h = world.harness;
  });
  after(() => world?.close());

  test('GET /api/operations lists the five actions with their input and output schemas', async () => {
    const res = await h.request('GET', '/api/operations');
    assert.equal(res.statusCode, 200);
    const names = JSON.stringify(res.json());
    for (const name of ['createCustomer', 'getCustomer', 'updateCustomer', 'createProduct', 'updateProduct']) assert.ok(names.includes(name), name);
  });

  test('createCustomer, updateCustomer and getCustomer answer the documented shape', async () => {
    const created = await action('createCustomer', { email: 'http@example.com', description: 'over http' });
    assert.equal(created.statusCode, 200, created.body);
    assert.deepEqual(Object.keys(created.json()).sort(), CUSTOMER_FIELDS);
    const updated = await action('updateCustomer', { id: created.json().id, description: '' });
    assert.equal(updated.json().description, null);
    assert.equal(updated.json().email, 'http@example.com');
    const read = await action('getCustomer', { id: created.json().id });
    assert.deepEqual(read.json(), updated.json());
  });

  test('a client retrying createCustomer with the same Idempotency-Key gets the same customer', async () => {
    const first = await action('createCustomer', { email: 'retry@example.com' }, { 'idempotency-key': 'client-retry-after-timeout' });
    const again = await action('createCustomer', { email: 'retry@example.com' }, { 'idempotency-key': 'client-retry-after-timeout' });
    assert.equal(again.json().id, first.json().id);
  });

  test('an unknown customer is a 404 naming the id', async () => {
    const res = await action('getCustomer', { id: 'cus_missingOverHttp' });
    assert.equal(res.statusCode, 404);
    assert.equal(res.json().error.code, 'not_found');
    assert.match(res.json().error.message, /cus_missingOverHttp/);
    // In the connector's words (the action's declared subject), not Stripe's "No such customer".
    assert.equal(res.json().error.message, 'No customer with id "cus_missingOverHttp"');
  });

  test('createProduct with a taken id is a 409; updateProduct without name is a 400 naming name', async () => {
    const first = await action('createProduct', { id: 'prod_overHttp1', name: 'Kettle', images: 'https://img.example.com/k.png', caption: 'Steel' });
    assert.equal(first.statusCode, 200, first.body);
    assert.deepEqual(Object.keys(first.json()).sort(), PRODUCT_FIELDS);
    assert.equal(first.json().caption, 'Steel');
    const taken = await action('createProduct', { id: 'prod_overHttp1', name: 'Other' });
    assert.equal(taken.statusCode, 409);
    assert.match(taken.json().error.message, /prod_overHttp1/);
    assert.deepEqual(taken.json().error, { code: 'conflict', message: 'A product with id "prod_overHttp1" already exists' });
    const nameless = await action('updateProduct', { id: 'prod_overHttp1' });
    assert.equal(nameless.statusCode, 400);
    assert.match(JSON.stringify(nameless.json().error), /name/);
  });

  test('nine images or a relative image URL is a 400 naming images, in both forms, and creates nothing', async () => {
    const nine = Array.from({ length: 9 }, (_, i) => `https://img.example.com/${i}.png`);
    for (const images of [nine, nine.join(','), 'https://img.example.com/a.png,b.png']) {
      const res = await action('createProduct', { id: 'prod_neverMade', name: 'Too many', images });
      assert.equal(res.statusCode, 400, res.body);
      assert.match(JSON.stringify(res.json().error.details), /images/);
    }
    const lookup = await action('updateProduct', { id: 'prod_neverMade', name: 'x' });
    assert.equal(lookup.statusCode, 404);
  });
});

// The action cases shared by every peer (action-suite.ts runs them). Each reads as a sentence
// about what a user of the connector sees.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type Stripe from 'stripe';
import { createStripeClient } from '../../src/stripe/client.js';
import { assertMatchesOutputSchema, runAction, type ActionCase, type ActionHarness } from './action-suite.js';

export const CUSTOMER_FIELDS = ['account_balance', 'created', 'currency', 'delinquent', 'description', 'discount', 'email', 'id'];
export const PRODUCT_FIELDS = ['active', 'caption', 'created', 'description', 'id', 'images', 'name', 'shippable', 'updated', 'url'];
const ISO_UTC_SECONDS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;

const uniqueEmail = () => `buyer-${randomUUID().slice(0, 8)}@example.com`;
const uniqueProductId = () => `prod_test_${randomUUID().replaceAll('-', '').slice(0, 16)}`;
const images = (count: number) => Array.from({ length: count }, (_, i) => `https://img.example.com/${i}.png`);

const NO_PRODUCT_UPDATE = 'stripe-stateful-mock 0.0.16 has no POST /v1/products/{id} route, so updateProduct cannot run on it';

async function createCustomer(h: ActionHarness, input: Record<string, unknown>) {
  return h.run('createCustomer', input);
}

async function assertNotFoundNamingId(h: ActionHarness, action: string, input: { id: string }) {
  const error = await h.runFailing(action, input);
  assert.equal(error.status, 404);
  assert.equal(error.code, 'not_found');
  assert.match(error.message, new RegExp(input.id));
}

export const customerCases: ActionCase[] = [
  {
    name: 'createCustomer answers exactly the documented Customer_Response fields',
    async body(h) {
      const email = uniqueEmail();
      const customer = await createCustomer(h, { description: 'First buyer', email });
      assert.deepEqual(Object.keys(customer).sort(), CUSTOMER_FIELDS);
      assertMatchesOutputSchema('createCustomer', customer);
      assert.match(String(customer.id), /^cus_/);
      assert.equal(customer.description, 'First buyer');
      assert.equal(customer.email, email);
      assert.equal(customer.account_balance, 0);
      assert.equal(customer.discount, null);
      assert.match(String(customer.created), ISO_UTC_SECONDS);
      assert.ok(Math.abs(Date.parse(String(customer.created)) - Date.now()) < 5 * 60_000, 'created is about now');
    },
  },
  {
    name: 'createCustomer with no input makes a customer whose description and email are null',
    async body(h) {
      const customer = await createCustomer(h, {});
      assert.equal(customer.description, null);
      assert.equal(customer.email, null);
    },
  },
  {
    name: 'getCustomer reads back what createCustomer made',
    async body(h) {
      const created = await createCustomer(h, { description: 'Read me', email: uniqueEmail() });
      const read = await h.run('getCustomer', { id: created.id });
      assert.deepEqual(read, created);
      assertMatchesOutputSchema('getCustomer', read);
    },
  },
  {
    name: 'getCustomer of an unknown id is a 404 whose message names the id',
    async body(h) {
      await assertNotFoundNamingId(h, 'getCustomer', { id: 'cus_doesNotExist42' });
    },
  },
  {
    name: 'getCustomer of a deleted customer is a 404 whose message names the id',
    async body(h) {
      const created = await createCustomer(h, {});
      const deleted = await h.stripe.customers.del(String(created.id));
      assert.equal(deleted.deleted, true);
      await assertNotFoundNamingId(h, 'getCustomer', { id: String(created.id) });
    },
    deviations: {
      'stripe-stateful-mock': { reason: 'stripe-stateful-mock 0.0.16 has no DELETE /v1/customers/{id} route' },
    },
  },
  {
    name: 'updateCustomer with an empty string unsets description and email',
    async body(h) {
      const created = await createCustomer(h, { description: 'Temporary', email: uniqueEmail() });
      const updated = await h.run('updateCustomer', { id: created.id, description: '', email: '' });
      assert.equal(updated.description, null);
      assert.equal(updated.email, null);
      assertMatchesOutputSchema('updateCustomer', updated);
    },
    deviations: {
      'stripe-stateful-mock': {
        reason: 'it stores an empty string instead of unsetting the field (Stripe answers null)',
        async actual(h) {
          const created = await createCustomer(h, { description: 'Temporary', email: uniqueEmail() });
          const updated = await h.run('updateCustomer', { id: created.id, description: '', email: '' });
          assert.equal(updated.description, '');
          assert.equal(updated.email, '');
        },
      },
    },
  },
  {
    name: 'updateCustomer leaves fields absent from the input alone',
    async body(h) {
      const email = uniqueEmail();
      const created = await createCustomer(h, { description: 'Keep my email', email });
      const updated = await h.run('updateCustomer', { id: created.id, description: 'New words' });
      assert.equal(updated.description, 'New words');
      assert.equal(updated.email, email);
      const read = await h.run('getCustomer', { id: created.id });
      assert.deepEqual(read, updated);
    },
  },
  {
    name: 'updateCustomer of an unknown id is a 404 whose message names the id',
    async body(h) {
      await assertNotFoundNamingId(h, 'updateCustomer', { id: 'cus_unknownForUpdate' });
    },
  },
  {
    name: "getCustomer maps the customer's discount and its coupon (name, duration, amounts)",
    async body(h) {
      const coupon = await h.stripe.coupons.create({ name: 'Quarter off', percent_off: 25, duration: 'repeating', duration_in_months: 3 });
      const created = await createCustomer(h, { email: uniqueEmail() });
      // Today's API no longer takes `coupon` on customers (discounts come from subscriptions since
      // 2025-09-30); the emulator keeps the old parameter so a discounted customer can be arranged.
      await h.stripe.customers.update(String(created.id), { coupon: coupon.id } as Stripe.CustomerUpdateParams);
      const read = await h.run('getCustomer', { id: created.id });
      assertMatchesOutputSchema('getCustomer', read);
      const discount = read.discount as Record<string, unknown>;
      assert.deepEqual(Object.keys(discount).sort(), ['coupon', 'customer', 'end', 'start', 'subscription']);
      assert.equal(discount.customer, created.id);
      assert.equal(discount.subscription, null);
      assert.equal(typeof discount.start, 'number');
      assert.equal(typeof discount.end, 'number', 'a repeating coupon ends');
      assert.deepEqual(discount.coupon, { id: coupon.id, name: 'Quarter off', duration: 'repeating', percent_off: 25, amount_off: null });
    },
    deviations: {
      'stripe-stateful-mock': { reason: 'stripe-stateful-mock 0.0.16 has no coupons and never gives a customer a discount' },
    },
  },
  {
    name: 'createCustomer retried with the same idempotency key does not create a second customer',
    async body(h) {
      const email = uniqueEmail();
      const key = `retry-${randomUUID()}`;
      const first = await h.run('createCustomer', { email }, key);
      const second = await h.run('createCustomer', { email }, key);
      assert.equal(second.id, first.id);
      const listed = await h.stripe.customers.list({ email, limit: 10 });
      assert.equal(listed.data.length, 1);
    },
  },
  {
    name: 'an idempotency key reused with different input is a 409 conflict, and nothing is created',
    async body(h) {
      const key = `reuse-${randomUUID()}`;
      await h.run('createCustomer', { description: 'first' }, key);
      const email = uniqueEmail();
      await assert.rejects(runAction('createCustomer', { stripe: h.stripe, idempotencyKey: key }, { email }), (error: Error & { status?: number; code?: string }) => {
        assert.equal(error.status, 409);
        assert.equal(error.code, 'conflict');
        return true;
      });
      assert.equal((await h.stripe.customers.list({ email, limit: 10 })).data.length, 0);
    },
  },
  {
    name: 'a bad API key is a 400 invalid_api_key that does not repeat the key',
    async body(h) {
      const apiKey = 'sk_live_definitelyNotAValidKey1234';
      const stripe = createStripeClient({ apiKey, apiBase: h.apiBase, requestsPerSecond: false });
      await assert.rejects(
        runAction('getCustomer', { stripe, idempotencyKey: randomUUID() }, { id: 'cus_any' }),
        (error: Error & { status?: number; code?: string }) => {
          assert.equal(error.status, 400);
          assert.equal(error.code, 'invalid_api_key');
          assert.ok(!error.message.includes('1234') && !error.message.includes('sk_live'), error.message);
          return true;
        },
      );
    },
  },
];

export const productCases: ActionCase[] = [
  {
    name: 'createProduct answers exactly the documented Product_Response fields, active and shippable defaulting to true',
    async body(h) {
      const id = uniqueProductId();
      const product = await h.run('createProduct', { id, name: 'Mug', description: 'Blue', url: 'https://shop.example.com/mug' });
      assert.deepEqual(Object.keys(product).sort(), PRODUCT_FIELDS);
      assertMatchesOutputSchema('createProduct', product);
      assert.equal(product.id, id);
      assert.equal(product.active, true);
      assert.equal(product.shippable, true);
      assert.equal(product.caption, null);
      assert.equal(product.url, 'https://shop.example.com/mug');
      assert.deepEqual(product.images, []);
      assert.match(String(product.created), ISO_UTC_SECONDS);
      assert.match(String(product.updated), ISO_UTC_SECONDS);
    },
    deviations: {
      'stripe-stateful-mock': {
        reason: 'it echoes active as the string "true" and drops shippable and url unless the product has the retired type=good',
        async actual(h) {
          const product = await h.run('createProduct', { id: uniqueProductId(), name: 'Mug', url: 'https://shop.example.com/mug' });
          assert.deepEqual(Object.keys(product).sort(), PRODUCT_FIELDS);
          assert.equal(product.active, 'true');
          assert.equal(product.shippable, null);
          assert.equal(product.url, null);
        },
      },
    },
  },
  {
    name: 'createProduct keeps caption in the product metadata and reads it back as caption',
    async body(h) {
      const product = await h.run('createProduct', { id: uniqueProductId(), name: 'Poster', caption: 'A2, matte' });
      assert.equal(product.caption, 'A2, matte');
      const stored = await h.stripe.products.retrieve(String(product.id));
      assert.equal(stored.metadata.caption, 'A2, matte');
    },
  },
  {
    name: 'createProduct takes images as a JSON array',
    async body(h) {
      const product = await h.run('createProduct', { id: uniqueProductId(), name: 'Lamp', images: images(2) });
      assert.deepEqual(product.images, images(2));
    },
  },
  {
    name: 'createProduct takes images as a comma-separated string, spaces trimmed',
    async body(h) {
      const product = await h.run('createProduct', { id: uniqueProductId(), name: 'Lamp', images: images(8).join(', ') });
      assert.deepEqual(product.images, images(8));
    },
  },
  {
    name: 'createProduct refuses a ninth image, in either form, naming images and creating nothing',
    async body(h) {
      for (const tooMany of [images(9), images(9).join(',')]) {
        const id = uniqueProductId();
        const error = await h.runFailing('createProduct', { id, name: 'Too many', images: tooMany });
        assert.equal(error.status, 400);
        assert.deepEqual((error.details as Array<{ field: string }>).map((p) => p.field), ['images']);
        await assert.rejects(h.stripe.products.retrieve(id), /No such product/);
      }
    },
  },
  {
    name: 'createProduct refuses an image URL that is not absolute, naming images',
    async body(h) {
      const error = await h.runFailing('createProduct', { name: 'Relative', images: 'https://ok.example/a.png,/b.png' });
      assert.equal(error.status, 400);
      assert.match(error.message, /images/);
      assert.match(error.message, /\/b\.png/);
    },
  },
  {
    name: 'createProduct with an id that is already taken is a 409 naming the id',
    async body(h) {
      const id = uniqueProductId();
      await h.run('createProduct', { id, name: 'Original' });
      const error = await h.runFailing('createProduct', { id, name: 'Impostor' });
      assert.equal(error.status, 409);
      assert.equal(error.code, 'conflict');
      assert.match(error.message, new RegExp(id));
    },
  },
  {
    name: 'updateProduct changes the given fields and leaves absent ones alone',
    async body(h) {
      const id = uniqueProductId();
      await h.run('createProduct', { id, name: 'Cup', description: 'Small', caption: 'Fits 200 ml', images: images(1) });
      const updated = await h.run('updateProduct', { id, name: 'Big cup', active: false });
      assert.deepEqual(Object.keys(updated).sort(), PRODUCT_FIELDS);
      assertMatchesOutputSchema('updateProduct', updated);
      assert.equal(updated.name, 'Big cup');
      assert.equal(updated.active, false);
      assert.equal(updated.description, 'Small');
      assert.equal(updated.caption, 'Fits 200 ml');
      assert.deepEqual(updated.images, images(1));
    },
    deviations: { 'stripe-stateful-mock': { reason: NO_PRODUCT_UPDATE } },
  },
  {
    name: 'updateProduct with empty strings removes the caption, description, url and images',
    async body(h) {
      const id = uniqueProductId();
      await h.run('createProduct', { id, name: 'Cup', description: 'Small', caption: 'Fits 200 ml', url: 'https://shop.example.com/cup', images: images(2) });
      const updated = await h.run('updateProduct', { id, name: 'Cup', caption: '', description: '', url: '', images: '' });
      assert.equal(updated.caption, null);
      assert.equal(updated.description, null);
      assert.equal(updated.url, null);
      assert.deepEqual(updated.images, []);
      const stored = await h.stripe.products.retrieve(id);
      assert.equal(stored.metadata.caption, undefined);
    },
    deviations: { 'stripe-stateful-mock': { reason: NO_PRODUCT_UPDATE } },
  },
  {
    name: 'updateProduct of an unknown id is a 404 whose message names the id',
    async body(h) {
      await assertNotFoundNamingId(h, 'updateProduct', { id: 'prod_unknownForUpdate', name: 'x' } as { id: string });
    },
    deviations: { 'stripe-stateful-mock': { reason: NO_PRODUCT_UPDATE } },
  },
];

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type Stripe from 'stripe';
import { startHarness, stripeError, type Harness } from './harness.js';

let h: Harness;
before(async () => {
  h = await startHarness({ clock: { frozen: true } });
});
after(() => h?.stop());

describe('products', () => {
  test('a product is created with a caller-chosen id and read back in the SDK shape', async () => {
    const stripe = h.stripe();
    const created: Stripe.Product = await stripe.products.create({
      id: 'mug-01',
      name: 'Mug',
      description: 'Blue',
      images: ['https://img.example/mug.png'],
      metadata: { caption: 'Nice mug' },
      shippable: true,
      url: 'https://shop.example/mug',
    });
    assert.equal(created.id, 'mug-01');
    assert.equal(created.object, 'product');
    assert.equal(created.active, true);
    assert.equal(created.shippable, true);
    assert.deepEqual(created.images, ['https://img.example/mug.png']);
    assert.equal(created.url, 'https://shop.example/mug');
    assert.equal(created.updated, created.created);
    assert.deepEqual(await stripe.products.retrieve('mug-01'), created);
  });

  test('a taken id is a 400 resource_already_exists', async () => {
    const stripe = h.stripe();
    await stripe.products.create({ id: 'dup', name: 'A' });
    const error = await stripeError(() => stripe.products.create({ id: 'dup', name: 'B' }));
    assert.equal(error.statusCode, 400);
    assert.equal(error.code, 'resource_already_exists');
    assert.equal(error.param, 'id');
    assert.equal(error.message, 'Product already exists.');
    assert.equal((await stripe.products.retrieve('dup')).name, 'A');
  });

  test('an update changes the sent fields, unsets with an empty string and moves `updated`', async () => {
    const stripe = h.stripe();
    const p = await stripe.products.create({ name: 'Old', description: 'd', url: 'https://a.example', images: ['https://a.example/1.png'] });
    h.emulator.clock.advanceMs(5000);
    const u = await stripe.products.update(p.id, { name: 'New', description: '', images: '', active: false, shippable: false });
    assert.equal(u.name, 'New');
    assert.equal(u.description, null);
    assert.deepEqual(u.images, []);
    assert.equal(u.active, false);
    assert.equal(u.shippable, false);
    assert.equal(u.url, 'https://a.example');
    assert.equal(u.updated, p.created + 5);
    assert.equal(u.created, p.created);
  });

  test('a deleted product answers deleted, then 404, and leaves the list', async () => {
    const stripe = h.stripe();
    const p = await stripe.products.create({ name: 'Gone' });
    assert.deepEqual(await stripe.products.del(p.id), { id: p.id, object: 'product', deleted: true });
    assert.equal((await stripeError(() => stripe.products.retrieve(p.id))).message, `No such product: '${p.id}'`);
    assert.equal((await stripe.products.list()).data.length, 0);
  });

  test('the active filter takes a boolean and lists only matching products', async () => {
    const stripe = h.stripe();
    const on = await stripe.products.create({ name: 'On' });
    const off = await stripe.products.create({ name: 'Off', active: false });
    assert.deepEqual((await stripe.products.list({ active: true })).data.map((p) => p.id), [on.id]);
    assert.deepEqual((await stripe.products.list({ active: false })).data.map((p) => p.id), [off.id]);
    await stripe.products.update(off.id, { active: true });
    assert.deepEqual((await stripe.products.list({ active: true })).data.map((p) => p.id), [off.id, on.id]);
    assert.equal((await stripe.products.list()).data.length, 2);
  });

  test('more than 8 images, or an image that is not a URL, is refused naming the field', async () => {
    const stripe = h.stripe();
    const nine = Array.from({ length: 9 }, (_, i) => `https://img.example/${i}.png`);
    assert.equal((await stripeError(() => stripe.products.create({ name: 'x', images: nine }))).param, 'images');
    const bad = await stripeError(() => stripe.products.create({ name: 'x', images: ['https://ok.example/a.png', 'not a url'] }));
    assert.equal(bad.param, 'images[1]');
    assert.equal(bad.code, 'url_invalid');
    assert.equal((await stripe.products.list()).data.length, 0);
  });

  test('product events carry previous attributes on update', async () => {
    const stripe = h.stripe();
    const p = await stripe.products.create({ name: 'A' });
    await stripe.products.update(p.id, { name: 'B' });
    await stripe.products.del(p.id);
    const events = (await stripe.events.list()).data;
    assert.deepEqual(events.map((e) => e.type), ['product.deleted', 'product.updated', 'product.created']);
    assert.deepEqual(events[1]!.data.previous_attributes, { name: 'A' });
  });
});

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type Stripe from 'stripe';
import { toIsoTime } from '../../src/time.js';
import { toCustomerResponse } from '../../src/connector/mapping/customer.js';
import { parseProductImages, toProductParams, toProductResponse } from '../../src/connector/mapping/product.js';
import { ConnectorError } from '../../src/errors.js';

// Stripe objects as the API sends them, trimmed to what the mapping reads.
const baseCustomer = {
  id: 'cus_123',
  object: 'customer',
  balance: -250,
  created: 1_795_000_000,
  description: null,
  email: null,
  discount: null,
  metadata: {},
} as unknown as Stripe.Customer;

const quarterOff = {
  id: 'QUARTER',
  object: 'coupon',
  name: 'Quarter off',
  duration: 'repeating',
  duration_in_months: 3,
  percent_off: 25,
  amount_off: null,
} as unknown as Stripe.Coupon;

const withDiscount = (discount: Record<string, unknown>) =>
  ({ ...baseCustomer, discount: { object: 'discount', id: 'di_1', customer: 'cus_123', start: 1_795_000_100, end: null, subscription: null, ...discount } }) as unknown as Stripe.Customer;

describe('field mapping', () => {
  test('unix seconds become ISO 8601 UTC without fractional seconds', () => {
    assert.equal(toIsoTime(0), '1970-01-01T00:00:00Z');
    assert.equal(toIsoTime(1_795_000_000), '2026-11-18T11:06:40Z');
  });

  test('a customer maps balance to account_balance and absent fields to null', () => {
    assert.deepEqual(toCustomerResponse(baseCustomer), {
      id: 'cus_123',
      account_balance: -250,
      created: '2026-11-18T11:06:40Z',
      currency: null,
      delinquent: null,
      description: null,
      discount: null,
      email: null,
    });
  });

  test("today's discount (coupon id under source.coupon) maps its coupon once the coupon is fetched", () => {
    const customer = withDiscount({ source: { type: 'coupon', coupon: 'QUARTER' } });
    assert.deepEqual(toCustomerResponse(customer, quarterOff).discount, {
      customer: 'cus_123',
      end: null,
      start: 1_795_000_100,
      subscription: null,
      coupon: { id: 'QUARTER', name: 'Quarter off', duration: 'repeating', percent_off: 25, amount_off: null },
    });
  });

  test("today's discount with source.coupon expanded maps the coupon without a fetch", () => {
    const customer = withDiscount({ source: { type: 'coupon', coupon: quarterOff } });
    assert.equal(toCustomerResponse(customer).discount?.coupon?.name, 'Quarter off');
  });

  test('a discount in the pre-2025-09-30 shape (coupon expanded at discount.coupon) maps the same way', () => {
    const customer = withDiscount({ coupon: { ...quarterOff, duration: 'once', percent_off: null, amount_off: 500 }, customer: { id: 'cus_123', object: 'customer' } });
    assert.deepEqual(toCustomerResponse(customer).discount, {
      customer: 'cus_123',
      end: null,
      start: 1_795_000_100,
      subscription: null,
      coupon: { id: 'QUARTER', name: 'Quarter off', duration: 'once', percent_off: null, amount_off: 500 },
    });
  });

  test('a discount whose coupon could not be read keeps the coupon id and nulls the rest', () => {
    const customer = withDiscount({ source: { type: 'coupon', coupon: 'GONE' } });
    assert.deepEqual(toCustomerResponse(customer).discount?.coupon, { id: 'GONE', name: null, duration: null, percent_off: null, amount_off: null });
  });

  test('a product reads caption from metadata and maps absent values to null', () => {
    const product = {
      id: 'prod_1',
      object: 'product',
      active: true,
      created: 1_795_000_000,
      updated: 1_795_000_060,
      description: null,
      images: ['https://img.example.com/a.png'],
      metadata: { caption: 'Short line', other: 'x' },
      name: 'Mug',
      shippable: null,
      url: null,
    } as unknown as Stripe.Product;
    assert.deepEqual(toProductResponse(product), {
      id: 'prod_1',
      active: true,
      caption: 'Short line',
      created: '2026-11-18T11:06:40Z',
      description: null,
      images: ['https://img.example.com/a.png'],
      name: 'Mug',
      shippable: null,
      updated: '2026-11-18T11:07:40Z',
      url: null,
    });
    assert.equal(toProductResponse({ ...product, metadata: {} }).caption, null);
  });
});

describe('product inputs', () => {
  const problemsOf = (fn: () => unknown) => {
    try {
      fn();
    } catch (error) {
      assert.ok(error instanceof ConnectorError);
      assert.equal(error.status, 400);
      return error.details as Array<{ field: string; message: string }>;
    }
    assert.fail('expected a 400');
  };

  test('images as a comma-separated string are split and trimmed; empty entries are dropped', () => {
    assert.deepEqual(parseProductImages(' https://a.example/1.png ,https://a.example/2.png,'), ['https://a.example/1.png', 'https://a.example/2.png']);
    assert.deepEqual(parseProductImages(''), []);
  });

  test('more than 8 images is refused naming images; a URL that is not absolute http(s) is named by its position', () => {
    const nine = Array.from({ length: 9 }, (_, i) => `https://a.example/${i}.png`);
    assert.deepEqual(problemsOf(() => parseProductImages(nine))?.map((p) => p.field), ['images']);
    assert.deepEqual(problemsOf(() => parseProductImages(nine.join(','))), [{ field: 'images', message: 'must have at most 8 URLs (it has 9)' }]);
    for (const bad of ['img/a.png', 'ftp://a.example/a.png', 'mailto:a@example.com', 'https://']) {
      assert.deepEqual(problemsOf(() => parseProductImages([bad])), [{ field: 'images.0', message: `must be an absolute http(s) URL, not "${bad}"` }], bad);
    }
    assert.deepEqual(problemsOf(() => parseProductImages('https://a.example/1.png,,ftp://a.example/2.png'))?.map((p) => p.field), ['images.2']);
  });

  test('on update, empty strings unset; on create they are left out', () => {
    const input = { description: '', url: '', caption: '', images: '' };
    assert.deepEqual(toProductParams(input, 'update'), { description: '', url: '', metadata: { caption: '' }, images: '' });
    assert.deepEqual(toProductParams(input, 'create'), {});
  });

  test('absent inputs are not sent at all, so Stripe leaves those fields alone', () => {
    assert.deepEqual(toProductParams({ name: 'Only name' }, 'update'), { name: 'Only name' });
  });
});

import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import type Stripe from 'stripe';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { findTrigger, triggers } from '../../src/connector/triggers/index.js';
import { chargeAdded } from '../../src/connector/triggers/charge-added.js';
import { invoiceItemAdded } from '../../src/connector/triggers/invoice-item-added.js';
import { orderAdded } from '../../src/connector/triggers/order-added.js';
import type { LegacyOrder } from '../../src/connector/mapping/order.js';

const ajv = new Ajv({ strict: true, allErrors: true });
addFormats.default(ajv);

// Objects as Stripe sends them (API 2026-10-28.endive for charge and invoice item, 2020-08-27 for
// the legacy order), trimmed to the fields the mapping reads plus a few it must ignore.
const charge = {
  id: 'ch_3Q',
  object: 'charge',
  amount: 2000,
  amount_captured: 2000,
  amount_refunded: 500,
  captured: true,
  created: 1_795_000_000,
  currency: 'usd',
  customer: { id: 'cus_1', object: 'customer' },
  description: 'Order 42',
  failure_code: null,
  failure_message: null,
  livemode: false,
  metadata: {},
  outcome: {
    network_status: 'approved_by_network',
    reason: null,
    risk_level: 'normal',
    risk_score: 32,
    seller_message: 'Payment complete.',
    type: 'authorized',
  },
  paid: true,
  receipt_email: 'jenny@example.com',
  receipt_number: null,
  refunded: false,
  statement_descriptor: null,
  status: 'succeeded',
} as unknown as Stripe.Charge;

const invoiceItem = {
  id: 'ii_1',
  object: 'invoiceitem',
  amount: 1500,
  currency: 'eur',
  customer: 'cus_1',
  date: 1_795_000_100,
  description: 'Setup fee',
  discountable: true,
  invoice: null,
  parent: { type: 'subscription_details', subscription_details: { subscription: 'sub_9', subscription_item: 'si_1' } },
  proration: false,
  quantity: 3,
} as unknown as Stripe.InvoiceItem;

const order: LegacyOrder = {
  id: 'or_1',
  object: 'order',
  amount: 1500,
  amount_returned: null,
  charge: 'ch_9',
  created: 1_795_000_200,
  currency: 'usd',
  customer: null,
  email: 'jenny@example.com',
  selected_shipping_method: 'ship_free',
  status: 'paid',
  updated: 1_795_000_260,
};

describe('trigger definitions', () => {
  test('the registry lists the triggers by their documented names', () => {
    assert.deepEqual(
      triggers.map((t) => t.name),
      ['chargeAdded', 'customerAdded', 'invoiceItemAdded', 'orderAdded'],
    );
    assert.equal(findTrigger('chargeAdded'), chargeAdded);
    assert.equal(findTrigger('chargeRefunded'), undefined);
  });

  test('chargeAdded fires on the first of charge.pending, charge.succeeded and charge.failed', () => {
    assert.deepEqual([...chargeAdded.eventTypes].sort(), ['charge.failed', 'charge.pending', 'charge.succeeded']);
    assert.deepEqual(invoiceItemAdded.eventTypes, ['invoiceitem.created']);
    assert.deepEqual(orderAdded.eventTypes, ['order.created']);
  });

  test('each trigger’s output schema compiles and names every documented field', () => {
    const documented: Record<string, string[]> = {
      chargeAdded: ['id', 'amount', 'amount_refunded', 'captured', 'created', 'currency', 'customer', 'description', 'failure_code', 'failure_message', 'invoice', 'order', 'outcome', 'paid', 'receipt_email', 'receipt_number', 'refunded', 'statement_descriptor', 'status'],
      customerAdded: ['id', 'account_balance', 'created', 'currency', 'delinquent', 'description', 'discount', 'email'],
      invoiceItemAdded: ['id', 'amount', 'currency', 'customer', 'date', 'description', 'discountable', 'invoice', 'proration', 'quantity', 'subscription'],
      orderAdded: ['id', 'amount', 'amount_returned', 'charge', 'created', 'currency', 'customer', 'email', 'selected_shipping_method', 'status', 'updated'],
    };
    for (const trigger of triggers) {
      ajv.compile(trigger.output);
      assert.deepEqual(Object.keys(trigger.output.properties as object).sort(), documented[trigger.name]!.sort(), trigger.name);
    }
  });
});

describe('trigger field mapping', () => {
  test('a charge maps to the documented shape, ISO time and ids, and validates against its schema', () => {
    const mapped = chargeAdded.map(charge);
    assert.deepEqual(mapped, {
      id: 'ch_3Q',
      amount: 2000,
      amount_refunded: 500,
      captured: true,
      created: '2026-11-18T11:06:40Z',
      currency: 'usd',
      customer: 'cus_1',
      description: 'Order 42',
      failure_code: null,
      failure_message: null,
      invoice: null,
      order: null,
      outcome: {
        network_status: 'approved_by_network',
        reason: null,
        risk_level: 'normal',
        seller_message: 'Payment complete.',
        type: 'authorized',
      },
      paid: true,
      receipt_email: 'jenny@example.com',
      receipt_number: null,
      refunded: false,
      statement_descriptor: null,
      status: 'succeeded',
    });
    assert.ok(ajv.validate(chargeAdded.output, mapped), ajv.errorsText());
    assert.equal(chargeAdded.createdOf(charge), 1_795_000_000);
  });

  test('a charge from an older API version keeps its invoice and order ids', () => {
    const legacy = { ...charge, invoice: 'in_7', order: { id: 'or_7' } } as unknown as Stripe.Charge;
    const mapped = chargeAdded.map(legacy);
    assert.equal(mapped.invoice, 'in_7');
    assert.equal(mapped.order, 'or_7');
  });

  test('a declined charge without an outcome maps outcome to null', () => {
    const declined = { ...charge, status: 'failed', paid: false, outcome: null, failure_code: 'card_declined', failure_message: 'Your card was declined.' } as unknown as Stripe.Charge;
    const mapped = chargeAdded.map(declined);
    assert.equal(mapped.outcome, null);
    assert.equal(mapped.failure_code, 'card_declined');
    assert.ok(ajv.validate(chargeAdded.output, mapped), ajv.errorsText());
  });

  test('an invoice item maps its date and finds its subscription under parent', () => {
    const mapped = invoiceItemAdded.map(invoiceItem);
    assert.deepEqual(mapped, {
      id: 'ii_1',
      amount: 1500,
      currency: 'eur',
      customer: 'cus_1',
      date: '2026-11-18T11:08:20Z',
      description: 'Setup fee',
      discountable: true,
      invoice: null,
      proration: false,
      quantity: 3,
      subscription: 'sub_9',
    });
    assert.ok(ajv.validate(invoiceItemAdded.output, mapped), ajv.errorsText());
    assert.equal(invoiceItemAdded.createdOf(invoiceItem), 1_795_000_100);
  });

  test('an invoice item of an older API version has its subscription at the top level', () => {
    const legacy = { ...invoiceItem, parent: undefined, subscription: 'sub_old' } as unknown as Stripe.InvoiceItem;
    assert.equal(invoiceItemAdded.map(legacy).subscription, 'sub_old');
    const none = { ...invoiceItem, parent: null } as unknown as Stripe.InvoiceItem;
    assert.equal(invoiceItemAdded.map(none).subscription, null);
  });

  test('a legacy order maps to the documented shape with ISO created and updated', () => {
    const mapped = orderAdded.map(order);
    assert.deepEqual(mapped, {
      id: 'or_1',
      amount: 1500,
      amount_returned: null,
      charge: 'ch_9',
      created: '2026-11-18T11:10:00Z',
      currency: 'usd',
      customer: null,
      email: 'jenny@example.com',
      selected_shipping_method: 'ship_free',
      status: 'paid',
      updated: '2026-11-18T11:11:00Z',
    });
    assert.ok(ajv.validate(orderAdded.output, mapped), ajv.errorsText());
    assert.equal(orderAdded.map({ ...order, updated: null }).updated, null);
  });

  test('an order status outside the documented five fails the output schema', () => {
    const mapped = orderAdded.map({ ...order, status: 'refunded' as LegacyOrder['status'] });
    assert.equal(ajv.validate(orderAdded.output, mapped), false);
  });
});

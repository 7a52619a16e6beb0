// Customers: create, retrieve, update, delete, list (`email`), search, and the discount.
import type Stripe from 'stripe';
import type { RequestContext, ResourceModule } from '../../context.js';
import { newId } from '../../ids.js';
import { listPage, readListQuery } from '../../list/list-request.js';
import { invalidValue, resourceMissing, unsupportedParameter } from '../../wire/errors.js';
import { applyMetadata, type Params } from '../../wire/params.js';
import { discountFor, readAddress, readShipping, readTaxExempt } from './customer-params.js';
import {
  customerStore,
  renderCustomer,
  renderDeletedCustomer,
  renderDiscount,
  type CustomerRecord,
} from './customer-record.js';
import { parseCustomerQuery } from './customer-search.js';

/** Shared by every customer without preferred locales: a million customers need no million empty arrays. */
const NO_LOCALES: readonly string[] = Object.freeze([]);

/** Stripe's default `invoice_prefix`: 8 upper-case characters derived from the customer. */
function invoicePrefixFor(id: string): string {
  return id.slice(4, 12).toUpperCase();
}

interface CustomerChanges {
  address?: Stripe.Address | null;
  balance?: number;
  couponId?: string | null;
  description?: string | null;
  email?: string | null;
  invoicePrefix?: string;
  metadata?: Record<string, string | null> | null;
  name?: string | null;
  phone?: string | null;
  preferredLocales?: string[] | null;
  shipping?: Stripe.Customer.Shipping | null;
  taxExempt?: Stripe.Customer.TaxExempt;
}

function readChanges(p: Params): CustomerChanges {
  const changes: CustomerChanges = {
    address: readAddress(p.object('address')),
    balance: p.integer('balance'),
    couponId: p.emptyableString('coupon'),
    description: p.emptyableString('description'),
    email: p.emptyableString('email', { maxChars: 512 }),
    invoicePrefix: p.nonEmptyString('invoice_prefix'),
    metadata: p.metadata(),
    name: p.emptyableString('name', { maxChars: 256 }),
    phone: p.emptyableString('phone'),
    preferredLocales: p.stringArray('preferred_locales'),
    shipping: readShipping(p.object('shipping')),
    taxExempt: readTaxExempt(p),
  };
  // Stripe checks the form of an email address (one @, something on each side, no spaces).
  if (changes.email && !/^[^\s@]+@[^\s@]+$/.test(changes.email)) {
    throw invalidValue('email', `Invalid email address: ${changes.email}`, 'email_invalid');
  }
  if (changes.invoicePrefix !== undefined && !/^[A-Z0-9]{3,12}$/.test(changes.invoicePrefix)) {
    throw invalidValue('invoice_prefix', 'Invoice prefix must be 3–12 upper-case letters or digits.');
  }
  return changes;
}

function create(ctx: RequestContext): Stripe.Customer {
  const changes = readChanges(ctx.params);
  ctx.params.finish();
  const id = newId('cus');
  const customer: CustomerRecord = {
    id,
    created: ctx.now,
    seq: ctx.account.nextSeq(),
    address: changes.address ?? null,
    balance: changes.balance ?? 0,
    currency: null,
    description: changes.description ?? null,
    discount: changes.couponId ? discountFor(ctx.account, changes.couponId, ctx.now) : null,
    email: changes.email ?? null,
    invoicePrefix: changes.invoicePrefix ?? invoicePrefixFor(id),
    metadata: applyMetadata({}, changes.metadata),
    name: changes.name ?? null,
    phone: changes.phone ?? null,
    preferredLocales: changes.preferredLocales ?? NO_LOCALES,
    shipping: changes.shipping ?? null,
    taxExempt: changes.taxExempt ?? 'none',
  };
  ctx.account.store(customerStore).insert(customer);
  ctx.emit('customer.created', customer, renderCustomer);
  if (customer.discount !== null) ctx.emit('customer.discount.created', customer, discountOf);
  return renderCustomer(customer);
}

function discountOf(c: CustomerRecord): object {
  return c.discount === null ? {} : renderDiscount(c.id, c.discount);
}

function found(ctx: RequestContext): CustomerRecord {
  const customer = ctx.account.store(customerStore).get(ctx.path.id!);
  if (customer === undefined) throw resourceMissing('customer', ctx.path.id!);
  return customer;
}

function retrieve(ctx: RequestContext): Stripe.Customer | Stripe.DeletedCustomer {
  ctx.params.finish();
  const store = ctx.account.store(customerStore);
  const customer = store.get(ctx.path.id!);
  if (customer !== undefined) return renderCustomer(customer);
  // Stripe keeps answering for a deleted customer, with the `deleted: true` shape.
  if (store.keyOf(ctx.path.id!) !== undefined) return renderDeletedCustomer(ctx.path.id!);
  throw resourceMissing('customer', ctx.path.id!);
}

function update(ctx: RequestContext): Stripe.Customer {
  const changes = readChanges(ctx.params);
  ctx.params.finish();
  const before = found(ctx);
  const pick = <T>(change: T | null | undefined, current: T | null): T | null => (change === undefined ? current : change);
  let discount = before.discount;
  if (changes.couponId === null) discount = null;
  else if (changes.couponId !== undefined) discount = discountFor(ctx.account, changes.couponId, ctx.now);
  const after: CustomerRecord = {
    ...before,
    address: pick(changes.address, before.address),
    balance: changes.balance ?? before.balance,
    description: pick(changes.description, before.description),
    discount,
    email: pick(changes.email, before.email),
    invoicePrefix: changes.invoicePrefix ?? before.invoicePrefix,
    metadata: applyMetadata(before.metadata, changes.metadata),
    name: pick(changes.name, before.name),
    phone: pick(changes.phone, before.phone),
    preferredLocales: changes.preferredLocales === undefined ? before.preferredLocales : (changes.preferredLocales ?? NO_LOCALES),
    shipping: pick(changes.shipping, before.shipping),
    taxExempt: changes.taxExempt ?? before.taxExempt,
  };
  ctx.account.store(customerStore).replace(after);
  ctx.emit('customer.updated', after, renderCustomer, before);
  if (before.discount === null && after.discount !== null) ctx.emit('customer.discount.created', after, discountOf);
  else if (before.discount !== null && after.discount === null) ctx.emit('customer.discount.deleted', before, discountOf);
  else if (before.discount !== after.discount) ctx.emit('customer.discount.updated', after, discountOf, before);
  return renderCustomer(after);
}

function remove(ctx: RequestContext): Stripe.DeletedCustomer {
  ctx.params.finish();
  const customer = found(ctx);
  ctx.account.store(customerStore).remove(customer.id);
  ctx.emit('customer.deleted', customer, renderCustomer);
  return renderDeletedCustomer(customer.id);
}

function deleteDiscount(ctx: RequestContext): Stripe.DeletedDiscount {
  ctx.params.finish();
  const customer = found(ctx);
  if (customer.discount === null) {
    throw resourceMissing('discount', customer.id);
  }
  const after: CustomerRecord = { ...customer, discount: null };
  ctx.account.store(customerStore).replace(after);
  ctx.emit('customer.discount.deleted', customer, discountOf);
  const { end: _end, ...discount } = renderDiscount(customer.id, customer.discount);
  return { ...discount, deleted: true };
}

function list(ctx: RequestContext): object {
  const query = readListQuery(ctx.params);
  const email = ctx.params.string('email', { maxChars: 512 });
  if (ctx.params.has('test_clock')) throw unsupportedParameter('test_clock');
  ctx.params.finish();
  const store = ctx.account.store(customerStore);
  const collection = email === undefined ? store : store.indexed('email', email);
  return listPage('/v1/customers', query, { collection, keyOf: (id) => store.keyOf(id), objectName: 'customer' }, renderCustomer);
}

/** Search pages are opaque tokens in Stripe; here the position to continue below. */
function encodePage(c: CustomerRecord): string {
  return Buffer.from(`${c.created}:${c.seq}`).toString('base64url');
}

function decodePage(token: string): { created: number; seq: number } {
  const match = /^(\d+):(\d+)$/.exec(Buffer.from(token, 'base64url').toString('utf8'));
  if (match === null) throw invalidValue('page', 'Invalid page: this is not a page token from a previous search.');
  return { created: Number(match[1]), seq: Number(match[2]) };
}

function search(ctx: RequestContext): object {
  const p = ctx.params;
  const query = p.string('query', { required: true })!;
  const limit = p.integer('limit', { min: 1, max: 100 }) ?? 10;
  const page = p.nonEmptyString('page');
  p.finish();
  const matches = parseCustomerQuery(query);
  const data: Stripe.Customer[] = [];
  let last: CustomerRecord | undefined;
  let hasMore = false;
  for (const customer of ctx.account.store(customerStore).newestFirst(page === undefined ? undefined : decodePage(page))) {
    if (!matches(customer)) continue;
    if (data.length === limit) {
      hasMore = true;
      break;
    }
    data.push(renderCustomer(customer));
    last = customer;
  }
  return {
    object: 'search_result',
    data,
    has_more: hasMore,
    next_page: hasMore && last !== undefined ? encodePage(last) : null,
    url: '/v1/customers/search',
  };
}

export const customers: ResourceModule = {
  routes: [
    { method: 'POST', path: '/v1/customers', permission: 'customer', handler: create },
    { method: 'GET', path: '/v1/customers', permission: 'customer', handler: list },
    { method: 'GET', path: '/v1/customers/search', permission: 'customer', handler: search },
    { method: 'GET', path: '/v1/customers/:id', permission: 'customer', handler: retrieve },
    { method: 'POST', path: '/v1/customers/:id', permission: 'customer', handler: update },
    { method: 'DELETE', path: '/v1/customers/:id', permission: 'customer', handler: remove },
    { method: 'DELETE', path: '/v1/customers/:id/discount', permission: 'customer', handler: deleteDiscount },
  ],
  expanders: [
    {
      prefix: 'cus_',
      fields: ['customer'],
      retrieve: (account, id) => {
        const customer = account.store(customerStore).get(id);
        if (customer !== undefined) return renderCustomer(customer);
        return account.store(customerStore).keyOf(id) === undefined ? undefined : renderDeletedCustomer(id);
      },
    },
  ],
};

// Legacy orders, `/v1/orders` in the shape of API 2020-08-27 (Stripe has since retired them and
// answers 404; an account reproduces that when orders are switched off through the control API).
// The SDK has no Order type any more, so the shape is declared here from that version's OpenAPI.
import type Stripe from 'stripe';
import { defineStore } from '../account.js';
import type { RequestContext, ResourceModule } from '../context.js';
import { newId } from '../ids.js';
import { Collection, type Listed } from '../list/collection.js';
import { listPage, readListQuery } from '../list/list-request.js';
import { invalidValue, missingParameter, resourceMissing } from '../wire/errors.js';
import { applyMetadata, type Params } from '../wire/params.js';
import { readAddress } from './customers/customer-params.js';
import { customerStore } from './customers/customer-record.js';

export type OrderStatus = 'created' | 'paid' | 'canceled' | 'fulfilled' | 'returned';
const STATUSES: readonly OrderStatus[] = ['created', 'paid', 'canceled', 'fulfilled', 'returned'];
type ItemType = 'sku' | 'tax' | 'shipping' | 'discount';

/** order_item of API 2020-08-27. */
export interface LegacyOrderItem {
  object: 'order_item';
  amount: number;
  currency: string;
  description: string;
  parent: string | null;
  quantity: number | null;
  type: ItemType;
}

/** order of API 2020-08-27. */
export interface LegacyOrder {
  id: string;
  object: 'order';
  amount: number;
  amount_returned: number | null;
  application: string | null;
  application_fee: number | null;
  charge: string | null;
  created: number;
  currency: string;
  customer: string | null;
  email: string | null;
  items: LegacyOrderItem[];
  livemode: boolean;
  metadata: Record<string, string>;
  returns: { object: 'list'; data: never[]; has_more: false; url: string };
  selected_shipping_method: string | null;
  shipping: { address: Stripe.Address; carrier: string | null; name: string; phone: string | null; tracking_number: string | null } | null;
  shipping_methods: null;
  status: OrderStatus;
  /** `fulfiled` is spelled so in that API version. */
  status_transitions: { canceled: number | null; fulfiled: number | null; paid: number | null; returned: number | null };
  updated: number | null;
}

export interface OrderRecord extends Listed {
  readonly amount: number;
  readonly currency: string;
  readonly customer: string | null;
  readonly email: string | null;
  readonly items: readonly LegacyOrderItem[];
  readonly metadata: Readonly<Record<string, string>>;
  readonly selectedShippingMethod: string | null;
  readonly shipping: LegacyOrder['shipping'];
  readonly status: OrderStatus;
  readonly transitions: Readonly<LegacyOrder['status_transitions']>;
  readonly updated: number;
}

export const orderStore = defineStore('orders', () => new Collection<OrderRecord>({ customer: (o) => o.customer }));

export function renderOrder(o: OrderRecord): LegacyOrder {
  return {
    id: o.id,
    object: 'order',
    amount: o.amount,
    amount_returned: o.status === 'returned' ? o.amount : null,
    application: null,
    application_fee: null,
    charge: null,
    created: o.created,
    currency: o.currency,
    customer: o.customer,
    email: o.email,
    items: o.items.map((i) => ({ ...i })),
    livemode: false,
    metadata: { ...o.metadata },
    returns: { object: 'list', data: [], has_more: false, url: `/v1/order_returns?order=${o.id}` },
    selected_shipping_method: o.selectedShippingMethod,
    shipping: o.shipping,
    shipping_methods: null,
    status: o.status,
    status_transitions: { ...o.transitions },
    updated: o.updated,
  };
}

/** Moves Stripe's order life cycle allowed: created → paid → fulfilled → returned, and cancelling. */
const NEXT: Record<OrderStatus, readonly OrderStatus[]> = {
  created: ['paid', 'canceled'],
  paid: ['fulfilled', 'canceled', 'returned'],
  fulfilled: ['returned'],
  canceled: [],
  returned: [],
};

/** An order can have up to 25 items (API 2020-08-27). */
const MAX_ITEMS = 25;

function readItems(list: Params[] | undefined, currency: string): LegacyOrderItem[] {
  if (list === undefined) return [];
  if (list.length > MAX_ITEMS) throw invalidValue('items', `An order can have up to ${MAX_ITEMS} items.`);
  return list.map((p) => {
    const type = p.oneOf('type', ['sku', 'tax', 'shipping', 'discount'] as const) ?? 'sku';
    const parent = p.nonEmptyString('parent') ?? null;
    // There are no SKUs to price from here, so every item states its own amount (the line total).
    const amount = p.integer('amount');
    if (amount === undefined) throw missingParameter(p.name('amount'));
    const quantity = p.integer('quantity', { min: 1 });
    const itemCurrency = p.nonEmptyString('currency')?.toLowerCase() ?? currency;
    const description = p.string('description') ?? parent ?? type;
    p.finish();
    if (itemCurrency !== currency) throw invalidValue(p.name('currency'), 'Every item must be in the order currency.');
    return { object: 'order_item', amount, currency, description, parent, quantity: type === 'sku' ? (quantity ?? 1) : null, type };
  });
}

function readCreateShipping(p: Params | null | undefined): LegacyOrder['shipping'] | undefined {
  if (p === undefined || p === null) return undefined;
  const name = p.string('name', { required: true })!;
  const phone = p.string('phone') ?? null;
  const addressParams = p.object('address');
  if (addressParams === undefined || addressParams === null) throw missingParameter(p.name('address'));
  if (!addressParams.has('line1')) throw missingParameter(addressParams.name('line1'));
  const address = readAddress(addressParams)!;
  p.finish();
  return { address, carrier: null, name, phone, tracking_number: null };
}

function create(ctx: RequestContext): LegacyOrder {
  const p = ctx.params;
  const currency = p.requiredNonEmpty('currency').toLowerCase();
  const customerId = p.nonEmptyString('customer');
  const email = p.nonEmptyString('email');
  const items = readItems(p.objectArray('items'), currency);
  const metadata = p.metadata();
  const shipping = readCreateShipping(p.object('shipping'));
  p.finish();
  if (!/^[a-z]{3}$/.test(currency)) throw invalidValue('currency', `Invalid currency: ${currency}`);
  const customer = customerId === undefined ? undefined : ctx.account.store(customerStore).get(customerId);
  if (customerId !== undefined && customer === undefined) throw resourceMissing('customer', customerId, 'customer');
  const order: OrderRecord = {
    id: newId('or'),
    created: ctx.now,
    seq: ctx.account.nextSeq(),
    amount: items.reduce((sum, i) => sum + i.amount, 0),
    currency,
    customer: customerId ?? null,
    // Stripe filled the email from the customer when none was given.
    email: email ?? customer?.email ?? null,
    items,
    metadata: applyMetadata({}, metadata),
    selectedShippingMethod: null,
    shipping: shipping ?? null,
    status: 'created',
    transitions: { canceled: null, fulfiled: null, paid: null, returned: null },
    updated: ctx.now,
  };
  ctx.account.store(orderStore).insert(order);
  ctx.emit('order.created', order, renderOrder);
  return renderOrder(order);
}

function found(ctx: RequestContext): OrderRecord {
  const order = ctx.account.store(orderStore).get(ctx.path.id!);
  if (order === undefined) throw resourceMissing('order', ctx.path.id!);
  return order;
}

function retrieve(ctx: RequestContext): LegacyOrder {
  ctx.params.finish();
  return renderOrder(found(ctx));
}

function update(ctx: RequestContext): LegacyOrder {
  const p = ctx.params;
  const status = p.oneOf('status', STATUSES);
  const metadata = p.metadata();
  const selectedShippingMethod = p.nonEmptyString('selected_shipping_method');
  const tracking = p.object('shipping');
  const carrier = tracking?.string('carrier', { required: true });
  const trackingNumber = tracking?.string('tracking_number', { required: true });
  tracking?.finish();
  p.finish();
  const before = found(ctx);
  if (status !== undefined && status !== before.status && !NEXT[before.status].includes(status)) {
    throw invalidValue('status', `You cannot change an order's status from ${before.status} to ${status}.`, 'status_transition_invalid');
  }
  if (tracking && before.shipping === null) {
    throw invalidValue('shipping', 'This order has no shipping address to add tracking information to.');
  }
  const moved = status !== undefined && status !== before.status;
  const after: OrderRecord = {
    ...before,
    metadata: applyMetadata(before.metadata, metadata),
    selectedShippingMethod: selectedShippingMethod ?? before.selectedShippingMethod,
    shipping:
      tracking && before.shipping !== null
        ? { ...before.shipping, carrier: carrier ?? null, tracking_number: trackingNumber ?? null }
        : before.shipping,
    status: status ?? before.status,
    transitions: moved ? { ...before.transitions, [status === 'fulfilled' ? 'fulfiled' : status]: ctx.now } : before.transitions,
    updated: ctx.now,
  };
  ctx.account.store(orderStore).replace(after);
  ctx.emit('order.updated', after, renderOrder, before);
  if (moved && status === 'paid') ctx.emit('order.payment_succeeded', after, renderOrder);
  return renderOrder(after);
}

function list(ctx: RequestContext): object {
  const p = ctx.params;
  const query = readListQuery(p);
  const customer = p.nonEmptyString('customer');
  const status = p.oneOf('status', STATUSES);
  const ids = p.stringArray('ids');
  p.finish();
  const store = ctx.account.store(orderStore);
  const collection = customer === undefined ? store : store.indexed('customer', customer);
  const idSet = ids ? new Set(ids) : undefined;
  const where =
    status === undefined && idSet === undefined
      ? undefined
      : (o: OrderRecord) => (status === undefined || o.status === status) && (idSet === undefined || idSet.has(o.id));
  return listPage('/v1/orders', query, { collection, keyOf: (id) => store.keyOf(id), objectName: 'order', where }, renderOrder);
}

export const orders: ResourceModule = {
  routes: [
    { method: 'POST', path: '/v1/orders', permission: 'order', feature: 'orders', handler: create },
    { method: 'GET', path: '/v1/orders', permission: 'order', feature: 'orders', handler: list },
    { method: 'GET', path: '/v1/orders/:id', permission: 'order', feature: 'orders', handler: retrieve },
    { method: 'POST', path: '/v1/orders/:id', permission: 'order', feature: 'orders', handler: update },
  ],
  expanders: [
    {
      prefix: 'or_',
      fields: ['order'],
      retrieve: (account, id) => {
        const order = account.store(orderStore).get(id);
        return order === undefined ? undefined : renderOrder(order);
      },
    },
  ],
};

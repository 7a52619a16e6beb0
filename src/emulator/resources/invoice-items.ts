// Invoice items: create, retrieve, list (`customer` filter). Items stay pending (`invoice: null`):
// the emulator has no invoices.
import type Stripe from 'stripe';
import { defineStore } from '../account.js';
import type { RequestContext, ResourceModule } from '../context.js';
import { newId } from '../ids.js';
import { Collection, type Listed } from '../list/collection.js';
import { listPage, readListQuery } from '../list/list-request.js';
import { exclusiveParameters, invalidValue, missingParameter, resourceMissing } from '../wire/errors.js';
import { applyMetadata } from '../wire/params.js';
import { customerStore } from './customers/customer-record.js';

export interface InvoiceItemRecord extends Listed {
  readonly amount: number;
  readonly currency: string;
  readonly customer: string;
  readonly description: string | null;
  readonly discountable: boolean;
  readonly metadata: Readonly<Record<string, string>>;
  readonly periodStart: number;
  readonly periodEnd: number;
  readonly quantity: number;
  /** Minor units as Stripe's decimal string, when the item was priced per unit. */
  readonly unitAmountDecimal: string | null;
}

/** `customer` is an index: the connector's invoiceItemAdded trigger lists per customer. */
export const invoiceItemStore = defineStore(
  'invoiceitems',
  () => new Collection<InvoiceItemRecord>({ customer: (i) => i.customer }),
);

export function renderInvoiceItem(i: InvoiceItemRecord): Stripe.InvoiceItem {
  return {
    id: i.id,
    object: 'invoiceitem',
    amount: i.amount,
    currency: i.currency,
    customer: i.customer,
    customer_account: null,
    date: i.created,
    description: i.description,
    discountable: i.discountable,
    discounts: [],
    invoice: null,
    livemode: false,
    metadata: { ...i.metadata },
    net_amount: i.amount,
    parent: null,
    period: { end: i.periodEnd, start: i.periodStart },
    pricing:
      i.unitAmountDecimal === null
        ? null
        : // Decimals travel as strings on the wire; the SDK's branded Decimal type describes the parsed value.
          { type: 'price_details', unit_amount_decimal: i.unitAmountDecimal as unknown as Stripe.Decimal },
    proration: false,
    quantity: i.quantity,
    quantity_decimal: String(i.quantity) as unknown as Stripe.Decimal,
    tax_rates: [],
    test_clock: null,
  };
}

/** Stripe's amounts take at most 8 digits in the smallest unit (99999999). */
const MAX_AMOUNT = 99_999_999;

function create(ctx: RequestContext): Stripe.InvoiceItem {
  const p = ctx.params;
  const customerId = p.string('customer', { required: true })!;
  const amount = p.integer('amount', { min: -MAX_AMOUNT, max: MAX_AMOUNT });
  const unitAmountDecimal = p.decimal('unit_amount_decimal', { min: 0, max: MAX_AMOUNT });
  const quantity = p.integer('quantity', { min: 1 });
  const currency = p.nonEmptyString('currency')?.toLowerCase();
  const description = p.string('description', { maxChars: 5000 }) || null;
  const discountable = p.boolean('discountable');
  const metadata = p.metadata();
  const period = p.object('period');
  const periodStart = period?.integer('start', { required: true });
  const periodEnd = period?.integer('end', { required: true });
  period?.finish();
  p.finish();
  if (amount !== undefined && unitAmountDecimal !== undefined) throw exclusiveParameters(['amount', 'unit_amount_decimal']);
  if (amount === undefined && unitAmountDecimal === undefined) throw missingParameter('amount');
  if (amount !== undefined && quantity !== undefined && quantity !== 1) {
    throw invalidValue('quantity', 'When passing amount, quantity must be 1 (or omitted); use unit_amount_decimal to price per unit.');
  }
  if (currency === undefined) throw missingParameter('currency');
  if (!/^[a-z]{3}$/.test(currency)) throw invalidValue('currency', `Invalid currency: ${currency}`);
  if (periodStart !== undefined && periodEnd !== undefined && periodEnd < periodStart) {
    throw invalidValue('period[end]', 'The period end must be on or after the period start.');
  }
  if (ctx.account.store(customerStore).get(customerId) === undefined) throw resourceMissing('customer', customerId, 'customer');
  const qty = quantity ?? 1;
  const item: InvoiceItemRecord = {
    id: newId('ii'),
    created: ctx.now,
    seq: ctx.account.nextSeq(),
    amount: amount ?? Math.round(unitAmountDecimal! * qty),
    currency,
    customer: customerId,
    description,
    // Stripe: negative items (credits) are not discountable by default; positive ones are.
    discountable: discountable ?? (amount === undefined || amount >= 0),
    metadata: applyMetadata({}, metadata),
    periodStart: periodStart ?? ctx.now,
    periodEnd: periodEnd ?? ctx.now,
    quantity: qty,
    unitAmountDecimal: unitAmountDecimal === undefined ? null : String(unitAmountDecimal),
  };
  ctx.account.store(invoiceItemStore).insert(item);
  ctx.emit('invoiceitem.created', item, renderInvoiceItem);
  return renderInvoiceItem(item);
}

function retrieve(ctx: RequestContext): Stripe.InvoiceItem {
  ctx.params.finish();
  const item = ctx.account.store(invoiceItemStore).get(ctx.path.id!);
  if (item === undefined) throw resourceMissing('invoiceitem', ctx.path.id!);
  return renderInvoiceItem(item);
}

function list(ctx: RequestContext): object {
  const p = ctx.params;
  const query = readListQuery(p);
  const customer = p.nonEmptyString('customer');
  const invoice = p.nonEmptyString('invoice');
  const pending = p.boolean('pending');
  p.finish();
  const store = ctx.account.store(invoiceItemStore);
  const collection = customer === undefined ? store : store.indexed('customer', customer);
  // Every item here is pending (no invoices exist), so `invoice=` or `pending=false` matches none.
  const none = invoice !== undefined || pending === false;
  return listPage(
    '/v1/invoiceitems',
    query,
    { collection, keyOf: (id) => store.keyOf(id), objectName: 'invoiceitem', where: none ? () => false : undefined },
    renderInvoiceItem,
  );
}

export const invoiceItems: ResourceModule = {
  routes: [
    { method: 'POST', path: '/v1/invoiceitems', permission: 'invoice', handler: create },
    { method: 'GET', path: '/v1/invoiceitems', permission: 'invoice', handler: list },
    { method: 'GET', path: '/v1/invoiceitems/:id', permission: 'invoice', handler: retrieve },
  ],
  expanders: [
    {
      prefix: 'ii_',
      fields: ['invoice_item'],
      retrieve: (account, id) => {
        const item = account.store(invoiceItemStore).get(id);
        return item === undefined ? undefined : renderInvoiceItem(item);
      },
    },
  ],
};

// What bulk create can make, one entry per object type: how to build the n-th record at a given
// time, where it is stored, and the event Stripe would have emitted for it. Records are as small
// as the resource allows (shared empty metadata, no email so the customer email index stays
// empty), since benchmarks put a million in one account.
import type { Account, StoreKey } from '../account.js';
import type { Render } from '../events/event-log.js';
import { newId } from '../ids.js';
import type { Collection, Listed } from '../list/collection.js';
import { NO_METADATA, chargeStore, renderCharge, type ChargeRecord } from '../resources/charges/charge-record.js';
import type { TestCard } from '../resources/charges/test-cards.js';
import { customerStore, renderCustomer, type CustomerRecord } from '../resources/customers/customer-record.js';
import { invoicePrefixFor } from '../resources/customers/customers.js';
import { invoiceItemStore, renderInvoiceItem, type InvoiceItemRecord } from '../resources/invoice-items.js';

export interface BulkSpec {
  account: Account;
  /** Minor units, for charges and invoice items. */
  amount: number;
  currency: string;
  /** The customer every charge or invoice item belongs to; null for none (charges only). */
  customer: string | null;
  /** The test card charges are made with; a declining one makes failed charges. */
  card: TestCard;
}

export interface BulkKind<R extends Listed> {
  store: StoreKey<Collection<R>>;
  /** The event Stripe emits for such an object when it is created. */
  eventType(record: R): string;
  render: Render<R>;
  needsCustomer: boolean;
  make(spec: BulkSpec, created: number, seq: number): R;
}

const NO_LOCALES: readonly string[] = Object.freeze([]);

const customers: BulkKind<CustomerRecord> = {
  store: customerStore,
  eventType: () => 'customer.created',
  render: renderCustomer,
  needsCustomer: false,
  make(_spec, created, seq) {
    const id = newId('cus');
    return {
      id,
      created,
      seq,
      address: null,
      balance: 0,
      currency: null,
      description: null,
      discount: null,
      email: null,
      invoicePrefix: invoicePrefixFor(id),
      metadata: NO_METADATA,
      name: null,
      phone: null,
      preferredLocales: NO_LOCALES,
      shipping: null,
      taxExempt: 'none',
    };
  },
};

const charges: BulkKind<ChargeRecord> = {
  store: chargeStore,
  eventType: (c) => (c.status === 'failed' ? 'charge.failed' : 'charge.succeeded'),
  render: renderCharge,
  needsCustomer: false,
  make(spec, created, seq) {
    const declined = spec.card.decline !== undefined;
    return {
      id: newId('ch'),
      created,
      seq,
      amount: spec.amount,
      amountCaptured: declined ? 0 : spec.amount,
      captured: !declined,
      card: spec.card,
      currency: spec.currency,
      customer: spec.customer,
      description: null,
      metadata: NO_METADATA,
      receiptEmail: null,
      statementDescriptor: null,
      statementDescriptorSuffix: null,
      status: declined ? 'failed' : 'succeeded',
      transferGroup: null,
    };
  },
};

const invoiceItems: BulkKind<InvoiceItemRecord> = {
  store: invoiceItemStore,
  eventType: () => 'invoiceitem.created',
  render: renderInvoiceItem,
  needsCustomer: true,
  make(spec, created, seq) {
    return {
      id: newId('ii'),
      created,
      seq,
      amount: spec.amount,
      currency: spec.currency,
      customer: spec.customer!,
      description: null,
      discountable: true,
      metadata: NO_METADATA,
      periodStart: created,
      periodEnd: created,
      quantity: 1,
      unitAmountDecimal: null,
    };
  },
};

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each entry is typed by its own record
export const bulkKinds: Record<string, BulkKind<any>> = { customers, charges, invoice_items: invoiceItems };
export const bulkTypes = Object.keys(bulkKinds);

// How a customer is stored (compact, immutable) and shown (Stripe.Customer, today's shape).
import type Stripe from 'stripe';
import { defineStore } from '../../account.js';
import { Collection, type Listed } from '../../list/collection.js';

export interface DiscountRecord {
  readonly id: string;
  readonly couponId: string;
  readonly start: number;
  readonly end: number | null;
}

export interface CustomerRecord extends Listed {
  readonly address: Stripe.Address | null;
  readonly balance: number;
  readonly currency: string | null;
  readonly description: string | null;
  readonly discount: DiscountRecord | null;
  readonly email: string | null;
  readonly invoicePrefix: string;
  readonly metadata: Readonly<Record<string, string>>;
  readonly name: string | null;
  readonly phone: string | null;
  readonly preferredLocales: readonly string[];
  readonly shipping: Stripe.Customer.Shipping | null;
  readonly taxExempt: Stripe.Customer.TaxExempt;
}

/** `email` is an index: the list filter `email=` is an exact, case-sensitive match in Stripe. */
export const customerStore = defineStore(
  'customers',
  () => new Collection<CustomerRecord>({ email: (c) => c.email }),
);

export function renderDiscount(customerId: string, d: DiscountRecord): Stripe.Discount {
  return {
    id: d.id,
    object: 'discount',
    checkout_session: null,
    customer: customerId,
    customer_account: null,
    end: d.end,
    invoice: null,
    invoice_item: null,
    promotion_code: null,
    // Since API 2025-09-30 the coupon sits under `source` as an id (expand `discount.source.coupon`).
    source: { coupon: d.couponId, type: 'coupon' },
    start: d.start,
    subscription: null,
    subscription_item: null,
  };
}

export function renderCustomer(c: CustomerRecord): Stripe.Customer {
  return {
    id: c.id,
    object: 'customer',
    address: c.address,
    balance: c.balance,
    created: c.created,
    currency: c.currency,
    default_source: null,
    delinquent: false,
    description: c.description,
    discount: c.discount === null ? null : renderDiscount(c.id, c.discount),
    email: c.email,
    invoice_prefix: c.invoicePrefix,
    invoice_settings: { custom_fields: null, default_payment_method: null, footer: null, rendering_options: null },
    livemode: false,
    metadata: { ...c.metadata },
    name: c.name,
    next_invoice_sequence: 1,
    phone: c.phone,
    preferred_locales: [...c.preferredLocales],
    shipping: c.shipping,
    tax_exempt: c.taxExempt,
    test_clock: null,
  };
}

export function renderDeletedCustomer(id: string): Stripe.DeletedCustomer {
  return { id, object: 'customer', deleted: true };
}

// Today's Stripe customer (API 2026-10-28.endive, stripe-node 23 types) → Customer_Response.
// docs/field-mapping.md is this file in prose; change both together.
import type Stripe from 'stripe';
import type { CouponOutput, CustomerResponse, DiscountOutput } from '../schemas/customer.js';
import { toIsoTime } from '../../time.js';
import { idOf } from './expandable.js';

/**
 * The coupon behind a discount, in either shape Stripe has used: since 2025-09-30.clover it sits
 * under `source.coupon` and is a bare id unless expanded; before that it was `coupon`, always
 * expanded. Returns the id when only the id is known.
 */
export function discountCoupon(discount: Stripe.Discount): Stripe.Coupon | string | null {
  const legacy = (discount as unknown as { coupon?: Stripe.Coupon | string | null }).coupon;
  if (legacy !== undefined && legacy !== null) return legacy;
  return discount.source?.coupon ?? null;
}

const DOCUMENTED_DURATIONS = ['forever', 'once', 'repeating'] as const;

/** The documented enum; a duration Stripe may add later maps to null rather than break the schema. */
function documentedDuration(duration: string | null | undefined): CouponOutput['duration'] {
  return DOCUMENTED_DURATIONS.find((known) => known === duration) ?? null;
}

export function toCouponOutput(coupon: Stripe.Coupon | string): CouponOutput {
  if (typeof coupon === 'string') {
    return { id: coupon, name: null, duration: null, percent_off: null, amount_off: null };
  }
  return {
    id: coupon.id,
    name: coupon.name ?? null,
    duration: documentedDuration(coupon.duration),
    percent_off: coupon.percent_off ?? null,
    amount_off: coupon.amount_off ?? null,
  };
}

/**
 * `resolvedCoupon` is the discount's coupon when the caller fetched it (today's API returns only
 * its id); without it a bare id maps to a Coupon with only `id` set.
 */
export function toDiscountOutput(discount: Stripe.Discount, resolvedCoupon?: Stripe.Coupon): DiscountOutput {
  const coupon = resolvedCoupon ?? discountCoupon(discount);
  return {
    customer: idOf(discount.customer),
    end: discount.end ?? null,
    start: discount.start,
    subscription: idOf(discount.subscription),
    coupon: coupon === null ? null : toCouponOutput(coupon),
  };
}

export function toCustomerResponse(customer: Stripe.Customer, resolvedCoupon?: Stripe.Coupon): CustomerResponse {
  return {
    id: customer.id,
    // Stripe renamed account_balance to balance in API 2019-10-17.
    account_balance: customer.balance ?? 0,
    created: toIsoTime(customer.created),
    currency: customer.currency ?? null,
    delinquent: customer.delinquent ?? null,
    description: customer.description ?? null,
    discount: customer.discount ? toDiscountOutput(customer.discount, resolvedCoupon) : null,
    email: customer.email ?? null,
  };
}

// Since API 2025-09-30.clover a customer's discount carries only its coupon's id
// (`discount.source.coupon`); Customer_Response documents the coupon's name, duration and
// amounts, so the coupon must come from somewhere else:
// - the customer actions read it with one GET, only when the customer has a discount;
// - customerAdded's poll asks the list call to expand it (no extra call at all), on connections
//   whose API version has the field; older versions send `discount.coupon` expanded already, and
//   asking them to expand `discount.source` would be Stripe's 400;
// - a webhook event's customer cannot be expanded: the runtime reads the coupon once per
//   connection and coupon and hands it to the trigger's `map` (TriggerDefinition.relatedCouponIds).
import type Stripe from 'stripe';
import { discountCoupon } from './mapping/customer.js';

/** The first API version whose discounts name their coupon under `source.coupon`. */
export const COUPON_UNDER_SOURCE_SINCE = '2025-09-30';

/**
 * The `expand[]` path that brings a customer's coupon whole, for a connection speaking
 * `apiVersion`; undefined where none is needed (before 2025-09-30 the coupon always came
 * expanded). Versions are `YYYY-MM-DD.name`; the date orders them.
 */
export function couponExpansion(apiVersion: string): string | undefined {
  return apiVersion.slice(0, 10) >= COUPON_UNDER_SOURCE_SINCE ? 'discount.source.coupon' : undefined;
}

/** The id of the customer's coupon when the customer carries only the id; undefined otherwise. */
export function unresolvedCouponId(customer: Stripe.Customer): string | undefined {
  if (!customer.discount) return undefined;
  const coupon = discountCoupon(customer.discount);
  return typeof coupon === 'string' ? coupon : undefined;
}

export async function fetchDiscountCoupon(stripe: Stripe, customer: Stripe.Customer): Promise<Stripe.Coupon | undefined> {
  if (!customer.discount) return undefined;
  const coupon = discountCoupon(customer.discount);
  if (typeof coupon !== 'string') return coupon ?? undefined;
  return readCoupon(stripe, coupon);
}

/** One GET /v1/coupons/{id}; undefined for a coupon that no longer exists. */
export async function readCoupon(stripe: Stripe, id: string): Promise<Stripe.Coupon | undefined> {
  try {
    return await stripe.coupons.retrieve(id);
  } catch (error) {
    // A coupon deleted since it was redeemed can no longer be read; the discount still names its
    // id. Any other failure is the caller's to handle.
    if ((error as { code?: unknown }).code === 'resource_missing') return undefined;
    throw error;
  }
}

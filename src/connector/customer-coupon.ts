// Since API 2025-09-30.clover a customer's discount carries only its coupon's id
// (`discount.source.coupon`); Customer_Response documents the coupon's name, duration and
// amounts, so the coupon is read separately — one GET, only when the customer has a discount.
// (Expanding `discount.source.coupon` would save that GET but fails on connections pinned to an
// API version from before the field existed.)
import type Stripe from 'stripe';
import { discountCoupon } from './mapping/customer.js';

export async function fetchDiscountCoupon(stripe: Stripe, customer: Stripe.Customer): Promise<Stripe.Coupon | undefined> {
  if (!customer.discount) return undefined;
  const coupon = discountCoupon(customer.discount);
  if (typeof coupon !== 'string') return coupon ?? undefined;
  try {
    return await stripe.coupons.retrieve(coupon);
  } catch (error) {
    // A coupon deleted since it was redeemed can no longer be read; the discount still names its
    // id. Any other failure is the action's failure.
    if ((error as { code?: unknown }).code === 'resource_missing') return undefined;
    throw error;
  }
}

// Parameters customers share between create and update: address, shipping, and the discount.
import type Stripe from 'stripe';
import type { Account } from '../../account.js';
import { newId } from '../../ids.js';
import { invalidValue, missingParameter, resourceMissing } from '../../wire/errors.js';
import type { Params } from '../../wire/params.js';
import { couponStore, isValid, redeem } from '../coupons.js';
import type { DiscountRecord } from './customer-record.js';

const ADDRESS_FIELDS = ['city', 'country', 'line1', 'line2', 'postal_code', 'state'] as const;

/** undefined = absent, null = unset with ''. */
export function readAddress(p: Params | null | undefined): Stripe.Address | null | undefined {
  if (p === undefined || p === null) return p;
  const address: Stripe.Address = { city: null, country: null, line1: null, line2: null, postal_code: null, state: null };
  for (const field of ADDRESS_FIELDS) address[field] = p.emptyableString(field) ?? null;
  p.finish();
  return address;
}

export function readShipping(p: Params | null | undefined): Stripe.Customer.Shipping | null | undefined {
  if (p === undefined || p === null) return p;
  const name = p.string('name', { required: true })!;
  const phone = p.emptyableString('phone') ?? null;
  const addressParams = p.object('address');
  if (addressParams === undefined || addressParams === null) throw missingParameter(p.name('address'));
  const address = readAddress(addressParams)!;
  p.finish();
  return { address, name, phone };
}

const TAX_EXEMPT = ['exempt', 'none', 'reverse'] as const;

export function readTaxExempt(p: Params): Stripe.Customer.TaxExempt | undefined {
  if (p.has('tax_exempt') && p.accept('tax_exempt') === '') return 'none';
  return p.oneOf('tax_exempt', TAX_EXEMPT);
}

/**
 * Applies a coupon to a customer as a discount. Today's API no longer takes `coupon` on customers
 * (since 2025-09-30 discounts come from subscriptions and invoices); the emulator keeps the old
 * parameter so a customer with a discount can be tested — see docs/emulator.md.
 */
export function discountFor(account: Account, couponId: string, now: number): DiscountRecord {
  const coupon = account.store(couponStore).get(couponId);
  if (coupon === undefined) throw resourceMissing('coupon', couponId, 'coupon');
  if (!isValid(coupon, now)) throw invalidValue('coupon', `Coupon expired: ${couponId}`, 'coupon_expired');
  redeem(account, coupon);
  return {
    id: newId('di'),
    couponId,
    start: now,
    end: coupon.duration === 'repeating' && coupon.durationInMonths !== null ? addMonths(now, coupon.durationInMonths) : null,
  };
}

/** Calendar months in UTC, as Stripe ends a repeating discount. */
function addMonths(unixSeconds: number, months: number): number {
  const date = new Date(unixSeconds * 1000);
  date.setUTCMonth(date.getUTCMonth() + months);
  return Math.floor(date.getTime() / 1000);
}

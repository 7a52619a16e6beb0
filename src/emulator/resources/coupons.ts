// Coupons: create, retrieve, list. A customer's discount (resources/customers) redeems one.
import type Stripe from 'stripe';
import { defineStore, type Account } from '../account.js';
import type { RequestContext, ResourceModule } from '../context.js';
import { Collection, type Listed } from '../list/collection.js';
import { listPage, readListQuery } from '../list/list-request.js';
import { newId } from '../ids.js';
import { exclusiveParameters, invalidValue, missingParameter, resourceAlreadyExists, resourceMissing } from '../wire/errors.js';
import { applyMetadata } from '../wire/params.js';

export interface CouponRecord extends Listed {
  readonly amountOff: number | null;
  readonly currency: string | null;
  readonly duration: Stripe.Coupon.Duration;
  readonly durationInMonths: number | null;
  readonly maxRedemptions: number | null;
  readonly metadata: Readonly<Record<string, string>>;
  readonly name: string | null;
  readonly percentOff: number | null;
  readonly redeemBy: number | null;
  readonly timesRedeemed: number;
}

export const couponStore = defineStore('coupons', () => new Collection<CouponRecord>());

export function renderCoupon(c: CouponRecord): Stripe.Coupon {
  return {
    id: c.id,
    object: 'coupon',
    amount_off: c.amountOff,
    created: c.created,
    currency: c.currency,
    duration: c.duration,
    duration_in_months: c.durationInMonths,
    livemode: false,
    max_redemptions: c.maxRedemptions,
    metadata: { ...c.metadata },
    name: c.name,
    percent_off: c.percentOff,
    redeem_by: c.redeemBy,
    times_redeemed: c.timesRedeemed,
    // Rendering has no clock, so `valid` reflects max_redemptions only; redeeming checks redeem_by too.
    valid: c.maxRedemptions === null || c.timesRedeemed < c.maxRedemptions,
  };
}

/** A coupon can be redeemed until `redeem_by` passes or `max_redemptions` is reached. */
export function isValid(c: CouponRecord, now: number): boolean {
  if (c.redeemBy !== null && now > c.redeemBy) return false;
  return c.maxRedemptions === null || c.timesRedeemed < c.maxRedemptions;
}

/** Counts one redemption; the caller has checked isValid. */
export function redeem(account: Account, coupon: CouponRecord): CouponRecord {
  const next = { ...coupon, timesRedeemed: coupon.timesRedeemed + 1 };
  account.store(couponStore).replace(next);
  return next;
}

const DURATIONS = ['forever', 'once', 'repeating'] as const;

function create(ctx: RequestContext): Stripe.Coupon {
  const p = ctx.params;
  const id = p.nonEmptyString('id');
  const percentOff = p.decimal('percent_off', { min: 0, max: 100 });
  const amountOff = p.integer('amount_off', { min: 1 });
  const currency = p.nonEmptyString('currency')?.toLowerCase();
  const duration = p.oneOf('duration', DURATIONS) ?? 'once';
  const durationInMonths = p.integer('duration_in_months', { min: 1 });
  const maxRedemptions = p.integer('max_redemptions', { min: 1 });
  const redeemBy = p.integer('redeem_by');
  const name = p.string('name', { maxChars: 40 });
  const metadata = p.metadata();
  p.finish();
  if (percentOff !== undefined && amountOff !== undefined) throw exclusiveParameters(['amount_off', 'percent_off']);
  if (percentOff === undefined && amountOff === undefined) throw missingParameter('percent_off');
  if (amountOff !== undefined && currency === undefined) throw missingParameter('currency');
  if (duration === 'repeating' && durationInMonths === undefined) throw missingParameter('duration_in_months');
  if (duration !== 'repeating' && durationInMonths !== undefined) {
    throw invalidValue('duration_in_months', "You may only specify duration_in_months when duration is 'repeating'.");
  }
  const store = ctx.account.store(couponStore);
  if (id !== undefined && store.get(id) !== undefined) throw resourceAlreadyExists('Coupon');
  const coupon: CouponRecord = {
    // Stripe gives coupons without an id an 8-character random one, without a prefix.
    id: id ?? newId('x').slice(2, 10),
    created: ctx.now,
    seq: ctx.account.nextSeq(),
    amountOff: amountOff ?? null,
    currency: amountOff === undefined ? null : (currency ?? null),
    duration,
    durationInMonths: durationInMonths ?? null,
    maxRedemptions: maxRedemptions ?? null,
    metadata: applyMetadata({}, metadata),
    name: name || null,
    percentOff: percentOff ?? null,
    redeemBy: redeemBy ?? null,
    timesRedeemed: 0,
  };
  store.insert(coupon);
  ctx.emit('coupon.created', coupon, renderCoupon);
  return renderCoupon(coupon);
}

function retrieve(ctx: RequestContext): Stripe.Coupon {
  ctx.params.finish();
  const coupon = ctx.account.store(couponStore).get(ctx.path.id!);
  if (coupon === undefined) throw resourceMissing('coupon', ctx.path.id!);
  return renderCoupon(coupon);
}

function list(ctx: RequestContext): object {
  const query = readListQuery(ctx.params);
  ctx.params.finish();
  const store = ctx.account.store(couponStore);
  return listPage('/v1/coupons', query, { collection: store, keyOf: (id) => store.keyOf(id), objectName: 'coupon' }, renderCoupon);
}

export const coupons: ResourceModule = {
  routes: [
    { method: 'POST', path: '/v1/coupons', permission: 'coupon', handler: create },
    { method: 'GET', path: '/v1/coupons', permission: 'coupon', handler: list },
    { method: 'GET', path: '/v1/coupons/:id', permission: 'coupon', handler: retrieve },
  ],
  expanders: [
    {
      prefix: '',
      fields: ['coupon'],
      retrieve: (account, id) => {
        const coupon = account.store(couponStore).get(id);
        return coupon === undefined ? undefined : renderCoupon(coupon);
      },
    },
  ],
};

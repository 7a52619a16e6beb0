// What a trigger's mapping needs beyond an event's payload (TriggerDefinition.relatedCouponIds),
// read before the ingest's transaction opens so that no Stripe call is made while it holds the
// store. Coupons go through the CouponCache: a burst of customers with one coupon is one GET.
// A coupon that cannot be read (Stripe failing after retries, a key without coupon access) is
// left out and logged: the customer is still delivered, its coupon with the id and the rest null,
// because holding back or losing a customer over its coupon's name would be worse.
import type Stripe from 'stripe';
import type { RelatedObjects, TriggerDefinition } from '../connector/define.js';
import { readCoupon } from '../connector/customer-coupon.js';
import { triggers as registeredTriggers } from '../connector/triggers/index.js';
import type { Logger } from '../log.js';
import { CouponCache } from './coupon-cache.js';
import { objectsAnnounced } from './webhook-ingest.js';

export interface RelatedObjectReaderOptions {
  /** The connection's Stripe client; undefined when the connection is gone. Asked only on a cache miss. */
  stripeFor(connectionId: string): Promise<Stripe | undefined>;
  /** Default: a new CouponCache with its defaults (5 min, 1,000 entries). */
  coupons?: CouponCache;
  /** Default: every registered trigger. */
  triggers?: readonly TriggerDefinition[];
  logger?: Logger;
}

export class RelatedObjectReader {
  private readonly coupons: CouponCache;

  constructor(private readonly options: RelatedObjectReaderOptions) {
    this.coupons = options.coupons ?? new CouponCache();
  }

  /**
   * What the triggers' maps need for these events of one connection; undefined when they need
   * nothing. `stripe`: the connection's client when the caller has it. Never rejects.
   */
  async forEvents(connectionId: string, events: readonly Stripe.Event[], stripe?: Stripe): Promise<RelatedObjects | undefined> {
    const triggers = this.options.triggers ?? registeredTriggers;
    const couponIds = new Set<string>();
    for (const event of events) {
      for (const { trigger, object } of objectsAnnounced(event, triggers)) {
        for (const id of trigger.relatedCouponIds?.(object) ?? []) couponIds.add(id);
      }
    }
    if (couponIds.size === 0) return undefined;

    let client: Promise<Stripe | undefined> | undefined = stripe ? Promise.resolve(stripe) : undefined;
    const read = async (id: string): Promise<Stripe.Coupon | undefined> => {
      client ??= this.options.stripeFor(connectionId);
      const connected = await client;
      return connected === undefined ? undefined : readCoupon(connected, id);
    };
    const coupons = new Map<string, Stripe.Coupon>();
    await Promise.all(
      [...couponIds].map(async (id) => {
        try {
          const coupon = await this.coupons.get(connectionId, id, () => read(id));
          if (coupon !== undefined) coupons.set(id, coupon);
        } catch (error) {
          this.options.logger?.warn({ err: error, connectionId, coupon: id }, "a customer's coupon could not be read; the customer is delivered with the coupon's id only");
        }
      }),
    );
    return { coupons };
  }

  /** forEvents for one event. */
  forEvent(connectionId: string, event: Stripe.Event): Promise<RelatedObjects | undefined> {
    return this.forEvents(connectionId, [event]);
  }
}

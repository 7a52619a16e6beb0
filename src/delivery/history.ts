// A subscription's delivery history and replay (GET /api/subscriptions/{id}/deliveries, POST
// /api/deliveries/{id}/retry). Another user's delivery is a 404, like an unknown id: ids are not a
// secret, ownership is.
import { notFound } from '../errors.js';
import type { Store } from '../store/database.js';
import { findDeliveryCursor, findDeliveryOfUser, listDeliveryPage, type DeliveryCursor, type DeliveryHistoryFilter, type DeliveryPage } from '../store/deliveries/history.js';
import { replayDelivery } from '../store/deliveries/replay.js';
import type { DeliveryRow } from '../store/schema.js';

export interface DeliveryHistoryOptions {
  db: Store;
  /** Clock for replays, ms since the epoch. Default Date.now. */
  nowMs?: () => number;
}

/** `subscription` is always the caller's, from SubscriptionService.get: that is the ownership check. */
export class DeliveryHistory {
  private readonly replayed: (() => void)[] = [];

  constructor(private readonly options: DeliveryHistoryOptions) {}

  /** Called once a delivery was made due again, e.g. to wake the delivery worker. */
  onReplayed(listener: () => void): void {
    this.replayed.push(listener);
  }

  /** Where a delivery sits in page()'s order; undefined when it is not one of the subscription's. */
  async cursor(subscription: { id: string }, deliveryId: string): Promise<DeliveryCursor | undefined> {
    return findDeliveryCursor(this.options.db, subscription.id, deliveryId);
  }

  /** A page of the subscription's deliveries, newest first, each with its attempts. */
  async page(subscription: { id: string }, filter: Omit<DeliveryHistoryFilter, 'subscriptionId'> = {}): Promise<DeliveryPage> {
    return listDeliveryPage(this.options.db, { ...filter, subscriptionId: subscription.id });
  }

  /** Makes the caller's delivery due now with a fresh retry window (src/store/deliveries/replay.ts); returns it as queued. */
  async replay(userId: string, deliveryId: string): Promise<DeliveryRow> {
    const owned = await findDeliveryOfUser(this.options.db, userId, deliveryId);
    if (!owned) throw notFound('delivery', deliveryId);
    const delivery = await replayDelivery(this.options.db, owned, (this.options.nowMs ?? Date.now)());
    if (!delivery) throw notFound('delivery', deliveryId);
    for (const listener of this.replayed) listener();
    return delivery;
  }
}

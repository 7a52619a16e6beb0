// The caller's deliveries across their subscriptions (GET /api/deliveries and
// /api/deliveries/{id}): filtered (src/delivery/delivery-filter.ts), newest first, a page at a time.
// Lists leave out each delivery's attempts; one delivery carries them all.
import { invalidInput, notFound } from '../errors.js';
import type { Store } from '../store/database.js';
import {
  attemptsOfDelivery,
  findDeliveryOfUserWithSubscription,
  listDeliveriesOfSubscriptions,
} from '../store/deliveries/of-user.js';
import { resolveDeliveryFilter, type DeliveryFilterInput } from './delivery-filter.js';
import { toUserDeliveryView, type UserDeliveryView } from './delivery-view.js';

export interface DeliveryListRequest extends DeliveryFilterInput {
  limit?: number | undefined;
  /** A delivery id of the caller's: the page starts after it. */
  startingAfter?: string | undefined;
}

export class UserDeliveries {
  constructor(private readonly db: Store) {}

  async list(userId: string, request: DeliveryListRequest): Promise<{ data: UserDeliveryView[]; hasMore: boolean }> {
    const filter = await resolveDeliveryFilter(this.db, userId, request, 'query');
    let startingAfter;
    if (request.startingAfter !== undefined) {
      startingAfter = (await findDeliveryOfUserWithSubscription(this.db, userId, request.startingAfter))?.delivery;
      if (!startingAfter) throw invalidInput([{ field: 'query.startingAfter', message: 'is not one of your deliveries' }]);
    }
    const bySubscription = new Map(filter.subscriptions.map((s) => [s.id, s]));
    const page = await listDeliveriesOfSubscriptions(this.db, [...bySubscription.keys()], { ...filter.range, limit: request.limit, startingAfter });
    return { data: page.deliveries.map((row) => toUserDeliveryView(row, bySubscription.get(row.subscription_id)!)), hasMore: page.hasMore };
  }

  /** One of the caller's deliveries with every attempt; another user's is a 404 like an unknown id. */
  async get(userId: string, deliveryId: string): Promise<UserDeliveryView> {
    const found = await findDeliveryOfUserWithSubscription(this.db, userId, deliveryId);
    if (!found) throw notFound('delivery', deliveryId);
    return toUserDeliveryView(found.delivery, found.subscription, await attemptsOfDelivery(this.db, deliveryId));
  }
}

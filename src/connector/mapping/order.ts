// Legacy Order (API 2020-08-27; Stripe has since retired /v1/orders) → the documented shape of
// orderAdded. The stripe SDK no longer has an orders resource, so the legacy object is typed here
// with the fields this connector reads, and listed through the SDK's raw request.
import { Type, type Static } from '@sinclair/typebox';
import type Stripe from 'stripe';
import { ConnectorError } from '../../errors.js';
import type { TriggerListPage, TriggerListParams } from '../define.js';
import { nullable } from '../../nullable.js';
import { idOf } from './expandable.js';
import { toIsoTime } from '../../time.js';

export const ORDER_STATUSES = ['created', 'paid', 'canceled', 'fulfilled', 'returned'] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

/** The Stripe-Version whose order shape the mapping reads: the last one that documented Orders. */
export const LEGACY_ORDERS_API_VERSION = '2020-08-27';

export interface LegacyOrder {
  id: string;
  object: 'order';
  amount: number;
  amount_returned: number | null;
  charge: string | { id: string } | null;
  created: number;
  currency: string;
  customer: string | { id: string } | null;
  email: string | null;
  selected_shipping_method: string | null;
  status: OrderStatus;
  updated: number | null;
}

export const OrderSchema = Type.Object(
  {
    id: Type.String(),
    amount: Type.Integer({ description: 'In the currency’s smallest unit.' }),
    amount_returned: nullable(Type.Integer()),
    charge: nullable(Type.String()),
    created: Type.String({ format: 'date-time' }),
    currency: Type.String(),
    customer: nullable(Type.String()),
    email: nullable(Type.String()),
    selected_shipping_method: nullable(Type.String()),
    status: Type.Union(ORDER_STATUSES.map((status) => Type.Literal(status))),
    updated: nullable(Type.String({ format: 'date-time' })),
  },
  { title: 'Order', additionalProperties: false },
);

export type OrderResponse = Static<typeof OrderSchema>;

export function toOrderResponse(order: LegacyOrder): OrderResponse {
  return {
    id: order.id,
    amount: order.amount,
    amount_returned: order.amount_returned ?? null,
    charge: idOf(order.charge),
    created: toIsoTime(order.created),
    currency: order.currency,
    customer: idOf(order.customer),
    email: order.email ?? null,
    selected_shipping_method: order.selected_shipping_method ?? null,
    status: order.status,
    updated: order.updated === null || order.updated === undefined ? null : toIsoTime(order.updated),
  };
}

/**
 * GET /v1/orders through the SDK's raw request (same client, key, base URL and retries as every
 * other call). Stripe answers a retired URL with 404 "Unrecognized request URL"; that becomes a
 * clear `stripe_orders_retired` error instead of a generic Stripe failure.
 */
export async function listLegacyOrders(
  stripe: Stripe,
  params: TriggerListParams,
): Promise<TriggerListPage<LegacyOrder>> {
  const query = new URLSearchParams({ 'created[gte]': String(params.createdGte), limit: String(params.limit) });
  // The 2020-08-27 Orders list takes `created` as a range like every list (gt/gte/lt/lte).
  if (params.createdLt !== undefined) query.set('created[lt]', String(params.createdLt));
  if (params.startingAfter !== undefined) query.set('starting_after', params.startingAfter);
  try {
    const page = (await stripe.rawRequest('GET', `/v1/orders?${query.toString()}`, undefined, {
      apiVersion: LEGACY_ORDERS_API_VERSION,
    })) as TriggerListPage<LegacyOrder>;
    return { data: page.data, has_more: page.has_more };
  } catch (error) {
    if (isRetiredOrdersAnswer(error)) throw ordersRetired();
    throw error;
  }
}

function isRetiredOrdersAnswer(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { statusCode, message } = error as { statusCode?: unknown; message?: unknown };
  return statusCode === 404 && typeof message === 'string' && /unrecognized request url/i.test(message);
}

export function ordersRetired(): ConnectorError {
  return new ConnectorError(
    400,
    'stripe_orders_retired',
    'Stripe retired its Orders API: this account answers that /v1/orders does not exist, so orderAdded cannot watch it. ' +
      'Use chargeAdded or invoiceItemAdded to follow payments instead.',
  );
}

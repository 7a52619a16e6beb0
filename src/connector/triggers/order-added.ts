import { defineTrigger } from '../define.js';
import { OrderSchema, listLegacyOrders, toOrderResponse, type LegacyOrder } from '../mapping/order.js';

export const orderAdded = defineTrigger({
  name: 'orderAdded',
  title: 'When an order is added',
  description:
    'Fires once for every new order of Stripe’s legacy Orders API (shape of API 2020-08-27). ' +
    'Stripe has retired that API: where it answers that /v1/orders does not exist, subscribing fails with stripe_orders_retired.',
  output: OrderSchema,
  objectType: 'order',
  eventTypes: ['order.created'],
  listPage: listLegacyOrders,
  createdOf: (order: LegacyOrder) => order.created,
  map: toOrderResponse,
});

import type Stripe from 'stripe';
import { defineTrigger } from '../define.js';
import { listByCreated } from './list-by-created.js';
import { couponExpansion, unresolvedCouponId } from '../customer-coupon.js';
import { toCustomerResponse } from '../mapping/customer.js';
import { CustomerResponseSchema } from '../schemas/customer.js';
import { apiVersionOf } from '../../stripe/client.js';

export const customerAdded = defineTrigger({
  name: 'customerAdded',
  title: 'When a customer is added',
  description: 'Fires once for every new customer.',
  output: CustomerResponseSchema,
  objectType: 'customer',
  eventTypes: ['customer.created'],
  // The coupon comes whole with the list: no Stripe call per customer (customer-coupon.ts).
  listPage: listByCreated(
    (stripe) => stripe.customers,
    (stripe) => {
      const expansion = couponExpansion(apiVersionOf(stripe));
      return expansion === undefined ? [] : [expansion];
    },
  ),
  createdOf: (customer: Stripe.Customer) => customer.created,
  relatedCouponIds: (customer: Stripe.Customer) => {
    const id = unresolvedCouponId(customer);
    return id === undefined ? [] : [id];
  },
  // The same mapping as getCustomer, so both give the same coupon.
  map: (customer: Stripe.Customer, related) => {
    const id = unresolvedCouponId(customer);
    return toCustomerResponse(customer, id === undefined ? undefined : related?.coupons.get(id));
  },
});

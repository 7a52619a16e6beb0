import { Type } from '@sinclair/typebox';
import { defineAction } from '../define.js';
import { fetchDiscountCoupon } from '../customer-coupon.js';
import { toCustomerResponse } from '../mapping/customer.js';
import { CustomerId } from '../schemas/customer-input.js';
import { CustomerResponseSchema } from '../schemas/customer.js';
import { notFound } from '../../errors.js';

export const getCustomer = defineAction({
  name: 'getCustomer',
  title: 'Get customer',
  description: 'Reads one Stripe customer by id.',
  input: Type.Object({ id: CustomerId }, { additionalProperties: false }),
  output: CustomerResponseSchema,
  subject: 'customer',
  async run({ stripe }, input) {
    const customer = await stripe.customers.retrieve(input.id);
    // Stripe answers a deleted customer with 200 and a {id, deleted: true} stub; to the user
    // the customer is gone, as documented (an unknown or deleted customer is a 404).
    if (customer.deleted) throw notFound('customer', input.id);
    return toCustomerResponse(customer, await fetchDiscountCoupon(stripe, customer));
  },
});

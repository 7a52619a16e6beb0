import { Type } from '@sinclair/typebox';
import type Stripe from 'stripe';
import { defineAction } from '../define.js';
import { fetchDiscountCoupon } from '../customer-coupon.js';
import { toCustomerResponse } from '../mapping/customer.js';
import { CustomerDescription, CustomerEmail, CustomerId } from '../schemas/customer-input.js';
import { CustomerResponseSchema } from '../schemas/customer.js';

export const updateCustomer = defineAction({
  name: 'updateCustomer',
  title: 'Update customer',
  description: 'Changes a Stripe customer. An empty string unsets a field; an absent field is left alone.',
  input: Type.Object(
    { id: CustomerId, description: Type.Optional(CustomerDescription), email: Type.Optional(CustomerEmail) },
    { additionalProperties: false },
  ),
  output: CustomerResponseSchema,
  subject: 'customer',
  async run({ stripe, idempotencyKey }, input) {
    // Passed through as given: Stripe itself reads "" as "unset" and leaves absent fields alone.
    const params: Stripe.CustomerUpdateParams = {};
    if (input.description !== undefined) params.description = input.description;
    if (input.email !== undefined) params.email = input.email;
    const customer = await stripe.customers.update(input.id, params, { idempotencyKey });
    return toCustomerResponse(customer, await fetchDiscountCoupon(stripe, customer));
  },
});

import { Type } from '@sinclair/typebox';
import { defineAction } from '../define.js';
import { toCustomerResponse } from '../mapping/customer.js';
import { CustomerDescription, CustomerEmail } from '../schemas/customer-input.js';
import { CustomerResponseSchema } from '../schemas/customer.js';

export const createCustomer = defineAction({
  name: 'createCustomer',
  title: 'Create customer',
  description: 'Creates a Stripe customer.',
  input: Type.Object(
    { description: Type.Optional(CustomerDescription), email: Type.Optional(CustomerEmail) },
    { additionalProperties: false },
  ),
  output: CustomerResponseSchema,
  subject: 'customer',
  async run({ stripe, idempotencyKey }, input) {
    // Empty strings are left out: a new customer has nothing to unset.
    const customer = await stripe.customers.create(
      {
        ...(input.description ? { description: input.description } : {}),
        ...(input.email ? { email: input.email } : {}),
      },
      { idempotencyKey },
    );
    return toCustomerResponse(customer);
  },
});

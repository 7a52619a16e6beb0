import type Stripe from 'stripe';
import { defineTrigger } from '../define.js';
import { listByCreated } from './list-by-created.js';
import { toCustomerResponse } from '../mapping/customer.js';
import { CustomerResponseSchema } from '../schemas/customer.js';

export const customerAdded = defineTrigger({
  name: 'customerAdded',
  title: 'When a customer is added',
  description: 'Fires once for every new customer.',
  output: CustomerResponseSchema,
  objectType: 'customer',
  eventTypes: ['customer.created'],
  listPage: listByCreated((stripe) => stripe.customers),
  createdOf: (customer: Stripe.Customer) => customer.created,
  // The same mapping as getCustomer. Today's API gives a discount's coupon as a bare id; the event
  // carries that id (the coupon's other fields null) rather than spend a Stripe call per customer.
  map: (customer: Stripe.Customer) => toCustomerResponse(customer),
});

import type Stripe from 'stripe';
import { defineTrigger } from '../define.js';
import { listByCreated } from './list-by-created.js';
import { ChargeSchema, toChargeResponse } from '../mapping/charge.js';

export const chargeAdded = defineTrigger({
  name: 'chargeAdded',
  title: 'When a charge is added',
  description: 'Fires once for every new charge, whatever its outcome (pending, succeeded or failed).',
  output: ChargeSchema,
  objectType: 'charge',
  // A charge announces itself with the first of these, depending on how it went; later ones are
  // status changes of the same charge, so the outbox's (subscription, object id) key keeps one.
  eventTypes: ['charge.pending', 'charge.succeeded', 'charge.failed'],
  listPage: listByCreated((stripe) => stripe.charges),
  createdOf: (charge: Stripe.Charge) => charge.created,
  map: toChargeResponse,
});

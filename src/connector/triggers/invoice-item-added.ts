import type Stripe from 'stripe';
import { defineTrigger } from '../define.js';
import { listByCreated } from './list-by-created.js';
import { InvoiceItemSchema, toInvoiceItemResponse } from '../mapping/invoice-item.js';

export const invoiceItemAdded = defineTrigger({
  name: 'invoiceItemAdded',
  title: 'When an invoice item is added',
  description: 'Fires once for every new invoice item.',
  output: InvoiceItemSchema,
  objectType: 'invoiceitem',
  eventTypes: ['invoiceitem.created'],
  listPage: listByCreated((stripe) => stripe.invoiceItems),
  // An invoice item's creation time is its `date`; the list's `created` filter applies to it.
  createdOf: (item: Stripe.InvoiceItem) => item.date,
  map: toInvoiceItemResponse,
});

// Invoice item → the documented shape of invoiceItemAdded (docs/field-mapping.md).
// Today's API moved `subscription` under `parent.subscription_details.subscription`
// (2025-03-31.basil); an older Stripe-Version still sends it at the top level, read as a fallback.
import { Type, type Static } from '@sinclair/typebox';
import type Stripe from 'stripe';
import { nullable } from '../../nullable.js';
import { idOf } from './expandable.js';
import { toIsoTime } from '../../time.js';

export const InvoiceItemSchema = Type.Object(
  {
    id: Type.String(),
    amount: Type.Integer({ description: 'In the currency’s smallest unit.' }),
    currency: Type.String(),
    customer: nullable(Type.String()),
    date: Type.String({ format: 'date-time' }),
    description: nullable(Type.String()),
    discountable: Type.Boolean(),
    invoice: nullable(Type.String()),
    proration: Type.Boolean(),
    quantity: Type.Integer(),
    subscription: nullable(Type.String()),
  },
  { title: 'Invoice_Item', additionalProperties: false },
);

export type InvoiceItemResponse = Static<typeof InvoiceItemSchema>;

interface LegacyInvoiceItemFields {
  subscription?: string | { id: string } | null;
}

export function toInvoiceItemResponse(item: Stripe.InvoiceItem): InvoiceItemResponse {
  const legacy = item as Stripe.InvoiceItem & LegacyInvoiceItemFields;
  return {
    id: item.id,
    amount: item.amount,
    currency: item.currency,
    customer: idOf(item.customer),
    date: toIsoTime(item.date),
    description: item.description ?? null,
    discountable: item.discountable,
    invoice: idOf(item.invoice),
    proration: item.proration,
    quantity: item.quantity,
    subscription: item.parent?.subscription_details?.subscription ?? idOf(legacy.subscription),
  };
}

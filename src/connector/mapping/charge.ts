// Charge → the documented Charge shape of chargeAdded (docs/field-mapping.md).
// Today's API (the version the stripe SDK pins) no longer has `invoice` (dropped in 2025-03-31.basil,
// where a charge reaches its invoice through invoice payments) nor `order` (the Orders API is
// retired). Both are read when an older Stripe-Version still sends them and are null otherwise.
import { Type, type Static } from '@sinclair/typebox';
import type Stripe from 'stripe';
import { nullable } from '../../nullable.js';
import { idOf } from './expandable.js';
import { toIsoTime } from '../../time.js';

export const ChargeOutcomeSchema = Type.Object(
  {
    network_status: nullable(Type.String()),
    reason: nullable(Type.String()),
    risk_level: nullable(Type.String()),
    seller_message: nullable(Type.String()),
    type: nullable(Type.String()),
  },
  { title: 'Charge_Outcome', additionalProperties: false },
);

export const ChargeSchema = Type.Object(
  {
    id: Type.String(),
    amount: Type.Integer({ description: 'In the currency’s smallest unit.' }),
    amount_refunded: Type.Integer(),
    captured: Type.Boolean(),
    created: Type.String({ format: 'date-time' }),
    currency: Type.String(),
    customer: nullable(Type.String()),
    description: nullable(Type.String()),
    failure_code: nullable(Type.String()),
    failure_message: nullable(Type.String()),
    invoice: nullable(Type.String()),
    order: nullable(Type.String()),
    outcome: nullable(ChargeOutcomeSchema),
    paid: Type.Boolean(),
    receipt_email: nullable(Type.String()),
    receipt_number: nullable(Type.String()),
    refunded: Type.Boolean(),
    statement_descriptor: nullable(Type.String()),
    status: Type.String({ description: 'succeeded, pending or failed' }),
  },
  { title: 'Charge', additionalProperties: false },
);

export type ChargeResponse = Static<typeof ChargeSchema>;

/** Fields older API versions put on a charge and today's types no longer declare. */
interface LegacyChargeFields {
  invoice?: string | { id: string } | null;
  order?: string | { id: string } | null;
}

export function toChargeResponse(charge: Stripe.Charge): ChargeResponse {
  const legacy = charge as Stripe.Charge & LegacyChargeFields;
  const outcome = charge.outcome;
  return {
    id: charge.id,
    amount: charge.amount,
    amount_refunded: charge.amount_refunded,
    captured: charge.captured,
    created: toIsoTime(charge.created),
    currency: charge.currency,
    customer: idOf(charge.customer),
    description: charge.description ?? null,
    failure_code: charge.failure_code ?? null,
    failure_message: charge.failure_message ?? null,
    invoice: idOf(legacy.invoice),
    order: idOf(legacy.order),
    outcome: outcome
      ? {
          network_status: outcome.network_status ?? null,
          reason: outcome.reason ?? null,
          risk_level: outcome.risk_level ?? null,
          seller_message: outcome.seller_message ?? null,
          type: outcome.type ?? null,
        }
      : null,
    paid: charge.paid,
    receipt_email: charge.receipt_email ?? null,
    receipt_number: charge.receipt_number ?? null,
    refunded: charge.refunded,
    statement_descriptor: charge.statement_descriptor ?? null,
    status: charge.status,
  };
}

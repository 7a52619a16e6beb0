// A connector operation is declared, not programmed: a typed object with its input and output
// JSON Schemas (TypeBox, so one schema serves validation, GET /api/operations and /openapi.json)
// and a small run function. connector/ knows nothing of http/, store/ or cli/.
import type { Static, TSchema } from '@sinclair/typebox';
import type Stripe from 'stripe';

export interface ActionContext {
  /** The Stripe client for the caller's connection, built in src/stripe/ (the one place). */
  stripe: Stripe;
  /**
   * Idempotency-Key for this call's Stripe write(s): derived from the client's own
   * Idempotency-Key header scoped to the connection, or fresh per call when the client sent none.
   * An action with several writes suffixes it per step (`${key}:step`).
   */
  idempotencyKey: string;
}

export interface ActionDefinition<I extends TSchema = TSchema, O extends TSchema = TSchema> {
  kind: 'action';
  /** The operation name in the user's words, as in the original connector: createCustomer … */
  name: string;
  title: string;
  description: string;
  input: I;
  output: O;
  run(ctx: ActionContext, input: Static<I>): Promise<Static<O>>;
}

export function defineAction<I extends TSchema, O extends TSchema>(
  definition: Omit<ActionDefinition<I, O>, 'kind'>,
): ActionDefinition<I, O> {
  return { kind: 'action', ...definition };
}

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
  /**
   * The Stripe object the action addresses ("customer", "product"), so that Stripe's answer that
   * it is missing or taken is told in the user's words: `No customer with id "cus_…"`, `A product
   * with id "…" already exists`. Its id is the input's `id` when the input has one; without one,
   * Stripe's own message is passed on. Default: none. The action service applies it
   * (src/action-calls/failure.ts); `run` lets Stripe's errors through unchanged.
   */
  subject?: string;
  /**
   * A method, not a function-typed property, on purpose: its parameter is then compared
   * bivariantly, so a registry typed `ActionDefinition[]` (input: unknown) holds actions with
   * specific inputs. Sound here because the action service calls `run` only with input that has
   * passed `input`'s validation.
   */
  run(ctx: ActionContext, input: Static<I>): Promise<Static<O>>;
}

export function defineAction<I extends TSchema, O extends TSchema>(
  definition: Omit<ActionDefinition<I, O>, 'kind'>,
): ActionDefinition<I, O> {
  return { kind: 'action', ...definition };
}

/** The window a poll lists: objects created at or after `createdGte` (and before `createdLt` when
 *  given), newest first as Stripe lists. */
export interface TriggerListParams {
  /** Unix seconds; sent as `created[gte]`. */
  createdGte: number;
  /** Unix seconds; sent as `created[lt]`. Default: no upper bound. A backlog's slices use it. */
  createdLt?: number;
  /** The last id of the previous page, for the next (older) page. */
  startingAfter?: string;
  /** Page size, 1–100 (Stripe's list limit). */
  limit: number;
}

/** One page of a Stripe list, as the list endpoints answer it. */
export interface TriggerListPage<T> {
  data: T[];
  has_more: boolean;
}

/**
 * A trigger is declared like an action: what it watches, which Stripe events mean "a new one", how
 * to list new ones when polling, and how to turn one Stripe object into the documented shape.
 * The pollers, webhook ingest and outbox (src/trigger-sources/, src/delivery/) do the rest.
 */
/** A listed Stripe object: every one has an id. */
export interface StripeObjectRef {
  id: string;
}

export interface TriggerDefinition<O extends TSchema = TSchema, T extends StripeObjectRef = StripeObjectRef> {
  kind: 'trigger';
  /** The trigger name in the user's words, as in the original connector: chargeAdded … */
  name: string;
  title: string;
  description: string;
  /** The documented shape delivered in the event's `data`. */
  output: O;
  /** The Stripe object type watched (`object` field): charge, customer, invoiceitem, order. */
  objectType: string;
  /** Stripe event types that announce a new object; the first one per object fires the trigger. */
  eventTypes: readonly string[];
  listPage(stripe: Stripe, params: TriggerListParams): Promise<TriggerListPage<T>>;
  /** The object's creation time, unix seconds (invoice items call it `date`). */
  createdOf(object: T): number;
  /**
   * Coupons the documented shape needs that `object` names only by id: a webhook event's object
   * cannot be expanded, so the runtime reads these (cached per connection,
   * src/trigger-sources/coupon-cache.ts) and passes them to `map`. A listed object comes expanded
   * and names none. Default: none.
   */
  relatedCouponIds?(object: T): readonly string[];
  /** `related` holds what relatedCouponIds asked for and could be read; without it, ids map as ids. */
  map(object: T, related?: RelatedObjects): Static<O>;
}

/** Objects read for a trigger's mapping (TriggerDefinition.relatedCouponIds). */
export interface RelatedObjects {
  /** By id; a coupon that could not be read (deleted since) is absent. */
  coupons: ReadonlyMap<string, Stripe.Coupon>;
}

export function defineTrigger<O extends TSchema, T extends StripeObjectRef>(
  definition: Omit<TriggerDefinition<O, T>, 'kind'>,
): TriggerDefinition<O, T> {
  return { kind: 'trigger', ...definition };
}

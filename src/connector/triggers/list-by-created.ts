// The poll's list call of a trigger whose Stripe list filters on `created` (charges, customers,
// invoice items): the poll's window as created[gte] and, for a backlog's slice, created[lt]; newest
// first as Stripe lists; the next (older) page after `starting_after`. Orders, listed through the
// legacy API, have their own (src/connector/mapping/order.ts).
import type Stripe from 'stripe';
import type { StripeObjectRef, TriggerListPage, TriggerListParams } from '../define.js';

interface CreatedWindowListParams {
  created: Stripe.RangeQueryParam;
  limit: number;
  starting_after?: string;
  expand?: string[];
}

/** A Stripe resource with a list filtered by `created`, e.g. `stripe.charges`. */
interface ListableByCreated<T> {
  list(params: CreatedWindowListParams): PromiseLike<TriggerListPage<T>>;
}

/**
 * `expandOf` names fields of each listed object to expand (without the list's `data.` prefix),
 * for the client's connection; default none.
 */
export function listByCreated<T extends StripeObjectRef>(
  resourceOf: (stripe: Stripe) => ListableByCreated<T>,
  expandOf: (stripe: Stripe) => string[] = () => [],
): (stripe: Stripe, params: TriggerListParams) => Promise<TriggerListPage<T>> {
  return async (stripe, { createdGte, createdLt, startingAfter, limit }) => {
    const expand = expandOf(stripe).map((path) => `data.${path}`);
    return resourceOf(stripe).list({
      created: createdLt === undefined ? { gte: createdGte } : { gte: createdGte, lt: createdLt },
      limit,
      ...(startingAfter === undefined ? {} : { starting_after: startingAfter }),
      ...(expand.length === 0 ? {} : { expand }),
    });
  };
}

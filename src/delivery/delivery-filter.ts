// The one reading of a delivery filter (GET /api/deliveries, POST /api/deliveries/retry): status,
// connection, subscription, trigger, from (inclusive) and to (exclusive) on createdAt. Shapes are
// checked by the schemas (src/http/schemas.ts); here, what needs the store or two fields at once.
// A connection or subscription that is not the caller's is a 404, as on its own route: ids are not
// a secret, ownership is, and a filter that silently matched nothing would hide a typo.
import { findTrigger, triggers } from '../connector/triggers/index.js';
import { invalidInput, notFound, type FieldProblem } from '../errors.js';
import type { Store } from '../store/database.js';
import { findOwnedConnection } from '../store/connections.js';
import { subscriptionsInScope, type DeliveryRange, type SubscriptionOfDelivery } from '../store/deliveries/of-user.js';
import type { DeliveryStatus } from '../store/schema.js';

export interface DeliveryFilterInput {
  status?: DeliveryStatus | undefined;
  connection?: string | undefined;
  subscription?: string | undefined;
  trigger?: string | undefined;
  /** ISO 8601 with a zone (the schema's date-time). */
  from?: string | undefined;
  to?: string | undefined;
}

export interface ResolvedDeliveryFilter {
  /** The caller's subscriptions the filter names, each with its connection and trigger. */
  subscriptions: SubscriptionOfDelivery[];
  range: DeliveryRange;
}

/** `prefix`: 'query' or 'body', so a bad field is named where the caller sent it. */
export async function resolveDeliveryFilter(db: Store, userId: string, input: DeliveryFilterInput, prefix: 'query' | 'body'): Promise<ResolvedDeliveryFilter> {
  const problems: FieldProblem[] = [];
  if (input.trigger !== undefined && !findTrigger(input.trigger)) {
    problems.push({ field: `${prefix}.trigger`, message: `must be a trigger: ${triggers.map((t) => t.name).join(', ')}` });
  }
  // Stored times are toISOString()'s form, which sorts as text: the bounds are put in that form.
  const from = input.from === undefined ? undefined : new Date(input.from).toISOString();
  const to = input.to === undefined ? undefined : new Date(input.to).toISOString();
  if (from !== undefined && to !== undefined && from >= to) problems.push({ field: `${prefix}.to`, message: 'must be after from' });
  if (problems.length > 0) throw invalidInput(problems);
  if (input.connection !== undefined && !(await findOwnedConnection(db, userId, input.connection))) throw notFound('connection', input.connection);
  const subscriptions = await subscriptionsInScope(db, { userId, connectionId: input.connection, trigger: input.trigger, subscriptionId: input.subscription });
  if (input.subscription !== undefined && subscriptions.length === 0) {
    // Told apart from "exists but filtered out by connection or trigger": that is an empty answer.
    const own = await subscriptionsInScope(db, { userId, subscriptionId: input.subscription });
    if (own.length === 0) throw notFound('subscription', input.subscription);
  }
  return { subscriptions, range: { status: input.status, from, to } };
}

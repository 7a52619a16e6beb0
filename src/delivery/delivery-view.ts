// What the API shows of a delivery (GET /api/subscriptions/{id}/deliveries, POST
// /api/deliveries/{id}/retry): camelCase, ISO 8601 times, and nothing of the worker's claim
// bookkeeping (claim token, lease). The schema is published in /openapi.json; the function's
// return type is the schema's static type, so the two cannot drift apart.
import { Type, type Static } from '@sinclair/typebox';
import { nullable } from '../nullable.js';
import type { DeliveryAttemptRow, DeliveryRow } from '../store/schema.js';

const dateTime = (description?: string) => Type.String({ format: 'date-time', ...(description ? { description } : {}) });

export const DeliveryAttemptSchema = Type.Object({
  attempt: Type.Integer({ minimum: 1, description: '1 for the first attempt' }),
  startedAt: dateTime(),
  durationMs: Type.Integer({ minimum: 0 }),
  statusCode: nullable(Type.Integer({ description: "the subscriber's HTTP status; null when it did not answer" })),
  error: nullable(Type.String({ description: 'why the attempt failed; null when delivered' })),
  responseSnippet: nullable(Type.String({ description: "the start of the subscriber's answer" })),
});

export const DeliverySchema = Type.Object({
  id: Type.String({ description: 'the webhook-id and the body id the subscriber receives' }),
  subscription: Type.String(),
  event: Type.String({ description: 'the trigger event (one per Stripe object per connection and trigger)' }),
  stripeObjectId: Type.String(),
  objectCreated: dateTime("the Stripe object's creation time: the body's `created`"),
  status: Type.Union([Type.Literal('pending'), Type.Literal('delivered'), Type.Literal('failed')]),
  attempts: Type.Integer({ minimum: 0, description: 'attempts since it was enqueued or last replayed' }),
  nextAttemptAt: nullable(dateTime('when a pending delivery is due; null once delivered or failed')),
  firstAttemptAt: nullable(dateTime('start of the 24 h retry window')),
  lastStatusCode: nullable(Type.Integer()),
  lastError: nullable(Type.String()),
  deliveredAt: nullable(dateTime()),
  createdAt: dateTime(),
  attemptsHistory: Type.Optional(Type.Array(DeliveryAttemptSchema, { description: 'every attempt, oldest first, replays included' })),
});

export type DeliveryView = Static<typeof DeliverySchema>;
export type DeliveryAttemptView = Static<typeof DeliveryAttemptSchema>;

export function toDeliveryAttemptView(row: DeliveryAttemptRow): DeliveryAttemptView {
  return {
    attempt: row.attempt,
    startedAt: row.started_at,
    durationMs: row.duration_ms,
    statusCode: row.status_code,
    error: row.error,
    responseSnippet: row.response_snippet,
  };
}

/** `attempts`: the delivery's attempt rows, when the answer lists them. */
export function toDeliveryView(row: DeliveryRow, attempts?: readonly DeliveryAttemptRow[]): DeliveryView {
  return {
    id: row.id,
    subscription: row.subscription_id,
    event: row.event_id,
    stripeObjectId: row.stripe_object_id,
    objectCreated: row.object_created,
    status: row.status,
    attempts: row.attempts,
    // A delivered or failed delivery keeps its last due time in the row; it is due no more.
    nextAttemptAt: row.status === 'pending' ? row.next_attempt_at : null,
    firstAttemptAt: row.first_attempt_at,
    lastStatusCode: row.last_status_code,
    lastError: row.last_error,
    deliveredAt: row.delivered_at,
    createdAt: row.created_at,
    ...(attempts === undefined ? {} : { attemptsHistory: attempts.map(toDeliveryAttemptView) }),
  };
}

/** A delivery in the caller's lists across subscriptions (GET /api/deliveries…): with its connection and trigger. */
export const UserDeliverySchema = Type.Object({
  ...DeliverySchema.properties,
  connection: Type.String({ description: "the subscription's connection" }),
  trigger: Type.String({ description: "the subscription's trigger, e.g. customerAdded" }),
});

export type UserDeliveryView = Static<typeof UserDeliverySchema>;

export function toUserDeliveryView(
  row: DeliveryRow,
  subscription: { connection_id: string; trigger: string },
  attempts?: readonly DeliveryAttemptRow[],
): UserDeliveryView {
  return { ...toDeliveryView(row, attempts), connection: subscription.connection_id, trigger: subscription.trigger };
}

// The run history's two kinds of run (GET /api/runs, the run history: "actions and
// trigger deliveries"): an action call, as recorded by the action service, and one attempt to
// deliver a trigger event to a subscriber. Both carry id, kind, connection, operation, status,
// durationMs and createdAt, so a client can list them together and tell them apart by `kind`.
// The views' types are the schemas' static types, so the published shapes and what is sent cannot
// drift apart.
import { Type, type Static } from '@sinclair/typebox';
import type { RunRow } from '../store/schema.js';

const common = {
  id: Type.String(),
  connection: Type.String(),
  status: Type.Union([Type.Literal('succeeded'), Type.Literal('failed')]),
  durationMs: Type.Integer({ minimum: 0 }),
  createdAt: Type.String({ format: 'date-time', description: 'when the call or attempt started' }),
};

export const ActionRunSchema = Type.Object({
  ...common,
  kind: Type.Literal('action'),
  operation: Type.String({ description: 'the action, e.g. createCustomer' }),
  stripeRequestId: Type.Union([Type.String(), Type.Null()]),
  input: Type.Unknown({ description: 'secrets redacted' }),
  output: Type.Unknown({ description: "the action's output; null on failure" }),
  error: Type.Unknown({ description: '{status, code, message}; null on success' }),
});

export const DeliveryRunSchema = Type.Object({
  ...common,
  kind: Type.Literal('delivery'),
  operation: Type.String({ description: 'the trigger, e.g. customerAdded' }),
  subscription: Type.String(),
  delivery: Type.String({ description: 'the delivery (its id is the webhook-id the subscriber saw)' }),
  attempt: Type.Integer({ minimum: 1, description: "this attempt's number, 1 for the first" }),
  statusCode: Type.Union([Type.Integer(), Type.Null()], { description: "the subscriber's HTTP status; null when it did not answer" }),
  error: Type.Union([Type.String(), Type.Null()], { description: 'why the attempt failed; null when it succeeded' }),
});

export const RunSchema = Type.Union([ActionRunSchema, DeliveryRunSchema]);

export type ActionRunView = Static<typeof ActionRunSchema>;
export type DeliveryRunView = Static<typeof DeliveryRunSchema>;

/** An action run as the action service recorded it (the `runs` table), input, output and error parsed. */
export function toActionRunView(row: RunRow): ActionRunView {
  return {
    id: row.id,
    kind: 'action',
    connection: row.connection_id,
    operation: row.operation,
    status: row.status,
    durationMs: row.duration_ms,
    stripeRequestId: row.stripe_request_id,
    input: JSON.parse(row.input),
    output: row.output === null ? null : JSON.parse(row.output),
    error: row.error === null ? null : JSON.parse(row.error),
    createdAt: row.created_at,
  };
}

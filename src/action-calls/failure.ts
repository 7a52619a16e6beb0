// The one place an action's failure becomes its answer: whatever `run` threw, mapped once by
// src/stripe/errors.ts (401 → invalid_api_key, 404, 409, 502 with Stripe's request id, 504 on
// timeout; anything unexpected a 500 whose text is never shown), a missing or taken object named
// as the action declares it (ActionDefinition.subject).
import type { ActionDefinition } from '../connector/define.js';
import type { ConnectorError } from '../errors.js';
import { asConnectorError, type StripeSubject } from '../stripe/errors.js';

/** The object an action call addressed: the declared subject with the input's `id`, if both are there. */
export function subjectOf(action: ActionDefinition, input: unknown): StripeSubject | undefined {
  if (action.subject === undefined || typeof input !== 'object' || input === null || !('id' in input)) return undefined;
  const { id } = input;
  return typeof id === 'string' && id !== '' ? { what: action.subject, id } : undefined;
}

export function actionFailure(action: ActionDefinition, input: unknown, error: unknown): ConnectorError {
  return asConnectorError(error, subjectOf(action, input));
}

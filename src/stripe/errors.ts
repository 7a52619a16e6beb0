// Stripe's failures in the connector's words (README.md, "Using it": the error contract): the one
// module that reads a Stripe SDK error. Runs after the retry policy has given up, so a 429/5xx seen
// here is final. Messages are built here from Stripe's structured fields; Stripe's own text is
// passed on only where it names the caller's input, never for authentication failures (Stripe
// echoes part of the key there).
import Stripe from 'stripe';
import { ConnectorError, invalidInput, notFound } from '../errors.js';

/** The object an action was addressing, so a 404/409 can name it in the user's words. */
export interface StripeSubject {
  /** e.g. "customer", "product" */
  what: string;
  id: string;
}

/** Stripe parameters as the connector's input names them (caption lives in metadata). */
function inputFieldOf(param: string | undefined): string {
  if (!param) return 'input';
  if (param === 'metadata[caption]' || param === 'metadata') return 'caption';
  const bracket = param.indexOf('[');
  return bracket === -1 ? param : param.slice(0, bracket);
}

/** HTTP status of a Stripe SDK error, if any. */
export function stripeStatusOf(error: unknown): number | undefined {
  const status = (error as { statusCode?: unknown } | null)?.statusCode;
  return typeof status === 'number' ? status : undefined;
}

export function stripeRequestIdOf(error: unknown): string | undefined {
  return error instanceof Stripe.errors.StripeError ? error.requestId : undefined;
}

function isTimeout(error: InstanceType<typeof Stripe.errors.StripeError>): boolean {
  const detail = error.detail as { code?: unknown } | undefined;
  return detail?.code === Stripe.HttpClient.TIMEOUT_ERROR_CODE;
}

function requestIdClause(requestId: string | undefined): string {
  return requestId ? `Stripe request id ${requestId}` : 'no Stripe request id (no answer was received)';
}

export function toConnectorError(error: unknown, subject?: StripeSubject): ConnectorError {
  if (error instanceof ConnectorError) return error;
  if (!(error instanceof Stripe.errors.StripeError)) {
    return new ConnectorError(500, 'internal_error', 'Internal error');
  }
  const status = error.statusCode;
  const requestId = error.requestId;

  if (error instanceof Stripe.errors.StripeConnectionError) {
    if (isTimeout(error)) {
      return new ConnectorError(504, 'stripe_timeout', 'Stripe did not answer in time; the request may or may not have been applied — retry with the same Idempotency-Key');
    }
    return new ConnectorError(502, 'stripe_error', `Stripe could not be reached after retries (${requestIdClause(requestId)})`);
  }
  if (error instanceof Stripe.errors.StripeAuthenticationError || status === 401) {
    return new ConnectorError(400, 'invalid_api_key', "Stripe refused the connection's API key (401): replace the connection with a valid secret or restricted key");
  }
  if (error instanceof Stripe.errors.StripePermissionError || status === 403) {
    // A restricted key without the permission this operation needs: the caller's setup, not Stripe's failure.
    return new ConnectorError(400, 'invalid_api_key', "The connection's restricted key lacks a permission this operation needs (Stripe answered 403)");
  }
  if (error.code === 'resource_missing' || status === 404) {
    if (subject) return notFound(subject.what, subject.id);
    return new ConnectorError(404, 'not_found', error.message);
  }
  if (error.code === 'resource_already_exists') {
    const message = subject ? `A ${subject.what} with id "${subject.id}" already exists` : error.message;
    return new ConnectorError(409, 'conflict', message);
  }
  if (error instanceof Stripe.errors.StripeIdempotencyError || error.type === 'idempotency_error' || status === 409) {
    return new ConnectorError(409, 'conflict', 'This Idempotency-Key was already used with different input, or its first request is still running: use a new key for a different request');
  }
  // Card errors (402) cannot come from the five actions (none charges a card); should one reach
  // here it is the caller's input Stripe refused, so it is a 400 naming the parameter, not a 502.
  if (error instanceof Stripe.errors.StripeInvalidRequestError || error instanceof Stripe.errors.StripeCardError || status === 400 || status === 402) {
    return invalidInput([{ field: inputFieldOf(error.param), message: error.message }]);
  }
  const statusClause = status ? `HTTP ${status}` : 'an error';
  return new ConnectorError(502, 'stripe_error', `Stripe answered ${statusClause} after retries (${requestIdClause(requestId)})`);
}

/**
 * toConnectorError for an answer a user reads (an action's, a connection check's): anything that
 * is not a Stripe failure or a deliberate 4xx/502/504 is a 500 whose text is never shown, since it
 * could carry a key or a stack trace.
 */
export function asConnectorError(error: unknown, subject?: StripeSubject): ConnectorError {
  const mapped = toConnectorError(error, subject);
  if (mapped.status === 500) {
    return new ConnectorError(500, 'internal_error', 'The connector failed unexpectedly; see the server log');
  }
  return mapped;
}

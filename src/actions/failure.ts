// The one place an error escaping an action or a Stripe call becomes a ConnectorError. Stripe's
// own failures are mapped by src/stripe/errors.ts once it exists; until then anything that is not
// already a ConnectorError is a 500 whose text is never shown (it could carry a key or a trace).
import { ConnectorError } from '../errors.js';

export function asConnectorError(error: unknown): ConnectorError {
  if (error instanceof ConnectorError) return error;
  return new ConnectorError(500, 'internal_error', 'The connector failed unexpectedly; see the server log');
}

/** Stripe's request id (req_…) carried by an SDK error, if any. */
export function stripeRequestIdOf(error: unknown): string | undefined {
  const requestId = (error as { requestId?: unknown } | null)?.requestId;
  return typeof requestId === 'string' ? requestId : undefined;
}

/** HTTP status of a Stripe SDK error, if any. */
export function stripeStatusOf(error: unknown): number | undefined {
  const status = (error as { statusCode?: unknown } | null)?.statusCode;
  return typeof status === 'number' ? status : undefined;
}

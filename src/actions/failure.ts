// The one place an error escaping an action or a Stripe call becomes a ConnectorError: Stripe's
// failures through src/stripe/errors.ts (401 → invalid_api_key, 404, 409, 502 with Stripe's request
// id, 504 on timeout); anything else is a 500 whose text is never shown (it could carry a key or a
// stack trace).
import { ConnectorError } from '../errors.js';
import { toConnectorError } from '../stripe/errors.js';

export function asConnectorError(error: unknown): ConnectorError {
  const mapped = toConnectorError(error);
  if (mapped.status === 500) {
    return new ConnectorError(500, 'internal_error', 'The connector failed unexpectedly; see the server log');
  }
  return mapped;
}

/** HTTP status of a Stripe SDK error, if any. */
export function stripeStatusOf(error: unknown): number | undefined {
  const status = (error as { statusCode?: unknown } | null)?.statusCode;
  return typeof status === 'number' ? status : undefined;
}

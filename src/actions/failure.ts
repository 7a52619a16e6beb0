// The one place an error escaping an action or a Stripe call becomes a ConnectorError: Stripe's
// failures through src/stripe/errors.ts (401 → invalid_api_key, 404, 409, 502 with Stripe's request
// id, 504 on timeout); anything else is a 500 whose text is never shown (it could carry a key or a
// stack trace).
import { ConnectorError } from '../errors.js';
import { toConnectorError } from '../stripe/errors.js';
import { redactSecrets } from './redact.js';

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

/**
 * What a log line may say about an unexpected error: its type, code and message with secrets
 * redacted — never its stack (DESIGN.md: no stack trace in any response or log line) and never a
 * key that happened to be in its message.
 */
export function loggableError(error: unknown): { type: string; code?: string; message: string } {
  const type = error instanceof Error ? error.constructor.name : typeof error;
  const code = (error as { code?: unknown } | null)?.code;
  const message = error instanceof Error ? error.message : String(error);
  return {
    type,
    ...(typeof code === 'string' ? { code } : {}),
    message: (redactSecrets(message) as string).slice(0, 500),
  };
}

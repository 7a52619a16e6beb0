// Stripe's wire format for parameters: application/x-www-form-urlencoded with bracket nesting
// (`metadata[k]=v`, `images[0]=…`, `expand[]=…`), the same in POST bodies and GET query strings.
import qs from 'qs';
import { StripeApiError } from './errors.js';

/**
 * Limits, each refused with a 400 rather than silently cut (qs truncates by default):
 * arrays up to 100 items (Stripe's longest here: 100 expand paths, 25 order items), nesting 5
 * deep (items[0][parent] …), 1,000 parameters per request.
 */
const OPTIONS: qs.IParseOptions = {
  arrayLimit: 100,
  depth: 5,
  strictDepth: true,
  parameterLimit: 1000,
  throwOnLimitExceeded: true,
  allowDots: false,
};

export function parseForm(text: string): Record<string, unknown> {
  if (text.length === 0) return {};
  try {
    return qs.parse(text, OPTIONS) as Record<string, unknown>;
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    throw new StripeApiError(400, { type: 'invalid_request_error', message: `Invalid request: ${error.message}` });
  }
}

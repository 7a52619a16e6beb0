// The one error type the services throw. It carries its own HTTP answer (README.md and /openapi.json:
// {"error":{"code","message","details"}}) so that http/ only has to serialise it, and the CLI can
// print the same message. Anything else that escapes is a 500 whose details are never shown.

export type ErrorCode =
  | 'invalid_input'
  | 'invalid_api_key'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'method_not_allowed'
  | 'conflict'
  | 'payload_too_large'
  | 'request_timeout'
  | 'rate_limited'
  | 'stripe_error'
  | 'stripe_timeout'
  | 'stripe_orders_retired'
  | 'internal_error';

export class ConnectorError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
    /** Extra response headers, e.g. Retry-After on a 429. */
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'ConnectorError';
  }

  toBody(): { error: { code: ErrorCode; message: string; details?: unknown } } {
    return {
      error: {
        code: this.code,
        message: this.message,
        ...(this.details === undefined ? {} : { details: this.details }),
      },
    };
  }
}

/** One bad field of an input: `field` is a dotted path from the body's root. */
export interface FieldProblem {
  field: string;
  message: string;
}

export function invalidInput(problems: FieldProblem[]): ConnectorError {
  const summary = problems.map((p) => `${p.field}: ${p.message}`).join('; ');
  return new ConnectorError(400, 'invalid_input', `Invalid input — ${summary}`, problems);
}

export function notFound(what: string, id: string): ConnectorError {
  return new ConnectorError(404, 'not_found', `No ${what} with id "${id}"`);
}

/** The caller is known but may not do this (e.g. a non-admin creating users). */
export function forbidden(message: string): ConnectorError {
  return new ConnectorError(403, 'forbidden', message);
}

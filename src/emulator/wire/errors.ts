// Errors in Stripe's wire shape: {"error":{"type","code","param","message"}} with Stripe's status
// codes and messages, so the official SDK raises the same error classes it would against Stripe
// (401 → StripeAuthenticationError, 403 → StripePermissionError, 404/400 → StripeInvalidRequestError,
// 402 → StripeCardError, 429 → StripeRateLimitError, 409 → StripeIdempotencyError by type).

export type StripeErrorType =
  | 'api_error'
  | 'card_error'
  | 'idempotency_error'
  | 'invalid_request_error';

export interface StripeErrorBody {
  type: StripeErrorType;
  message: string;
  code?: string;
  param?: string;
  decline_code?: string;
  charge?: string;
}

export class StripeApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: StripeErrorBody,
    /** Extra response headers, e.g. Stripe-Should-Retry. */
    readonly headers: Record<string, string> = {},
  ) {
    super(body.message);
    this.name = 'StripeApiError';
  }

  toJSON(): { error: StripeErrorBody } {
    return { error: this.body };
  }
}

function invalidRequest(status: number, message: string, code?: string, param?: string): StripeApiError {
  const body: StripeErrorBody = { type: 'invalid_request_error', message };
  if (code !== undefined) body.code = code;
  if (param !== undefined) body.param = param;
  return new StripeApiError(status, body);
}

export function unknownParameter(param: string): StripeApiError {
  return invalidRequest(400, `Received unknown parameter: ${param}`, 'parameter_unknown', param);
}

export function missingParameter(param: string): StripeApiError {
  return invalidRequest(400, `Missing required param: ${param}.`, 'parameter_missing', param);
}

export function invalidInteger(param: string, value: unknown): StripeApiError {
  return invalidRequest(400, `Invalid integer: ${describe(value)}`, 'parameter_invalid_integer', param);
}

export function invalidBoolean(param: string, value: unknown): StripeApiError {
  // Stripe gives no code for a bad boolean, only the message and the param.
  return invalidRequest(400, `Invalid boolean: ${describe(value)}`, undefined, param);
}

export function invalidString(param: string): StripeApiError {
  return invalidRequest(400, `Invalid string: ${param} must be a string.`, undefined, param);
}

export function invalidEmpty(param: string): StripeApiError {
  return invalidRequest(
    400,
    `You passed an empty string for '${param}'. We assume empty values are an attempt to unset a parameter; however '${param}' cannot be unset. You should remove '${param}' from your request or supply a non-empty value.`,
    'parameter_invalid_empty',
    param,
  );
}

export function invalidValue(param: string, message: string, code?: string): StripeApiError {
  return invalidRequest(400, message, code, param);
}

export function invalidEnum(param: string, value: unknown, allowed: readonly string[]): StripeApiError {
  return invalidRequest(
    400,
    `Invalid ${param}: must be one of ${allowed.join(', ')}`,
    undefined,
    param,
  );
}

/** A parameter Stripe takes but the emulator cannot honour: refused rather than silently ignored. */
export function unsupportedParameter(param: string): StripeApiError {
  return invalidRequest(400, `The Stripe emulator does not support the parameter ${param}; see docs/emulator.md.`, undefined, param);
}

export function exclusiveParameters(params: string[]): StripeApiError {
  return invalidRequest(
    400,
    `You may only specify one of these parameters: ${params.join(', ')}.`,
    'parameters_exclusive',
    params[0],
  );
}

/** "No such customer: 'cus_x'" — `what` is Stripe's lower-case object name. */
export function resourceMissing(what: string, id: string, param = 'id'): StripeApiError {
  return invalidRequest(404, `No such ${what}: '${id}'`, 'resource_missing', param);
}

export function resourceAlreadyExists(what: string, param = 'id'): StripeApiError {
  return invalidRequest(400, `${what} already exists.`, 'resource_already_exists', param);
}

export function unrecognizedUrl(method: string, path: string): StripeApiError {
  // Stripe adds this hint for a trailing slash, the usual sign of an empty id in client code.
  const hint = path.endsWith('/')
    ? ' If you are trying to list objects, remove the trailing slash. If you are trying to retrieve an object, make sure you passed a valid (non-empty) identifier in your code.'
    : '';
  return invalidRequest(
    404,
    `Unrecognized request URL (${method}: ${path}).${hint} Please see https://stripe.com/docs or we can help at https://support.stripe.com/.`,
  );
}

export function missingApiKey(): StripeApiError {
  return invalidRequest(
    401,
    "You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY'). See https://stripe.com/docs/api#authentication for details, or we can help at https://support.stripe.com/.",
  );
}

export function invalidApiKey(redactedKey: string): StripeApiError {
  return invalidRequest(401, `Invalid API Key provided: ${redactedKey}`);
}

export function publishableKeyUsed(): StripeApiError {
  return invalidRequest(
    401,
    'This API call cannot be made with a publishable API key. Please use a secret API key. You can find a list of your API keys at https://dashboard.stripe.com/account/apikeys.',
    'secret_key_required',
  );
}

export function restrictedKeyDenied(redactedKey: string, accountId: string, permission: string): StripeApiError {
  return invalidRequest(
    403,
    `The provided key '${redactedKey}' does not have the required permissions for this endpoint on account '${accountId}'. Having the '${permission}' permission would allow this request to continue.`,
  );
}

export function rateLimited(): StripeApiError {
  return invalidRequest(
    429,
    'Request rate limit exceeded. You can learn more about rate limits here https://stripe.com/docs/rate-limits.',
    'rate_limit',
  );
}

export function idempotencyMismatch(key: string): StripeApiError {
  return new StripeApiError(400, {
    type: 'idempotency_error',
    message: `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${key}' if you meant to execute a different request.`,
  });
}

export function idempotencyEndpointMismatch(key: string, firstPath: string, path: string): StripeApiError {
  return new StripeApiError(400, {
    type: 'idempotency_error',
    message: `Keys for idempotent requests can only be used for the same endpoint they were first used for ('${firstPath}' vs '${path}'). Try using a key other than '${key}' if you meant to execute a different request.`,
  });
}

export function internalError(): StripeApiError {
  return new StripeApiError(500, {
    type: 'api_error',
    message: 'An unknown error occurred while processing your request.',
  });
}

function describe(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

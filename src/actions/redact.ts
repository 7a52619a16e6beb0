// Inputs are written to run history with anything secret-looking replaced: fields whose name says
// secret, and any string that looks like a Stripe secret, restricted or webhook signing key.
const SECRET_FIELD = /(api_?key|secret|password|token|authorization|cvc|card_?number)/i;
const SECRET_VALUE = /\b(sk|rk)_(test|live)_[A-Za-z0-9]+|\bwhsec_[A-Za-z0-9+/=]+/g;

export const REDACTED = '[redacted]';

export function redactSecrets(value: unknown): unknown {
  if (typeof value === 'string') return value.replace(SECRET_VALUE, REDACTED);
  if (Array.isArray(value)) return value.map(redactSecrets);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([key, inner]) => [key, SECRET_FIELD.test(key) ? REDACTED : redactSecrets(inner)]),
    );
  }
  return value;
}

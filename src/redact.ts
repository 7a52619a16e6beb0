// What is kept (run history) or written (logs) has anything secret-looking replaced: fields whose
// name says secret, and any string that looks like a Stripe secret, restricted or webhook signing
// key, or one of this connector's API tokens. The one rule for both; src/log.ts and
// src/action-calls/run-recorder.ts apply it.
const SECRET_FIELD = /(api_?key|secret|password|token|authorization|cvc|card_?number)/i;
// sct_ is TOKEN_PREFIX of src/users/tokens.ts, written out: importing it would make the logger
// depend on the store (test/http/logs.test.ts checks that a generated token is caught).
const SECRET_VALUE = /\b(sk|rk)_(test|live)_[A-Za-z0-9]+|\bwhsec_[A-Za-z0-9+/=]+|\bsct_[A-Za-z0-9_-]+/g;

export const REDACTED = '[redacted]';

export function redactText(text: string): string {
  return text.replace(SECRET_VALUE, REDACTED);
}

/**
 * The value with secrets replaced. Returns the value itself when nothing was replaced, so a caller
 * holding its JSON text already can keep that text instead of serialising it again.
 */
export function redactSecrets(value: unknown): unknown {
  if (typeof value === 'string') return redactText(value);
  if (Array.isArray(value)) {
    const redacted = value.map(redactSecrets);
    return redacted.some((inner, i) => inner !== value[i]) ? redacted : value;
  }
  if (value !== null && typeof value === 'object') {
    let changed = false;
    const entries = Object.entries(value).map(([key, inner]) => {
      const redacted = SECRET_FIELD.test(key) ? REDACTED : redactSecrets(inner);
      if (redacted !== inner) changed = true;
      return [key, redacted] as const;
    });
    return changed ? Object.fromEntries(entries) : value;
  }
  return value;
}

// Inbound Stripe webhooks: the `Stripe-Signature` header checked against the raw body with the
// endpoint's secret, through the SDK's own verifier (Stripe.webhooks.constructEvent), which accepts
// the header when ANY of its `v1` values matches — Stripe sends several while a secret is rolled.
// Fail closed: no secret, no header, a malformed, wrong, stale or future-dated signature, or a body
// that is not an event is a 400, and the caller stores nothing.
import Stripe from 'stripe';
import { ConnectorError } from '../errors.js';

/** Stripe's documented tolerance, also the SDK's DEFAULT_TOLERANCE: 300 s, against replays. */
export const STRIPE_SIGNATURE_TOLERANCE_SECONDS = 300;

export interface VerifyStripeWebhookOptions {
  /** Oldest (and furthest in the future) signature timestamp accepted. Default 300 s. */
  toleranceSeconds?: number;
  /** The clock, ms since the epoch. Default Date.now(); tests pass an emulated one. */
  nowMs?: number;
}

function refused(message: string): ConnectorError {
  return new ConnectorError(400, 'invalid_input', message, [{ field: 'Stripe-Signature', message }]);
}

export function verifyStripeWebhook(
  rawBody: Buffer | string,
  signatureHeader: string | string[] | undefined,
  secret: string | undefined,
  options: VerifyStripeWebhookOptions = {},
): Stripe.Event {
  const toleranceSeconds = options.toleranceSeconds ?? STRIPE_SIGNATURE_TOLERANCE_SECONDS;
  const nowMs = options.nowMs ?? Date.now();
  if (secret === undefined || secret.trim() === '') {
    throw refused('No webhook signing secret is configured for this connection; the event was refused.');
  }
  if (typeof signatureHeader !== 'string' || signatureHeader.trim() === '') {
    throw refused('Missing Stripe-Signature header; every Stripe webhook must be signed.');
  }
  const timestamp = signedTimestamp(signatureHeader);
  if (timestamp === undefined) {
    throw refused('Malformed Stripe-Signature header: it needs t=<timestamp> and at least one v1=<signature>.');
  }
  // The SDK rejects only timestamps too old; one too far ahead is as suspect (Standard Webhooks
  // refuses both), so the same tolerance applies both ways.
  const ageSeconds = Math.floor(nowMs / 1000) - timestamp;
  if (ageSeconds > toleranceSeconds || ageSeconds < -toleranceSeconds) {
    throw refused(
      `Stale Stripe-Signature: its timestamp is ${Math.abs(ageSeconds)} s ${ageSeconds > 0 ? 'old' : 'in the future'}, ` +
        `beyond the ${toleranceSeconds} s tolerance.`,
    );
  }

  let event: Stripe.Event;
  try {
    event = Stripe.webhooks.constructEvent(rawBody, signatureHeader, secret, toleranceSeconds, undefined, nowMs);
  } catch (error) {
    if (error instanceof SyntaxError) throw refused('The signed body is not JSON.');
    throw refused(
      'No v1 signature in Stripe-Signature matches the raw request body with this endpoint’s secret. ' +
        'Is the body forwarded byte for byte, and is the secret the one of this endpoint?',
    );
  }
  if (typeof event !== 'object' || event === null || typeof event.id !== 'string' || typeof event.type !== 'string') {
    throw refused('The signed body is not a Stripe event (it needs an id and a type).');
  }
  return event;
}

/** t=… of a Stripe-Signature header, when it also carries at least one v1 value. */
function signedTimestamp(header: string): number | undefined {
  let timestamp: number | undefined;
  let hasV1 = false;
  for (const item of header.split(',')) {
    const separator = item.indexOf('=');
    const key = item.slice(0, separator).trim();
    const value = item.slice(separator + 1).trim();
    if (key === 't' && /^\d+$/.test(value)) timestamp = Number(value);
    if (key === 'v1' && value !== '') hasV1 = true;
  }
  return hasV1 ? timestamp : undefined;
}

// Signatures on what we deliver: Standard Webhooks (https://www.standardwebhooks.com), so any
// subscriber can verify with an off-the-shelf library. Signed through the `standardwebhooks`
// package, never a hand-rolled HMAC.
import { randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';

/** Standard Webhooks asks for 24–64 random bytes; 32 matches the HMAC-SHA256 block of security. */
const SECRET_BYTES = 32;

/** A new subscription secret: `whsec_` + base64 of 32 random bytes, shown to the user once. */
export function generateSubscriptionSecret(): string {
  return `whsec_${randomBytes(SECRET_BYTES).toString('base64')}`;
}

export interface DeliveryHeaders {
  'webhook-id': string;
  'webhook-timestamp': string;
  'webhook-signature': string;
}

export interface SignDeliveryInput {
  /** The subscription's whsec_ secret. */
  secret: string;
  /** Stable per event and subscription, the same on every retry, so subscribers can dedupe. */
  webhookId: string;
  /** When this attempt is sent; a retry is signed afresh with its own time. */
  timestamp: Date;
  /** The exact bytes sent as the body. */
  body: string;
}

export function signDelivery({ secret, webhookId, timestamp, body }: SignDeliveryInput): DeliveryHeaders {
  return deliverySigner(secret)(webhookId, timestamp, body);
}

export type DeliverySigner = (webhookId: string, timestamp: Date, body: string) => DeliveryHeaders;

/** Signs with one secret again and again: the secret is decoded once, not on every delivery. */
export function deliverySigner(secret: string): DeliverySigner {
  const webhook = new Webhook(secret);
  return (webhookId, timestamp, body) => ({
    'webhook-id': webhookId,
    'webhook-timestamp': String(Math.floor(timestamp.getTime() / 1000)),
    'webhook-signature': webhook.sign(webhookId, timestamp, body),
  });
}

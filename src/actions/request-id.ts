// Which Stripe request an action call made. The SDK reports each response (with Stripe's req_ id)
// on its client-wide 'response' event; one client serves many concurrent calls of a connection, so
// the call a response belongs to is found through the async context the request was sent from.
import { AsyncLocalStorage } from 'node:async_hooks';
import type Stripe from 'stripe';

interface CallRecord {
  stripeRequestId: string | undefined;
}

const currentCall = new AsyncLocalStorage<CallRecord>();
const watched = new WeakSet<Stripe>();

function onResponse(event: { request_id?: string }): void {
  const call = currentCall.getStore();
  // The last response wins: after SDK or connector retries it is the one that decided the outcome.
  if (call && event.request_id) call.stripeRequestId = event.request_id;
}

/** Runs `work`, returning its result and the last Stripe request id seen while it ran. */
export function withRequestIdCapture<T>(stripe: Stripe, work: () => Promise<T>): { record: CallRecord; result: Promise<T> } {
  if (!watched.has(stripe)) {
    stripe.on('response', onResponse);
    watched.add(stripe);
  }
  const record: CallRecord = { stripeRequestId: undefined };
  return { record, result: currentCall.run(record, async () => work()) };
}

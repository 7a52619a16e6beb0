// Which subscriptions an object goes to: those whose `since` (the API's `since`, or the creation
// time) is at or before the object's creation. One rule for polls and inbound webhooks alike.

/** A subscription's `since` (ISO 8601) as unix seconds, the unit of Stripe's `created`. */
export function sinceSeconds(subscription: { since: string }): number {
  return Math.floor(Date.parse(subscription.since) / 1000);
}

export function subscriptionsWanting<S extends { since: string }>(subscriptions: readonly S[], objectCreatedSeconds: number): S[] {
  return subscriptions.filter((subscription) => sinceSeconds(subscription) <= objectCreatedSeconds);
}

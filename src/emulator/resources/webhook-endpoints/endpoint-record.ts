// How a webhook endpoint is stored and shown (Stripe.WebhookEndpoint). The signing secret is stored
// for delivery but shown only in the create answer, as Stripe does.
import type Stripe from 'stripe';
import { defineStore } from '../../account.js';
import { Collection, type Listed } from '../../list/collection.js';

export interface WebhookEndpointRecord extends Listed {
  readonly apiVersion: string | null;
  readonly description: string | null;
  /** Event types, or ['*'] for every type. */
  readonly enabledEvents: readonly string[];
  readonly metadata: Readonly<Record<string, string>>;
  readonly secret: string;
  readonly status: 'enabled' | 'disabled';
  readonly url: string;
}

export const webhookEndpointStore = defineStore('webhook_endpoints', () => new Collection<WebhookEndpointRecord>());

export function renderWebhookEndpoint(e: WebhookEndpointRecord, options: { withSecret?: boolean } = {}): Stripe.WebhookEndpoint {
  const out: Stripe.WebhookEndpoint = {
    id: e.id,
    object: 'webhook_endpoint',
    api_version: e.apiVersion,
    application: null,
    created: e.created,
    description: e.description,
    enabled_events: [...e.enabledEvents],
    livemode: false,
    metadata: { ...e.metadata },
    status: e.status,
    url: e.url,
  };
  if (options.withSecret) out.secret = e.secret;
  return out;
}

/** Whether an endpoint takes events of this type: enabled, and subscribed to the type or to '*'. */
export function wantsEvent(e: WebhookEndpointRecord, type: string): boolean {
  return e.status === 'enabled' && (e.enabledEvents.includes('*') || e.enabledEvents.includes(type));
}

// Webhook endpoints: create (the whsec_ secret is in this answer only), retrieve, update, delete,
// list. At most 16 per account in test mode, with Stripe's error beyond. Delivery to them is
// src/emulator/webhooks/.
import type Stripe from 'stripe';
import type { RequestContext, ResourceModule } from '../../context.js';
import { newId } from '../../ids.js';
import { listPage, readListQuery } from '../../list/list-request.js';
import { StripeApiError, invalidValue, missingParameter, resourceMissing } from '../../wire/errors.js';
import { applyMetadata, type Params } from '../../wire/params.js';
import { webhookDeliveryOf } from '../../webhooks/delivery.js';
import { renderWebhookEndpoint, webhookEndpointStore, type WebhookEndpointRecord } from './endpoint-record.js';

/** Stripe allows 16 webhook endpoints per account and mode. */
export const MAX_WEBHOOK_ENDPOINTS = 16;
/** Stripe's URL limit for endpoints. */
const URL_MAX_CHARS = 5000;
/** Event types look like `customer.created` or `customer.subscription.updated`. */
const EVENT_TYPE = /^[a-z_]+(\.[a-z_]+)+$/;

function tooMany(): StripeApiError {
  return new StripeApiError(400, {
    type: 'invalid_request_error',
    message: `You have reached the maximum of ${MAX_WEBHOOK_ENDPOINTS} test webhook endpoints.`,
  });
}

/** Test mode takes http and https URLs (live mode would insist on https). */
function readUrl(p: Params, required: boolean): string | undefined {
  const url = required ? p.requiredNonEmpty('url') : p.nonEmptyString('url');
  if (url === undefined) return undefined;
  if (url.length > URL_MAX_CHARS) throw invalidValue('url', `Invalid URL: must be at most ${URL_MAX_CHARS} characters.`, 'url_invalid');
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(url)) {
    throw invalidValue('url', 'Invalid URL: An explicit scheme (such as https) must be provided.', 'url_invalid');
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw invalidValue('url', 'Invalid URL: Not a valid URL.', 'url_invalid');
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw invalidValue('url', 'Invalid URL: URL must be publicly accessible and use http or https.', 'url_invalid');
  }
  return url;
}

function readEnabledEvents(p: Params, required: boolean): string[] | undefined {
  const events = p.stringArray('enabled_events');
  if (events === undefined) {
    if (required) throw missingParameter('enabled_events');
    return undefined;
  }
  if (events === null || events.length === 0) throw invalidValue('enabled_events', 'Invalid array: enabled_events must not be empty');
  events.forEach((type, i) => {
    if (type !== '*' && !EVENT_TYPE.test(type)) {
      throw invalidValue(`enabled_events[${i}]`, `Invalid enabled_events[${i}]: '${type}' is not an event type, nor '*'.`);
    }
  });
  return [...new Set(events)];
}

function create(ctx: RequestContext): Stripe.WebhookEndpoint {
  const p = ctx.params;
  const url = readUrl(p, true)!;
  const enabledEvents = readEnabledEvents(p, true)!;
  const description = p.emptyableString('description');
  const metadata = p.metadata();
  const apiVersion = p.nonEmptyString('api_version');
  // Connect endpoints get connected accounts' events; there are none here, so it changes nothing.
  p.boolean('connect');
  p.finish();
  const store = ctx.account.store(webhookEndpointStore);
  if (store.size >= MAX_WEBHOOK_ENDPOINTS) throw tooMany();
  const endpoint: WebhookEndpointRecord = {
    id: newId('we'),
    created: ctx.now,
    seq: ctx.account.nextSeq(),
    apiVersion: apiVersion ?? null,
    description: description ?? null,
    enabledEvents,
    metadata: applyMetadata({}, metadata),
    // Stripe's secrets are whsec_ and 32 characters.
    secret: `${newId('whsec')}${newId('x').slice(2, 10)}`,
    status: 'enabled',
    url,
  };
  store.insert(endpoint);
  webhookDeliveryOf(ctx.emulator)?.activate();
  return renderWebhookEndpoint(endpoint, { withSecret: true });
}

function found(ctx: RequestContext): WebhookEndpointRecord {
  const endpoint = ctx.account.store(webhookEndpointStore).get(ctx.path.id!);
  if (endpoint === undefined) throw resourceMissing('webhook_endpoint', ctx.path.id!);
  return endpoint;
}

function retrieve(ctx: RequestContext): Stripe.WebhookEndpoint {
  ctx.params.finish();
  return renderWebhookEndpoint(found(ctx));
}

function update(ctx: RequestContext): Stripe.WebhookEndpoint {
  const p = ctx.params;
  const url = readUrl(p, false);
  const enabledEvents = readEnabledEvents(p, false);
  const description = p.emptyableString('description');
  const metadata = p.metadata();
  const disabled = p.boolean('disabled');
  p.finish();
  const before = found(ctx);
  const after: WebhookEndpointRecord = {
    ...before,
    description: description === undefined ? before.description : description,
    enabledEvents: enabledEvents ?? before.enabledEvents,
    metadata: applyMetadata(before.metadata, metadata),
    status: disabled === undefined ? before.status : disabled ? 'disabled' : 'enabled',
    url: url ?? before.url,
  };
  ctx.account.store(webhookEndpointStore).replace(after);
  return renderWebhookEndpoint(after);
}

function remove(ctx: RequestContext): Stripe.DeletedWebhookEndpoint {
  ctx.params.finish();
  const endpoint = found(ctx);
  ctx.account.store(webhookEndpointStore).remove(endpoint.id);
  return { id: endpoint.id, object: 'webhook_endpoint', deleted: true };
}

function list(ctx: RequestContext): object {
  const query = readListQuery(ctx.params);
  ctx.params.finish();
  const store = ctx.account.store(webhookEndpointStore);
  return listPage(
    '/v1/webhook_endpoints',
    query,
    { collection: store, keyOf: (id) => store.keyOf(id), objectName: 'webhook_endpoint' },
    (e) => renderWebhookEndpoint(e),
  );
}

export const webhookEndpoints: ResourceModule = {
  routes: [
    { method: 'POST', path: '/v1/webhook_endpoints', permission: 'webhook', handler: create },
    { method: 'GET', path: '/v1/webhook_endpoints', permission: 'webhook', handler: list },
    { method: 'GET', path: '/v1/webhook_endpoints/:id', permission: 'webhook', handler: retrieve },
    { method: 'POST', path: '/v1/webhook_endpoints/:id', permission: 'webhook', handler: update },
    { method: 'DELETE', path: '/v1/webhook_endpoints/:id', permission: 'webhook', handler: remove },
  ],
};

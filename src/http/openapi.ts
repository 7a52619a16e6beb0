// OpenAPI 3.1 of this API, built from the TypeBox schemas that validate requests (src/http/schemas.ts
// and each action's input/output), so the document cannot drift from what the server accepts.
import type { Services } from '../app/services.js';
import * as S from './schemas.js';
import { operationCatalogue } from './routes/operations.js';
import { DeliverySchema } from '../delivery/delivery-view.js';
import { newSubscriptionBody } from '../trigger-sources/subscription-body.js';
import { MAX_TOKENS_PER_USER } from '../users/own-tokens.js';
import { powerAutomateOpenApiPaths } from './openapi-power-automate.js';
import { consoleOpenApiPaths } from './openapi-console.js';
import { errors, idParam, json, queryParams } from './openapi-parts.js';


export function buildOpenApi(services: Services, version: string): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {
    '/healthz': { get: { summary: 'Liveness', security: [], responses: { 200: { description: 'ok', ...json(S.Health) } } } },
    '/readyz': {
      get: {
        summary: 'Readiness: the store answers (within 2 s) and every migration is applied',
        security: [],
        responses: { 200: { description: 'ready', ...json(S.Ready) }, 503: { description: 'not ready', ...json(S.NotReady) } },
      },
    },
    '/openapi.json': { get: { summary: 'This document', security: [], responses: { 200: { description: 'OpenAPI 3.1' } } } },
    '/': {
      get: {
        summary: 'The web console: its HTML page (it signs in with an API token and calls this API)',
        security: [],
        responses: { 200: { description: 'the page', content: { 'text/html': {} } }, 304: { description: 'unchanged (If-None-Match)' } },
      },
    },
    '/console/{file}': {
      parameters: [idParam('file', "one of the console's built files (app.js, app.css)")],
      get: {
        summary: "The web console's script and styles",
        security: [],
        responses: { 200: { description: 'the file' }, 304: { description: 'unchanged (If-None-Match)' }, ...errors(404) },
      },
    },
    '/api/connections': {
      post: {
        summary: 'Add a connection (a Stripe secret or restricted key, checked with Stripe and stored encrypted)',
        requestBody: { required: true, ...json(S.NewConnectionBody) },
        responses: { 201: { description: 'created', ...json(S.Connection) }, ...errors(400, 401, 413, 502, 504) },
      },
      get: { summary: "The caller's connections", responses: { 200: { description: 'list', ...json(S.ConnectionList) }, ...errors(401) } },
    },
    '/api/connections/{id}': {
      parameters: [idParam('id', 'connection id')],
      get: { summary: 'One connection', responses: { 200: { description: 'found', ...json(S.Connection) }, ...errors(401, 404) } },
      delete: { summary: 'Remove a connection', responses: { 200: { description: 'removed', ...json(S.Deleted) }, ...errors(401, 404) } },
    },
    '/api/operations': {
      get: { summary: 'Every action and trigger with its JSON Schemas', responses: { 200: { description: 'list', ...json(S.OperationList) }, ...errors(401) } },
    },
    '/api/runs': {
      get: {
        summary: 'Run history, newest first (inputs redacted)',
        description: 'Action calls (kind "action") and attempts to deliver trigger events (kind "delivery"), merged; `operation` takes an action or a trigger name.',
        parameters: queryParams(S.RunsQuery),
        responses: { 200: { description: 'list', ...json(S.RunList) }, ...errors(400, 401) },
      },
    },
    '/api/connections/{id}/subscriptions': {
      parameters: [idParam('id', 'connection id')],
      post: {
        summary: "Subscribe a URL to a trigger's events on this connection",
        description:
          'The answer carries the whsec_ secret that signs every event, shown this once. The URL is checked on its resolved addresses. ' +
          'A connection holds at most SUBSCRIPTIONS_PER_CONNECTION subscriptions (default 50): beyond that, 409.',
        requestBody: { required: true, ...json(newSubscriptionBody.schema) },
        responses: { 201: { description: 'created', ...json(S.CreatedSubscription) }, ...errors(400, 401, 404, 409, 413, 502, 504) },
      },
    },
    '/api/subscriptions': {
      get: {
        summary: "The caller's subscriptions, newest first",
        description: 'Pages of `limit`; while `hasMore`, ask again with `startingAfter` = the last id of the page.',
        parameters: queryParams(S.SubscriptionsQuery),
        responses: { 200: { description: 'a page', ...json(S.SubscriptionList) }, ...errors(400, 401) },
      },
    },
    '/api/subscriptions/{id}': {
      parameters: [idParam('id', 'subscription id')],
      get: { summary: 'One subscription (without its secret)', responses: { 200: { description: 'found', ...json(S.Subscription) }, ...errors(401, 404) } },
      delete: {
        summary: 'Delete a subscription with its deliveries and their history',
        responses: { 200: { description: 'removed', ...json(S.Deleted) }, ...errors(401, 404) },
      },
    },
    '/api/subscriptions/{id}/pause': {
      parameters: [idParam('id', 'subscription id')],
      post: {
        summary: 'Pause: events keep collecting in its outbox and are sent on resume',
        responses: { 200: { description: 'paused', ...json(S.Subscription) }, ...errors(401, 404) },
      },
    },
    '/api/subscriptions/{id}/resume': {
      parameters: [idParam('id', 'subscription id')],
      post: { summary: 'Resume a paused subscription', responses: { 200: { description: 'active', ...json(S.Subscription) }, ...errors(401, 404) } },
    },
    '/api/subscriptions/{id}/deliveries': {
      parameters: [idParam('id', 'subscription id')],
      get: {
        summary: "The subscription's deliveries, newest first, each with its attempts",
        description: 'Pages of `limit`; while `hasMore`, ask again with `startingAfter` = the last id of the page.',
        parameters: queryParams(S.DeliveriesQuery),
        responses: { 200: { description: 'a page', ...json(S.DeliveryList) }, ...errors(400, 401, 404) },
      },
    },
    '/api/deliveries/{id}/retry': {
      parameters: [idParam('id', 'delivery id (the webhook-id)')],
      post: {
        summary: 'Replay a delivery now, with the same webhook-id and body and a fresh 24 h retry window',
        responses: { 200: { description: 'queued', ...json(DeliverySchema) }, ...errors(401, 404) },
      },
    },
    '/api/tokens': {
      get: {
        summary: "The caller's API tokens (never a token or its hash)",
        responses: { 200: { description: 'list', ...json(S.TokenList) }, ...errors(401) },
      },
      post: {
        summary: 'Another API token for the caller, shown this once',
        description: `The body may be absent or \`{}\`. At most ${MAX_TOKENS_PER_USER} tokens per user (409 beyond).`,
        requestBody: { required: false, ...json(S.NewTokenBody) },
        responses: { 201: { description: 'created', ...json(S.IssuedToken) }, ...errors(400, 401, 409, 413) },
      },
    },
    '/api/tokens/{id}': {
      parameters: [idParam('id', 'token id')],
      delete: {
        summary: "Revoke one of the caller's tokens: refused from the next request on",
        description: 'Another user\'s token is a 404 like an unknown id. The last token held by any admin user is kept (409): an admin must remain able to sign in.',
        responses: { 200: { description: 'revoked', ...json(S.Deleted) }, ...errors(401, 404, 409) },
      },
    },
    '/api/users': {
      post: {
        summary: 'Create a user with a first API token, shown this once (admins only)',
        requestBody: { required: true, ...json(S.NewUserBody) },
        responses: { 201: { description: 'created', ...json(S.CreatedUser) }, ...errors(400, 401, 403, 413) },
      },
    },
    '/metrics': {
      get: {
        summary: "The connector's metrics in Prometheus text format (admins only)",
        description: 'For a Prometheus scrape with an admin user\'s token (Authorization: Bearer …). The metric names, labels and meanings are in docs/operations.md, "Metrics".',
        responses: {
          200: { description: 'Prometheus text exposition format 0.0.4', content: { 'text/plain; version=0.0.4; charset=utf-8': { schema: { type: 'string' } } } },
          ...errors(401, 403),
        },
      },
    },
    '/webhooks/stripe/{connectionId}': {
      parameters: [idParam('connectionId', 'the connection whose Stripe webhook endpoint this is')],
      post: {
        summary: "Stripe's webhooks for one connection (registered by the connector in webhook and hybrid mode)",
        description:
          'No bearer token: Stripe-Signature over the raw body is the authentication (tolerance 300 s). Any failed check is the same 400, and nothing is stored.',
        security: [],
        parameters: [{ name: 'Stripe-Signature', in: 'header', required: true, schema: { type: 'string' } }],
        requestBody: { required: true, content: { 'application/json': { schema: { type: 'object', description: 'a Stripe event, exactly as Stripe sent it' } } } },
        responses: { 200: { description: 'stored (or a repeat, dropped)', ...json(S.StripeWebhookReceived) }, ...errors(400, 413) },
      },
    },
  };
  for (const operation of operationCatalogue(services)) {
    if (operation.kind !== 'action') continue;
    paths[`/api/connections/{id}/actions/${operation.name}`] = {
      post: {
        operationId: operation.name,
        summary: operation.title,
        description: operation.description,
        parameters: [
          idParam('id', 'connection id'),
          { name: 'Idempotency-Key', in: 'header', required: false, description: 'Retries with the same key reach Stripe with the same key', schema: { type: 'string', maxLength: 255 } },
        ],
        requestBody: { required: true, content: { 'application/json': { schema: operation.input } } },
        responses: {
          200: {
            description: 'the action output',
            headers: { 'Run-Id': { description: 'the run recorded for this call (GET /api/runs/{id}); also sent on a Stripe failure', schema: { type: 'string' } } },
            content: { 'application/json': { schema: operation.output } },
          },
          429: { description: 'throttled', headers: { 'Retry-After': { schema: { type: 'integer' } } }, ...json(S.ErrorBody) },
          ...errors(400, 401, 404, 409, 413, 502, 504),
        },
      },
    };
  }
  Object.assign(paths, powerAutomateOpenApiPaths());
  Object.assign(paths, consoleOpenApiPaths());
  return {
    openapi: '3.1.0',
    info: { title: 'stripe-connector', version },
    servers: [{ url: services.config.publicUrl }],
    security: [{ bearer: [] }],
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
      responses: { Error: { description: 'error', ...json(S.ErrorBody) } },
    },
    paths,
  };
}

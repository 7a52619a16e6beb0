// The web console's routes in /openapi.json (OpenAPI 3.1), from the schemas that validate them:
// the caller's deliveries across subscriptions, bulk retry, the overview, one run, the event stream.
import { UserDeliverySchema } from '../delivery/delivery-view.js';
import { BulkRetrySchema } from '../delivery/bulk-retry.js';
import { RunSchema } from '../run-history/run-view.js';
import { OverviewSchema } from '../overview/service.js';
import * as S from './schemas.js';
import { errors, idParam, json, queryParams } from './openapi-parts.js';


export function consoleOpenApiPaths(): Record<string, Record<string, unknown>> {
  return {
    '/api/deliveries': {
      get: {
        summary: "The caller's deliveries across subscriptions, newest first",
        description:
          '`from` is inclusive and `to` exclusive, on createdAt. A connection or subscription that is not the caller\'s is a 404. ' +
          'Pages of `limit`; while `hasMore`, ask again with `startingAfter` = the last id of the page.',
        parameters: queryParams(S.UserDeliveriesQuery),
        responses: { 200: { description: 'a page', ...json(S.UserDeliveryList) }, ...errors(400, 401, 404) },
      },
    },
    '/api/deliveries/{id}': {
      parameters: [idParam('id', 'delivery id (the webhook-id)')],
      get: { summary: 'One delivery with every attempt', responses: { 200: { description: 'found', ...json(UserDeliverySchema) }, ...errors(401, 404) } },
    },
    '/api/deliveries/retry': {
      post: {
        summary: 'Retry every delivery of the caller matching a filter (the same filters as GET /api/deliveries)',
        description:
          '`preview: true` answers `{count}` and changes nothing. Otherwise the matching set is fixed now (deliveries made later are not in it) ' +
          'and retried in the server in chunks, each as POST /api/deliveries/{id}/retry would; follow it with GET /api/deliveries/retry/{id}. An empty filter takes every delivery of the caller.',
        requestBody: { required: false, ...json(S.BulkRetryBody) },
        responses: {
          200: { description: 'preview', ...json(S.BulkRetryPreview) },
          202: { description: 'accepted', ...json(BulkRetrySchema) },
          ...errors(400, 401, 404, 413),
        },
      },
    },
    '/api/deliveries/retry/{id}': {
      parameters: [idParam('id', 'bulk retry id (bulkretry_…)')],
      get: { summary: "A bulk retry's progress", responses: { 200: { description: 'found', ...json(BulkRetrySchema) }, ...errors(401, 404) } },
    },
    '/api/runs/{id}': {
      parameters: [idParam('id', 'run id (an action run or a delivery attempt)')],
      get: {
        summary: 'One run: an action call with its stored input, output and error (secrets redacted), or a delivery attempt',
        responses: { 200: { description: 'found', ...json(RunSchema) }, ...errors(401, 404) },
      },
    },
    '/api/stream': {
      get: {
        summary: "The caller's activity as Server-Sent Events",
        description:
          '`event: delivery` (data: a delivery as in GET /api/deliveries) when one is created, attempted or retried; `event: run` (data: a run as in GET /api/runs) when one is recorded; ' +
          'a `: keep-alive` comment every 15 s. Changes made by any process on the same store appear within about 2 s. Send the Bearer token (read it with fetch: EventSource cannot send headers).',
        parameters: queryParams(S.StreamQuery),
        responses: {
          200: {
            description: 'the stream (until the client or the server closes it)',
            content: { 'text/event-stream': { schema: { type: 'string', description: 'event: delivery|run, data: JSON of UserDelivery or Run' } } },
          },
          ...errors(400, 401, 404),
        },
      },
    },
    '/api/overview': {
      get: {
        summary: "The caller's connections with their last success, last error and key refusal; deliveries per minute over the last hour; the oldest pending delivery's age",
        responses: { 200: { description: 'the overview', ...json(OverviewSchema) }, ...errors(401) },
      },
    },
  };
}

// OpenAPI 3.1 of this API, built from the TypeBox schemas that validate requests (src/http/schemas.ts
// and each action's input/output), so the document cannot drift from what the server accepts.
import type { Services } from '../app/services.js';
import * as S from './schemas.js';
import { operationCatalogue } from './routes/operations.js';

function plain(schema: unknown): Record<string, unknown> {
  return JSON.parse(JSON.stringify(schema)) as Record<string, unknown>;
}

const json = (schema: unknown) => ({ content: { 'application/json': { schema: plain(schema) } } });
const errorRef = { $ref: '#/components/responses/Error' };
const errors = (...statuses: number[]) => Object.fromEntries(statuses.map((s) => [String(s), errorRef]));
const idParam = (name: string, description: string) => ({ name, in: 'path', required: true, description, schema: { type: 'string' } });

export function buildOpenApi(services: Services, version: string): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {
    '/healthz': { get: { summary: 'Liveness', security: [], responses: { 200: { description: 'ok', ...json(S.Health) } } } },
    '/openapi.json': { get: { summary: 'This document', security: [], responses: { 200: { description: 'OpenAPI 3.1' } } } },
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
        parameters: Object.entries(plain(S.RunsQuery).properties as Record<string, unknown>).map(([name, schema]) => ({
          name,
          in: 'query',
          required: false,
          schema,
        })),
        responses: { 200: { description: 'list', ...json(S.RunList) }, ...errors(400, 401) },
      },
    },
  };
  for (const operation of operationCatalogue(services)) {
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
          200: { description: 'the action output', content: { 'application/json': { schema: operation.output } } },
          429: { description: 'throttled', headers: { 'Retry-After': { schema: { type: 'integer' } } }, ...json(S.ErrorBody) },
          ...errors(400, 401, 404, 409, 413, 502, 504),
        },
      },
    };
  }
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

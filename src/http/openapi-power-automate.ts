// The Power Automate routes in /openapi.json (OpenAPI 3.1), from the schemas that validate them.
import { triggers } from '../connector/triggers/index.js';
import { InstantTriggerBody } from '../power-automate/instant-triggers.js';
import { EXPORT_PATH, hookPath, pollPath } from '../power-automate/routes-paths.js';
import { ExportQuery, PollQuery } from './routes/power-automate.js';
import * as S from './schemas.js';
import { errors, json, queryParams } from './openapi-parts.js';

const connectionParam = { name: 'connectionId', in: 'path', required: true, description: 'connection id', schema: { type: 'string' } };
const pollHeaders = {
  Location: { description: 'The next call: this path with ?state=…', schema: { type: 'string' } },
  'Retry-After': { description: 'Seconds to wait before calling Location', schema: { type: 'integer' } },
};

export function powerAutomateOpenApiPaths(): Record<string, Record<string, unknown>> {
  const paths: Record<string, Record<string, unknown>> = {
    [EXPORT_PATH]: {
      get: {
        summary: 'The Power Automate / Logic Apps custom connector as a .zip (apiDefinition.swagger.json, apiProperties.json, icon.png, README.md)',
        parameters: queryParams(ExportQuery),
        responses: { 200: { description: 'the files', content: { 'application/zip': {} } }, ...errors(400, 401) },
      },
    },
  };
  for (const trigger of triggers) {
    paths[pollPath('{connectionId}', trigger.name)] = {
      parameters: [connectionParam],
      get: {
        summary: `Polling trigger for Power Automate: ${trigger.name}`,
        description:
          'The first call (no state) starts from now, or from `since`; each answer names the next call in Location. 202: nothing new. 200: the new objects, oldest first; a repeated call of the same Location answers the same objects.',
        parameters: queryParams(PollQuery),
        responses: {
          200: { description: 'new objects', headers: pollHeaders, ...json({ type: 'array', items: trigger.output }) },
          202: { description: 'nothing new yet', headers: pollHeaders },
          ...errors(400, 401, 404, 502, 504),
        },
      },
    };
    paths[hookPath('{connectionId}', trigger.name)] = {
      parameters: [connectionParam],
      post: {
        summary: `Instant trigger for Power Automate: subscribes the callback URL to ${trigger.name}`,
        description: 'An ordinary subscription (without its secret in the answer); Location is its DELETE /api/subscriptions/{id}.',
        requestBody: { required: true, ...json(InstantTriggerBody) },
        responses: {
          201: { description: 'subscribed', headers: { Location: { schema: { type: 'string' } } }, ...json(S.Subscription) },
          ...errors(400, 401, 404, 409, 413, 502, 504),
        },
      },
    };
  }
  return paths;
}

// apiDefinition.swagger.json of the custom connector: Swagger 2.0 (the only version custom
// connectors import), built from the same action and trigger definitions the server runs, so the
// export cannot drift from what the server answers. Every path in it is a route of this server.
import { Type } from '@sinclair/typebox';
import type { ActionDefinition, TriggerDefinition } from '../connector/define.js';
import { DEFAULT_POLL_INTERVAL_SECONDS, MAX_POLL_INTERVAL_SECONDS, MIN_POLL_INTERVAL_SECONDS } from '../trigger-sources/subscription-body.js';
import { ACTION_OPERATION_IDS, IMPORTANT_INPUTS, IMPORTANT_OUTPUTS, TRIGGER_OPERATION_IDS, fieldSummary } from './names.js';
import type { PublicAddress } from './public-url.js';
import { toSwaggerSchema, type SwaggerSchema } from './swagger-schema.js';
import { HOOK_MODES, DEFAULT_HOOK_MODE, pollPath, hookPath } from './routes-paths.js';

/** Shown in the connector list: ≤ 30 characters, neither "API" nor "Connector" (certification rules). */
export const CONNECTOR_TITLE = 'Stripe (self-hosted)';

export interface DefinitionInput {
  address: PublicAddress;
  version: string;
  actions: readonly ActionDefinition[];
  triggers: readonly TriggerDefinition[];
}

const outputVisibility = (name: string) => (IMPORTANT_OUTPUTS.has(name) ? 'important' : 'none') as 'important' | 'none';
const outputSchema = (schema: unknown): SwaggerSchema => toSwaggerSchema(schema, { visibilityOf: outputVisibility });

const connectionParameter = {
  name: 'connectionId',
  in: 'path',
  required: true,
  type: 'string',
  'x-ms-summary': 'Connection',
  description: 'Which of your Stripe connections on this server to use.',
  'x-ms-visibility': 'important',
  'x-ms-url-encoding': 'single',
  'x-ms-dynamic-values': { operationId: 'ListConnections', 'value-collection': 'data', 'value-path': 'id', 'value-title': 'name' },
};

const ConnectionList = Type.Object({
  data: Type.Array(
    Type.Object({
      id: Type.String({ description: 'The connection id, conn_…' }),
      name: Type.String({ description: 'The name it was given' }),
      mode: Type.Union([Type.Literal('test'), Type.Literal('live')], { description: 'Whether its Stripe key is a test or a live key' }),
    }),
  ),
});

/** The body each delivery of an instant trigger carries (docs/triggers.md), its `data` the trigger's output. */
function eventSchema(trigger: TriggerDefinition): SwaggerSchema {
  const field = (schema: SwaggerSchema, name: string, visibility: string, description: string) => ({
    ...schema,
    description,
    'x-ms-summary': name,
    'x-ms-visibility': visibility,
  });
  return {
    type: 'object',
    properties: {
      id: field({ type: 'string' }, 'Event ID', 'advanced', 'The event id (the webhook-id header), the same on every retry of this event.'),
      type: field({ type: 'string' }, 'Event type', 'advanced', `Always ${trigger.name}.`),
      subscription: field({ type: 'string' }, 'Subscription ID', 'advanced', 'The subscription this trigger made on the server.'),
      connection: field({ type: 'string' }, 'Connection ID', 'advanced', 'The Stripe connection the object belongs to.'),
      created: field({ type: 'string', format: 'date-time' }, 'Object created', 'none', 'When Stripe created the object.'),
      data: field(outputSchema(trigger.output), fieldSummary(TRIGGER_OPERATION_IDS[trigger.name]!.noun), 'important', `The new ${TRIGGER_OPERATION_IDS[trigger.name]!.noun}.`),
    },
  };
}

function actionPath(action: ActionDefinition) {
  const operationId = ACTION_OPERATION_IDS[action.name];
  if (operationId === undefined) throw new Error(`no Power Automate operationId for the action ${action.name}`);
  const important = new Set(IMPORTANT_INPUTS[action.name] ?? []);
  const body = toSwaggerSchema(action.input, { visibilityOf: (name, required) => (required || important.has(name) ? 'important' : 'advanced') });
  return {
    post: {
      operationId,
      summary: action.title,
      description: action.description,
      parameters: [
        connectionParameter,
        { name: 'body', in: 'body', required: true, 'x-ms-summary': 'Input', description: `The input of ${action.name}.`, 'x-ms-visibility': 'important', schema: body },
      ],
      responses: { 200: { description: `The ${action.name} output.`, schema: outputSchema(action.output) } },
    },
  };
}

function pollingTriggerPath(trigger: TriggerDefinition, names: { polling: string; noun: string }) {
  return {
    get: {
      operationId: names.polling,
      summary: trigger.title,
      description: `${trigger.description} Polled every poll interval; each new ${names.noun} starts one run, none is lost or repeated.`,
      'x-ms-trigger': 'batch',
      'x-ms-trigger-hint': `To see it work, create a ${names.noun} in Stripe.`,
      parameters: [
        connectionParameter,
        {
          name: 'since',
          in: 'query',
          required: false,
          type: 'string',
          format: 'date-time',
          'x-ms-summary': 'Since',
          description: `Also start runs for every ${names.noun} created since this time (a backfill). Default: from the moment the trigger starts.`,
          'x-ms-visibility': 'advanced',
        },
        {
          name: 'pollIntervalSeconds',
          in: 'query',
          required: false,
          type: 'integer',
          minimum: MIN_POLL_INTERVAL_SECONDS,
          maximum: MAX_POLL_INTERVAL_SECONDS,
          default: DEFAULT_POLL_INTERVAL_SECONDS,
          'x-ms-summary': 'Poll interval (seconds)',
          description: `Seconds between polls, ${MIN_POLL_INTERVAL_SECONDS} to ${MAX_POLL_INTERVAL_SECONDS}. Default ${DEFAULT_POLL_INTERVAL_SECONDS}, as the certified connector.`,
          'x-ms-visibility': 'advanced',
        },
      ],
      responses: {
        200: {
          description: `The new ${names.noun} objects, oldest first.`,
          headers: { Location: { type: 'string', description: 'Where to poll next.' }, 'Retry-After': { type: 'integer', description: 'Seconds to wait.' } },
          schema: { type: 'array', items: outputSchema(trigger.output) },
        },
        202: {
          description: `No new ${names.noun} yet.`,
          headers: { Location: { type: 'string', description: 'Where to poll next.' }, 'Retry-After': { type: 'integer', description: 'Seconds to wait.' } },
        },
      },
    },
  };
}

function instantTriggerPath(trigger: TriggerDefinition, names: { instant: string; noun: string }) {
  return {
    post: {
      operationId: names.instant,
      summary: `${trigger.title} instantly`,
      description: `${trigger.description} Pushed to the flow as soon as the server learns of it, through a subscription that ends when the trigger is removed.`,
      'x-ms-trigger': 'single',
      parameters: [
        connectionParameter,
        {
          name: 'body',
          in: 'body',
          required: true,
          'x-ms-summary': 'Subscription',
          description: 'What the server subscribes the flow to.',
          'x-ms-visibility': 'none',
          schema: {
            type: 'object',
            required: ['callbackUrl'],
            properties: {
              callbackUrl: {
                type: 'string',
                description: 'The URL the platform receives events at.',
                'x-ms-notification-url': true,
                'x-ms-summary': 'Callback URL',
                'x-ms-visibility': 'internal',
              },
              mode: {
                type: 'string',
                enum: [...HOOK_MODES],
                default: DEFAULT_HOOK_MODE,
                description: 'hybrid: Stripe webhooks plus a reconciling poll, nothing lost; webhook: Stripe webhooks alone; poll: the server polls Stripe.',
                'x-ms-summary': 'Mode',
                'x-ms-visibility': 'advanced',
              },
              pollIntervalSeconds: {
                type: 'integer',
                minimum: MIN_POLL_INTERVAL_SECONDS,
                maximum: MAX_POLL_INTERVAL_SECONDS,
                default: DEFAULT_POLL_INTERVAL_SECONDS,
                description: 'Seconds between polls in poll mode.',
                'x-ms-summary': 'Poll interval (seconds)',
                'x-ms-visibility': 'advanced',
              },
            },
          },
        },
      ],
      responses: {
        201: { description: 'Subscribed.', headers: { Location: { type: 'string', description: 'Deleted when the trigger is removed.' } } },
      },
      'x-ms-notification-content': { description: `The event of a new ${names.noun}.`, schema: eventSchema(trigger) },
    },
  };
}

export function buildApiDefinition(input: DefinitionInput): Record<string, unknown> {
  const paths: Record<string, unknown> = {
    '/api/connections': {
      get: {
        operationId: 'ListConnections',
        summary: 'List connections',
        description: 'Lists your Stripe connections on this server; also checks the API token.',
        'x-ms-visibility': 'internal',
        parameters: [],
        responses: { 200: { description: 'Your connections.', schema: outputSchema(ConnectionList) } },
      },
    },
    '/api/subscriptions/{subscriptionId}': {
      delete: {
        operationId: 'DeleteSubscription',
        summary: 'Delete subscription',
        description: 'Ends the subscription of an instant trigger; the platform calls it when the trigger is removed.',
        'x-ms-visibility': 'internal',
        parameters: [
          { name: 'subscriptionId', in: 'path', required: true, type: 'string', 'x-ms-summary': 'Subscription ID', description: 'The subscription to delete.', 'x-ms-visibility': 'internal', 'x-ms-url-encoding': 'single' },
        ],
        responses: {
          200: {
            description: 'Deleted.',
            schema: outputSchema(Type.Object({ id: Type.String({ description: 'The subscription id' }), deleted: Type.Boolean({ description: 'Always true' }) })),
          },
        },
      },
    },
  };
  for (const action of input.actions) paths[`/api/connections/{connectionId}/actions/${action.name}`] = actionPath(action);
  for (const trigger of input.triggers) {
    const names = TRIGGER_OPERATION_IDS[trigger.name];
    if (names === undefined) throw new Error(`no Power Automate operationIds for the trigger ${trigger.name}`);
    paths[pollPath('{connectionId}', trigger.name)] = pollingTriggerPath(trigger, names);
    paths[hookPath('{connectionId}', trigger.name)] = instantTriggerPath(trigger, names);
  }
  return {
    swagger: '2.0',
    info: {
      title: CONNECTOR_TITLE,
      description:
        'Stripe customers, products, charges, invoice items and orders through your own stripe-connector server: the actions and triggers of the certified Stripe connector, with polling and instant triggers that lose nothing.',
      version: input.version,
      contact: { name: 'stripe-connector', url: input.address.origin },
    },
    host: input.address.host,
    basePath: input.address.basePath,
    schemes: [input.address.scheme],
    consumes: ['application/json'],
    produces: ['application/json'],
    paths,
    definitions: {},
    parameters: {},
    responses: {},
    securityDefinitions: { api_key: { type: 'apiKey', in: 'header', name: 'Authorization' } },
    security: [{ api_key: [] }],
    tags: [],
    'x-ms-capabilities': { testConnection: { operationId: 'ListConnections', parameters: {} } },
    'x-ms-connector-metadata': [
      { propertyName: 'Website', propertyValue: input.address.origin },
      { propertyName: 'Categories', propertyValue: 'Finance;Sales and CRM' },
    ],
  };
}

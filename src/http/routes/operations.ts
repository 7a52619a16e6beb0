// GET /api/operations: every action and every trigger with its input and output JSON Schema, the
// very schemas that validate calls. An action's input is its body; a trigger's input is the
// subscription body that subscribes to it (src/trigger-sources/subscription-body.ts, narrowed to that
// trigger) and its output is the `data` of each event delivered.
import type { FastifyInstance } from 'fastify';
import type { Services } from '../../app/services.js';
import { closeSchema } from '../../input-validator.js';
import { triggers } from '../../connector/triggers/index.js';
import { subscriptionBodySchema } from '../../trigger-sources/subscription-body.js';

export interface OperationView {
  kind: 'action' | 'trigger';
  name: string;
  title: string;
  description: string;
  input: unknown;
  output: unknown;
}

// JSON round trip: TypeBox marks schemas with symbol keys that do not belong in a document.
function plain(schema: unknown): unknown {
  return JSON.parse(JSON.stringify(schema));
}

export function operationCatalogue(services: Services): OperationView[] {
  const actions = [...services.actions.published.values()].map(({ definition, validator }): OperationView => ({
    kind: 'action',
    name: definition.name,
    title: definition.title,
    description: definition.description,
    input: plain(validator.schema),
    output: plain(definition.output),
  }));
  const triggerViews = triggers.map((trigger): OperationView => ({
    kind: 'trigger',
    name: trigger.name,
    title: trigger.title,
    description: trigger.description,
    input: plain(closeSchema(subscriptionBodySchema([trigger.name]))),
    output: plain(trigger.output),
  }));
  return [...actions, ...triggerViews];
}

export function registerOperationRoutes(app: FastifyInstance, services: Services): void {
  const catalogue = { data: operationCatalogue(services) };
  app.get('/api/operations', async () => catalogue);
}

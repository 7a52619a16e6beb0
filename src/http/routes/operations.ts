// GET /api/operations: every action (triggers join later) with its input and output JSON Schema,
// the very schemas that validate calls.
import type { FastifyInstance } from 'fastify';
import type { Services } from '../../app/services.js';

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
  return [...services.actions.published.values()].map(({ definition, validator }) => ({
    kind: 'action',
    name: definition.name,
    title: definition.title,
    description: definition.description,
    input: plain(validator.schema),
    output: plain(definition.output),
  }));
}

export function registerOperationRoutes(app: FastifyInstance, services: Services): void {
  const catalogue = { data: operationCatalogue(services) };
  app.get('/api/operations', async () => catalogue);
}

// POST /api/connections/{id}/actions/{operation}: the body is the action's input, the answer its output.
import type { FastifyInstance } from 'fastify';
import type { Services } from '../../app/services.js';
import { invalidInput } from '../../errors.js';

export function registerActionRoutes(app: FastifyInstance, services: Services): void {
  // The auth hook reads the connection with the token (auth.ts): one store read per call.
  app.post<{ Params: { id: string; operation: string } }>('/api/connections/:id/actions/:operation', { config: { ownedConnectionParam: 'id' } }, async (request, reply) => {
    const header = request.headers['idempotency-key'];
    if (Array.isArray(header)) throw invalidInput([{ field: 'Idempotency-Key', message: 'must be sent once' }]);
    const { outputJson: json, runId } = await services.actions.runAsJson({
      userId: request.userId,
      connectionId: request.params.id,
      operation: request.params.operation,
      input: request.body,
      clientIdempotencyKey: header,
      connection: request.ownedConnection,
    });
    // Already JSON (the text recorded in the run history); fastify sends a string as it is.
    // Run-Id finds the call in GET /api/runs/{id}; a failure recorded as a run carries it too (its error's headers).
    return reply.header('run-id', runId).type('application/json; charset=utf-8').send(json);
  });
}

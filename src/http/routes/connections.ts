// POST/GET/DELETE /api/connections…: the caller's connections only.
import type { FastifyInstance } from 'fastify';
import type { Static } from '@sinclair/typebox';
import type { Services } from '../../app/services.js';
import { compileValidator } from '../../input-validator.js';
import { NewConnectionBody } from '../schemas.js';

const newConnection = compileValidator<Static<typeof NewConnectionBody>>(NewConnectionBody);

export function registerConnectionRoutes(app: FastifyInstance, services: Services): void {
  app.post('/api/connections', async (request, reply) => {
    const body = newConnection.check(request.body === undefined ? {} : request.body);
    const view = await services.connections.create(request.userId, body);
    return reply.code(201).send(view);
  });

  app.get('/api/connections', async (request) => ({ data: await services.connections.list(request.userId) }));

  app.get<{ Params: { id: string } }>('/api/connections/:id', async (request) =>
    services.connections.get(request.userId, request.params.id),
  );

  app.delete<{ Params: { id: string } }>('/api/connections/:id', async (request) => {
    await services.connections.remove(request.userId, request.params.id);
    return { id: request.params.id, deleted: true };
  });
}

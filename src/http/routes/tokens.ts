// GET/POST /api/tokens, DELETE /api/tokens/{id}: the caller's own API tokens only.
import type { FastifyInstance } from 'fastify';
import type { Services } from '../../app/services.js';
import { compileValidator } from '../../input-validator.js';
import { addOwnToken, listOwnTokens, revokeOwnToken } from '../../users/own-tokens.js';
import { bearerTokenOf } from '../auth.js';
import { NewTokenBody } from '../schemas.js';

const newToken = compileValidator(NewTokenBody);

export function registerTokenRoutes(app: FastifyInstance, services: Services): void {
  // The auth hook has checked the bearer token already; it is read again only to mark it `current`.
  app.get('/api/tokens', async (request) => ({ data: await listOwnTokens(services.db, request.userId, bearerTokenOf(request)) }));

  app.post('/api/tokens', async (request, reply) => {
    newToken.check(request.body === undefined ? {} : request.body);
    return reply.code(201).send(await addOwnToken(services.db, request.userId));
  });

  app.delete<{ Params: { id: string } }>('/api/tokens/:id', async (request) => {
    await revokeOwnToken(services.db, request.userId, request.params.id);
    return { id: request.params.id, deleted: true };
  });
}

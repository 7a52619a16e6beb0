// POST /api/users: admins create users, each with a first token shown once.
import type { FastifyInstance } from 'fastify';
import type { Static } from '@sinclair/typebox';
import type { Services } from '../../app/services.js';
import { compileValidator } from '../../input-validator.js';
import { createUser, requireAdmin } from '../../users/new-user.js';
import { NewUserBody } from '../schemas.js';

const newUser = compileValidator<Static<typeof NewUserBody>>(NewUserBody);

export function registerUserRoutes(app: FastifyInstance, services: Services): void {
  app.post('/api/users', async (request, reply) => {
    await requireAdmin(services.db, request.userId);
    const body = newUser.check(request.body === undefined ? {} : request.body);
    return reply.code(201).send(await createUser(services.db, body));
  });
}

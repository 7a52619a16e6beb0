// The caller's deliveries across subscriptions, one delivery with its attempts, and bulk retry
// (GET /api/deliveries, GET /api/deliveries/{id}, POST /api/deliveries/retry, GET
// /api/deliveries/retry/{id}). A subscription's own list and one delivery's replay are in
// subscriptions.ts.
import type { FastifyInstance } from 'fastify';
import type { Static } from '@sinclair/typebox';
import type { Services } from '../../app/services.js';
import { compileValidator } from '../../input-validator.js';
import { BulkRetryBody, UserDeliveriesQuery } from '../schemas.js';

const bulkRetryBody = compileValidator<Static<typeof BulkRetryBody>>(BulkRetryBody, { prefix: 'body' });
const deliveriesQuery = compileValidator<Static<typeof UserDeliveriesQuery>>(UserDeliveriesQuery, { prefix: 'query' });

export function registerDeliveryRoutes(app: FastifyInstance, services: Services): void {
  app.get('/api/deliveries', async (request) => {
    const query = deliveriesQuery.check({ ...(request.query as object) });
    return services.userDeliveries.list(request.userId, { ...query, limit: query.limit === undefined ? undefined : Number(query.limit) });
  });

  app.post('/api/deliveries/retry', async (request, reply) => {
    const { preview, ...filter } = bulkRetryBody.check(request.body === undefined ? {} : request.body);
    if (preview === true) return services.bulkRetries.preview(request.userId, filter);
    return reply.code(202).send(await services.bulkRetries.start(request.userId, filter));
  });

  app.get<{ Params: { id: string } }>('/api/deliveries/retry/:id', async (request) => services.bulkRetries.get(request.userId, request.params.id));

  app.get<{ Params: { id: string } }>('/api/deliveries/:id', async (request) => services.userDeliveries.get(request.userId, request.params.id));
}

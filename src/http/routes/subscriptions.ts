// Subscriptions, their delivery history and replay (README.md and /openapi.json). Another user's
// subscription or delivery is a 404, like an unknown id: ids are not a secret, ownership is.
import type { FastifyInstance } from 'fastify';
import type { Static } from '@sinclair/typebox';
import type { Services } from '../../app/services.js';
import { compileValidator } from '../../input-validator.js';
import { invalidInput } from '../../errors.js';
import { toDeliveryView } from '../../delivery/delivery-view.js';
import type { DeliveryCursor } from '../../store/deliveries/history.js';
import type { SubscriptionCursor } from '../../store/subscription-list.js';
import { DeliveriesQuery, SubscriptionsQuery } from '../schemas.js';

const deliveriesQuery = compileValidator<Static<typeof DeliveriesQuery>>(DeliveriesQuery, { prefix: 'query' });
const subscriptionsQuery = compileValidator<Static<typeof SubscriptionsQuery>>(SubscriptionsQuery, { prefix: 'query' });

export function registerSubscriptionRoutes(app: FastifyInstance, services: Services): void {
  // Field checks are the service's (src/trigger-sources/subscription-body.ts and the URL guard), one place.
  app.post<{ Params: { id: string } }>('/api/connections/:id/subscriptions', async (request, reply) => {
    const created = await services.subscriptions.create(request.userId, request.params.id, request.body ?? {});
    return reply.code(201).send(created);
  });

  app.get('/api/subscriptions', async (request) => {
    const query = subscriptionsQuery.check({ ...(request.query as object) });
    let startingAfter: SubscriptionCursor | undefined;
    if (query.startingAfter !== undefined) {
      startingAfter = await services.subscriptions.cursor(request.userId, query.startingAfter);
      if (!startingAfter) throw invalidInput([{ field: 'query.startingAfter', message: 'is not one of your subscriptions' }]);
    }
    const page = await services.subscriptions.list(request.userId, {
      connectionId: query.connection,
      limit: query.limit === undefined ? undefined : Number(query.limit),
      startingAfter,
    });
    return { data: page.subscriptions, hasMore: page.hasMore };
  });

  app.get<{ Params: { id: string } }>('/api/subscriptions/:id', async (request) =>
    services.subscriptions.get(request.userId, request.params.id),
  );

  app.delete<{ Params: { id: string } }>('/api/subscriptions/:id', async (request) => {
    await services.subscriptions.remove(request.userId, request.params.id);
    return { id: request.params.id, deleted: true };
  });

  app.post<{ Params: { id: string } }>('/api/subscriptions/:id/pause', async (request) =>
    services.subscriptions.pause(request.userId, request.params.id),
  );

  app.post<{ Params: { id: string } }>('/api/subscriptions/:id/resume', async (request) =>
    services.subscriptions.resume(request.userId, request.params.id),
  );

  app.get<{ Params: { id: string } }>('/api/subscriptions/:id/deliveries', async (request) => {
    const query = deliveriesQuery.check({ ...(request.query as object) });
    // The ownership check: 404 for another user's subscription.
    const subscription = await services.subscriptions.ownedId(request.userId, request.params.id);
    let startingAfter: DeliveryCursor | undefined;
    if (query.startingAfter !== undefined) {
      startingAfter = await services.deliveries.cursor(subscription, query.startingAfter);
      if (!startingAfter) throw invalidInput([{ field: 'query.startingAfter', message: 'is not a delivery of this subscription' }]);
    }
    const page = await services.deliveries.page(subscription, {
      status: query.status,
      limit: query.limit === undefined ? undefined : Number(query.limit),
      startingAfter,
    });
    return { data: page.deliveries.map((d) => toDeliveryView(d, d.attempt_history)), hasMore: page.hasMore };
  });

  app.post<{ Params: { id: string } }>('/api/deliveries/:id/retry', async (request) =>
    toDeliveryView(await services.deliveries.replay(request.userId, request.params.id)),
  );
}

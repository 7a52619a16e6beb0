// GET /metrics: the connector's metrics in Prometheus text format, for an admin's token only. The
// figures (calls, deliveries, outbox depth across every user's subscriptions) are the whole
// installation's, not the caller's, so an ordinary user is refused (403) like on POST /api/users.
import type { FastifyInstance } from 'fastify';
import type { Services } from '../../app/services.js';
import { requireAdmin } from '../../users/new-user.js';

export function registerMetricsRoutes(app: FastifyInstance, services: Services): void {
  app.get('/metrics', async (request, reply) => {
    await requireAdmin(services.db, request.userId, 'read the metrics');
    const { contentType, text } = await services.metrics.exposition();
    // A scrape is always fresh: no proxy or client should answer one from a cache.
    return reply.header('content-type', contentType).header('cache-control', 'no-store').send(text);
  });
}

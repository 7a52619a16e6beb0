// GET /api/overview: the console's first page (src/overview/service.ts).
import type { FastifyInstance } from 'fastify';
import type { Services } from '../../app/services.js';

export function registerOverviewRoutes(app: FastifyInstance, services: Services): void {
  app.get('/api/overview', async (request) => services.overview.of(request.userId));
}

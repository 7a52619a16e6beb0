import type { FastifyInstance } from 'fastify';
import type { StoreReadiness } from '../../store/readiness.js';

export function registerHealthRoutes(app: FastifyInstance, readiness: () => Promise<StoreReadiness>): void {
  app.get('/healthz', async () => ({ status: 'ok' }));
  // Liveness says the process answers; readiness that it can serve: a load balancer sends traffic
  // here only while the store answers and is migrated as far as this build expects.
  app.get('/readyz', async (_request, reply) => {
    const state = await readiness();
    if (state.ready) return { status: 'ready' };
    return reply.code(503).send({ status: 'not_ready', reason: state.reason });
  });
}

// GET /api/runs?connection=&operation=&status=&limit=: the caller's run history — action calls and
// trigger delivery attempts — newest first (src/runs/list-runs.ts).
import type { FastifyInstance } from 'fastify';
import type { Static } from '@sinclair/typebox';
import type { Services } from '../../app/services.js';
import { compileValidator } from '../../actions/input-validator.js';
import { outboxOf } from '../../delivery/outbox-store.js';
import { listRunHistory } from '../../runs/list-runs.js';
import { RunsQuery } from '../schemas.js';

const runsQuery = compileValidator<Static<typeof RunsQuery>>(RunsQuery, { prefix: 'query' });

export function registerRunRoutes(app: FastifyInstance, services: Services): void {
  const outbox = outboxOf(services.db);
  app.get('/api/runs', async (request) => {
    const query = runsQuery.check({ ...(request.query as object) });
    return {
      data: await listRunHistory(services.db, outbox, {
        userId: request.userId,
        connectionId: query.connection,
        operation: query.operation,
        status: query.status,
        limit: query.limit === undefined ? undefined : Number(query.limit),
      }),
    };
  });
}

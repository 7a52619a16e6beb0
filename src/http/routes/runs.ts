// GET /api/runs?connection=&operation=&status=&limit=: the caller's run history, newest first.
import type { FastifyInstance } from 'fastify';
import type { Static } from '@sinclair/typebox';
import type { Services } from '../../app/services.js';
import { compileValidator } from '../../actions/input-validator.js';
import { RunsQuery } from '../schemas.js';

const runsQuery = compileValidator<Static<typeof RunsQuery>>(RunsQuery, { prefix: 'query' });

export function registerRunRoutes(app: FastifyInstance, services: Services): void {
  app.get('/api/runs', async (request) => {
    const query = runsQuery.check({ ...(request.query as object) });
    return {
      data: await services.actions.listRuns({
        userId: request.userId,
        connectionId: query.connection,
        operation: query.operation,
        status: query.status,
        limit: query.limit === undefined ? undefined : Number(query.limit),
      }),
    };
  });
}

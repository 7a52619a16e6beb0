// GET /api/runs?connection=&operation=&status=&from=&to=&limit=&startingAfter= and GET /api/runs/{id}: the caller's run history —
// action calls and trigger delivery attempts — newest first, in pages (src/run-history/list-runs.ts).
import type { FastifyInstance } from 'fastify';
import type { Static } from '@sinclair/typebox';
import type { Services } from '../../app/services.js';
import { compileValidator } from '../../input-validator.js';
import { findRun, findRunCursor, listRunHistory, type RunCursor } from '../../run-history/list-runs.js';
import { invalidInput, notFound } from '../../errors.js';
import { RunsQuery } from '../schemas.js';

const runsQuery = compileValidator<Static<typeof RunsQuery>>(RunsQuery, { prefix: 'query' });

export function registerRunRoutes(app: FastifyInstance, services: Services): void {
  app.get('/api/runs', async (request) => {
    const query = runsQuery.check({ ...(request.query as object) });
    let startingAfter: RunCursor | undefined;
    if (query.startingAfter !== undefined) {
      startingAfter = await findRunCursor(services.db, request.userId, query.startingAfter);
      if (!startingAfter) throw invalidInput([{ field: 'query.startingAfter', message: 'is not one of your runs' }]);
    }
    // Stored times are toISOString()'s form, which sorts as text: the bounds are put in that form.
    const from = query.from === undefined ? undefined : new Date(query.from).toISOString();
    const to = query.to === undefined ? undefined : new Date(query.to).toISOString();
    if (from !== undefined && to !== undefined && from >= to) throw invalidInput([{ field: 'query.to', message: 'must be after from' }]);
    const page = await listRunHistory(services.db, {
      userId: request.userId,
      connectionId: query.connection,
      operation: query.operation,
      status: query.status,
      from,
      to,
      limit: query.limit === undefined ? undefined : Number(query.limit),
      startingAfter,
    });
    return { data: page.runs, hasMore: page.hasMore };
  });

  app.get<{ Params: { id: string } }>('/api/runs/:id', async (request) => {
    const run = await findRun(services.db, request.userId, request.params.id);
    if (!run) throw notFound('run', request.params.id);
    return run;
  });
}

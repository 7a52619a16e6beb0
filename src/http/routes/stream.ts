// GET /api/stream?subscription=&connection=: the caller's activity as Server-Sent Events
// (src/activity-stream/activity-feed.ts says what and how): `event: delivery` and `event: run`,
// each with its JSON in `data:`, and a `: keep-alive` comment every 15 s so proxies keep the
// connection open. Bearer auth like every route (the console reads it with fetch, since
// EventSource cannot send headers). Streams end when the server closes.
import type { FastifyInstance } from 'fastify';
import type { Static } from '@sinclair/typebox';
import type { Services } from '../../app/services.js';
import { ActivityFeed, POLL_INTERVAL_MS } from '../../activity-stream/activity-feed.js';
import { compileValidator } from '../../input-validator.js';
import { StreamQuery } from '../schemas.js';

const streamQuery = compileValidator<Static<typeof StreamQuery>>(StreamQuery, { prefix: 'query' });
/** Well under the 30–60 s idle timeouts of common proxies. */
const KEEP_ALIVE_MS = 15_000;

export interface StreamOptions {
  /** Default POLL_INTERVAL_MS (1 s). */
  pollIntervalMs?: number;
}

export function registerStreamRoutes(app: FastifyInstance, services: Services, options: StreamOptions = {}): void {
  const open = new Set<() => void>();
  app.addHook('preClose', (done) => {
    for (const end of open) end();
    done();
  });

  app.get('/api/stream', async (request, reply) => {
    const query = streamQuery.check({ ...(request.query as object) });
    // Before the stream starts: a scope that is not the caller's is an ordinary 404.
    const feed = await ActivityFeed.open(services.db, request.userId, query);
    reply.hijack();
    const raw = reply.raw;
    raw.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', connection: 'keep-alive', 'x-accel-buffering': 'no' });
    raw.write(': stream open\n\n');
    let looking = false;
    const poll = setInterval(() => {
      if (looking) return;
      looking = true;
      feed
        .look()
        .then((events) => {
          for (const { event, data } of events) raw.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
        })
        .catch((error: unknown) => request.log.warn({ err: error }, 'activity stream could not read the store'))
        .finally(() => (looking = false));
    }, options.pollIntervalMs ?? POLL_INTERVAL_MS);
    const keepAlive = setInterval(() => raw.write(': keep-alive\n\n'), KEEP_ALIVE_MS);
    const end = () => {
      clearInterval(poll);
      clearInterval(keepAlive);
      open.delete(end);
      if (!raw.writableEnded) raw.end();
    };
    open.add(end);
    request.raw.on('close', end);
  });
}

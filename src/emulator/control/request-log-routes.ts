// /_emulator/requests: the request log of the account of the request's Bearer secret key.
//   GET    /_emulator/requests   every logged API request, oldest first, and how many were dropped
//   DELETE /_emulator/requests   forget them
import { requestLogStore, type RequestLog } from '../request-log.js';
import type { ControlContext, ControlRoute } from './control-context.js';

function show(log: RequestLog): object {
  return {
    object: 'list',
    data: log.list().map((entry) => ({
      method: entry.method,
      path: entry.path,
      status: entry.status,
      received_at_ms: entry.receivedAtMs,
      answered_at_ms: entry.answeredAtMs,
    })),
    dropped: log.dropped,
  };
}

function read(ctx: ControlContext): object {
  ctx.params.finish();
  return show(ctx.account().store(requestLogStore));
}

function clear(ctx: ControlContext): object {
  ctx.params.finish();
  const log = ctx.account().store(requestLogStore);
  log.clear();
  return show(log);
}

export const requestLogRoutes: ControlRoute[] = [
  { method: 'GET', path: '/_emulator/requests', handler: read },
  { method: 'DELETE', path: '/_emulator/requests', handler: clear },
];

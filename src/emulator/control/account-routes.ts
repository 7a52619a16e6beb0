// /_emulator/account…: operations on the account of the request's Bearer secret key.
import type { ControlContext, ControlRoute } from './control-context.js';
import { missingParameter } from '../wire/errors.js';

function show(ctx: ControlContext): object {
  const account = ctx.account();
  return { object: 'emulator.account', id: account.id, orders_enabled: account.ordersEnabled };
}

function read(ctx: ControlContext): object {
  ctx.params.finish();
  return show(ctx);
}

/** Forgets every object, event and idempotency key of the account. */
function reset(ctx: ControlContext): object {
  ctx.params.finish();
  ctx.account().reset();
  return show(ctx);
}

/** Body: `enabled` — false makes /v1/orders answer 404 as today's Stripe does. */
function orders(ctx: ControlContext): object {
  const enabled = ctx.params.boolean('enabled');
  ctx.params.finish();
  if (enabled === undefined) throw missingParameter('enabled');
  ctx.account().ordersEnabled = enabled;
  return show(ctx);
}

export const accountRoutes: ControlRoute[] = [
  { method: 'GET', path: '/_emulator/account', handler: read },
  { method: 'POST', path: '/_emulator/account/reset', handler: reset },
  { method: 'POST', path: '/_emulator/account/orders', handler: orders },
];

// /_emulator/rate_limit: the per-account request rate limit, for every account of this emulator.
import type { ControlContext, ControlRoute } from './control-context.js';
import { invalidValue, missingParameter } from '../wire/errors.js';

function show(ctx: ControlContext): object {
  return { object: 'emulator.rate_limit', per_second: ctx.emulator.settings.rateLimitPerSecond };
}

function read(ctx: ControlContext): object {
  ctx.params.finish();
  return show(ctx);
}

/** Body: `per_second` — a positive integer, or `off` / `false` to switch the limit off. */
function change(ctx: ControlContext): object {
  const p = ctx.params;
  if (!p.has('per_second')) throw missingParameter('per_second');
  const raw = p.accept('per_second');
  p.finish();
  if (raw === 'off' || raw === 'false') ctx.emulator.settings.rateLimitPerSecond = false;
  else if (typeof raw === 'string' && /^[1-9]\d{0,6}$/.test(raw)) ctx.emulator.settings.rateLimitPerSecond = Number(raw);
  else throw invalidValue('per_second', 'per_second must be a positive integer, or off.');
  return show(ctx);
}

export const settingsRoutes: ControlRoute[] = [
  { method: 'GET', path: '/_emulator/rate_limit', handler: read },
  { method: 'POST', path: '/_emulator/rate_limit', handler: change },
];

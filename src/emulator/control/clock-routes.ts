// /_emulator/clock: read, set, advance, freeze the emulated clock (one per emulator).
import type { EmulatedClock } from '../clock.js';
import type { ControlContext, ControlRoute } from './control-context.js';
import { exclusiveParameters } from '../wire/errors.js';

function show(clock: EmulatedClock): object {
  return { object: 'emulator.clock', now: clock.nowSeconds(), now_ms: clock.nowMs(), frozen: clock.frozen };
}

function read(ctx: ControlContext): object {
  ctx.params.finish();
  return show(ctx.emulator.clock);
}

/** Body: `now` (unix seconds) or `now_ms`, or `advance_seconds`; optional `frozen`. */
function change(ctx: ControlContext): object {
  const p = ctx.params;
  const now = p.integer('now', { min: 0 });
  const nowMs = p.integer('now_ms', { min: 0 });
  const advanceSeconds = p.integer('advance_seconds', { min: 0 });
  const frozen = p.boolean('frozen');
  p.finish();
  const given = [now, nowMs, advanceSeconds].filter((v) => v !== undefined).length;
  if (given > 1) throw exclusiveParameters(['advance_seconds', 'now', 'now_ms']);
  const clock = ctx.emulator.clock;
  if (frozen === true) clock.freeze();
  if (now !== undefined) clock.setMs(now * 1000);
  if (nowMs !== undefined) clock.setMs(nowMs);
  if (advanceSeconds !== undefined) clock.advanceMs(advanceSeconds * 1000);
  if (frozen === false) clock.unfreeze();
  return show(clock);
}

export const clockRoutes: ControlRoute[] = [
  { method: 'GET', path: '/_emulator/clock', handler: read },
  { method: 'POST', path: '/_emulator/clock', handler: change },
];

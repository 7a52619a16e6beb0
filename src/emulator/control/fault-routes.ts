// /_emulator/faults: fault injection for the account of the request's Bearer secret key.
//   POST   /_emulator/faults       add a rule: kind, share | next, path_prefix, delay_ms, status,
//                                  should_retry; `seed` (alone or with a rule) reseeds the random source
//   GET    /_emulator/faults       the rules with their matched/fired counts, and the seed
//   DELETE /_emulator/faults       remove every rule
//   DELETE /_emulator/faults/:id   remove one rule
import { faultStore, renderFaultRule, REQUEST_FAULTS, WEBHOOK_FAULTS, type AccountFaults } from '../faults/fault-rules.js';
import { exclusiveParameters, invalidValue, missingParameter, resourceMissing } from '../wire/errors.js';
import type { ControlContext, ControlRoute } from './control-context.js';

const KINDS = [...REQUEST_FAULTS, ...WEBHOOK_FAULTS] as const;
/** A delay longer than the SDK's default 80 s timeout tests nothing more. */
const MAX_DELAY_MS = 120_000;

function show(faults: AccountFaults): object {
  return { object: 'list', data: faults.rules.map(renderFaultRule), seed: faults.seed };
}

function read(ctx: ControlContext): object {
  ctx.params.finish();
  return show(ctx.account().store(faultStore));
}

function add(ctx: ControlContext): object {
  const p = ctx.params;
  const kind = p.oneOf('kind', KINDS);
  const share = p.decimal('share', { min: 0, max: 1 });
  const next = p.integer('next', { min: 1 });
  const pathPrefix = p.nonEmptyString('path_prefix');
  const delayMs = p.integer('delay_ms', { min: 1, max: MAX_DELAY_MS });
  const status = p.integer('status', { min: 500, max: 599 });
  const shouldRetry = p.boolean('should_retry');
  const seed = p.integer('seed', { min: 0, max: 0xffffffff });
  p.finish();
  const faults = ctx.account().store(faultStore);
  if (kind === undefined) {
    if (seed === undefined) throw missingParameter('kind');
    faults.reseed(seed);
    return show(faults);
  }
  if (share !== undefined && next !== undefined) throw exclusiveParameters(['next', 'share']);
  if (share === undefined && next === undefined) throw missingParameter('share');
  const isWebhook = (WEBHOOK_FAULTS as readonly string[]).includes(kind);
  if (kind === 'delay' && delayMs === undefined) throw missingParameter('delay_ms');
  if (kind !== 'delay' && delayMs !== undefined) throw invalidValue('delay_ms', 'delay_ms applies only to kind=delay.');
  if (kind !== 'error' && status !== undefined) throw invalidValue('status', 'status applies only to kind=error.');
  if (kind !== 'error' && kind !== 'rate_limit' && shouldRetry !== undefined) {
    throw invalidValue('should_retry', 'should_retry applies only to kind=error and kind=rate_limit.');
  }
  if (isWebhook && pathPrefix !== undefined) throw invalidValue('path_prefix', 'path_prefix applies only to request faults.');
  if (pathPrefix !== undefined && !pathPrefix.startsWith('/')) throw invalidValue('path_prefix', "path_prefix must start with '/', e.g. /v1/charges.");
  if (seed !== undefined) faults.reseed(seed);
  faults.add({
    kind,
    share: share ?? null,
    remaining: next ?? null,
    pathPrefix: pathPrefix ?? null,
    delayMs: delayMs ?? null,
    status: kind === 'error' ? (status ?? 500) : null,
    shouldRetry: shouldRetry ?? null,
  });
  return show(faults);
}

function clear(ctx: ControlContext): object {
  ctx.params.finish();
  const faults = ctx.account().store(faultStore);
  faults.clear();
  return show(faults);
}

function removeOne(ctx: ControlContext): object {
  ctx.params.finish();
  const faults = ctx.account().store(faultStore);
  if (!faults.remove(ctx.path.id!)) throw resourceMissing('fault', ctx.path.id!);
  return show(faults);
}

export const faultRoutes: ControlRoute[] = [
  { method: 'GET', path: '/_emulator/faults', handler: read },
  { method: 'POST', path: '/_emulator/faults', handler: add },
  { method: 'DELETE', path: '/_emulator/faults', handler: clear },
  { method: 'DELETE', path: '/_emulator/faults/:id', handler: removeOne },
];

// GET /v1/events and /v1/events/:id, through the list engine: `type` (exact or with a `*`
// wildcard, e.g. `customer.*`), `types[]` (up to 20 exact types) and `created` filters.
import type Stripe from 'stripe';
import type { RequestContext, ResourceModule } from '../context.js';
import { listPage, readListQuery } from '../list/list-request.js';
import { exclusiveParameters, invalidValue, resourceMissing, unsupportedParameter } from '../wire/errors.js';
import { EVENT_RETENTION_SECONDS, renderEvent, type EventRecord } from './event-log.js';

/** Stripe takes at most 20 entries in `types`. */
const MAX_TYPES = 20;

function typeFilter(type: string): ((e: EventRecord) => boolean) | undefined {
  if (!type.includes('*')) return undefined;
  const pattern = new RegExp(`^${type.split('*').map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('[^]*')}$`);
  return (e) => pattern.test(e.type);
}

function list(ctx: RequestContext): object {
  const p = ctx.params;
  const query = readListQuery(p);
  const type = p.nonEmptyString('type');
  const types = p.stringArray('types', { maxItems: MAX_TYPES });
  // Webhook delivery state is not kept per event; a filter that cannot be applied is refused.
  if (p.has('delivery_success')) throw unsupportedParameter('delivery_success');
  p.finish();
  if (type !== undefined && types !== undefined) throw exclusiveParameters(['type', 'types']);
  if (types === null) throw invalidValue('types', 'Invalid array: types must not be empty');
  const log = ctx.account.events;
  log.prune(ctx.now);
  const wildcard = type === undefined ? undefined : typeFilter(type);
  const typeSet = types === undefined ? undefined : new Set(types);
  const collection = type !== undefined && wildcard === undefined ? log.all.indexed('type', type) : log.all;
  const where = wildcard ?? (typeSet === undefined ? undefined : (e: EventRecord) => typeSet.has(e.type));
  return listPage(
    '/v1/events',
    query,
    { collection, keyOf: (id) => log.all.keyOf(id), objectName: 'event', where },
    renderEvent,
  );
}

function retrieve(ctx: RequestContext): Stripe.Event {
  ctx.params.finish();
  const event = ctx.account.events.all.get(ctx.path.id!);
  if (event === undefined || event.created < ctx.now - EVENT_RETENTION_SECONDS) throw resourceMissing('event', ctx.path.id!);
  return renderEvent(event);
}

export const events: ResourceModule = {
  routes: [
    { method: 'GET', path: '/v1/events', permission: 'event', handler: list },
    { method: 'GET', path: '/v1/events/:id', permission: 'event', handler: retrieve },
  ],
};

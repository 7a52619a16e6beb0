// /_emulator/webhooks: the webhook delivery log and retries, for the account of the Bearer key.
//   GET  /_emulator/webhooks/deliveries[?event=evt_…][&endpoint=we_…]  every attempt, oldest
//        first, and the retries still waiting
//   POST /_emulator/webhooks/retry_due   send now every retry whose emulated due time has passed
//        (after POST /_emulator/clock moved the clock ahead)
import { deliveryLogStore, renderDeliveryAttempt } from '../webhooks/delivery-log.js';
import { webhookDeliveryOf } from '../webhooks/delivery.js';
import type { ControlContext, ControlRoute } from './control-context.js';

function deliveries(ctx: ControlContext): object {
  const event = ctx.params.nonEmptyString('event');
  const endpoint = ctx.params.nonEmptyString('endpoint');
  ctx.params.finish();
  const account = ctx.account();
  const entries = account.store(deliveryLogStore).list({ event, endpoint });
  const pending = webhookDeliveryOf(ctx.emulator)?.pendingRetries(account) ?? [];
  return {
    object: 'list',
    data: entries.map(renderDeliveryAttempt),
    pending_retries: pending
      .filter((r) => (event === undefined || r.event === event) && (endpoint === undefined || r.endpoint === endpoint))
      .map((r) => ({ event: r.event, endpoint: r.endpoint, attempt: r.attempt, due_at: Math.floor(r.dueMs / 1000), due_at_ms: r.dueMs })),
  };
}

function retryDue(ctx: ControlContext): object {
  ctx.params.finish();
  const sent = webhookDeliveryOf(ctx.emulator)?.retryDue(ctx.account()) ?? 0;
  return { object: 'emulator.webhook_retries', sent };
}

export const webhookRoutes: ControlRoute[] = [
  { method: 'GET', path: '/_emulator/webhooks/deliveries', handler: deliveries },
  { method: 'POST', path: '/_emulator/webhooks/retry_due', handler: retryDue },
];

// POST /webhooks/stripe/{connectionId}: Stripe's webhooks for one connection. No bearer token —
// the Stripe-Signature over the raw body is the authentication (src/trigger-sources/inbound-webhook.ts).
// The body is kept as the exact bytes received, for this route only: the signature covers bytes,
// and re-encoding a parsed body would not reproduce them.
import type { FastifyInstance } from 'fastify';
import type { InboundWebhooks } from '../../trigger-sources/inbound-webhook.js';
import { isWellFormedId } from '../../ids.js';

export function registerStripeWebhookRoutes(app: FastifyInstance, inbound: InboundWebhooks): void {
  void app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
    scope.post<{ Params: { connectionId: string } }>('/webhooks/stripe/:connectionId', async (request, reply) => {
      // Connection ids are newId('conn'): anything else is refused before the store is asked.
      if (!isWellFormedId('conn', request.params.connectionId)) throw inbound.refuseMalformed(request.params.connectionId);
      const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
      const result = await inbound.receive(request.params.connectionId, body, request.headers['stripe-signature']);
      return reply.code(200).send({ received: true, ...(result.duplicate ? { duplicate: true } : {}) });
    });
  });
}

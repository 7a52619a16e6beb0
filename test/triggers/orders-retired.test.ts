// Until the emulator (with its per-account switch for /v1/orders) is merged, these run against a
// small local HTTP server answering as Stripe does — the SDK still goes over real HTTP.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createStripeClient } from '../../src/stripe/client.js';
import { ConnectorError } from '../../src/errors.js';
import { orderAdded } from '../../src/connector/triggers/order-added.js';

interface Seen {
  url: string;
  version: string | undefined;
}

describe('orderAdded against an account without the Orders API', () => {
  const seen: Seen[] = [];
  let retired = true;
  let server: http.Server;
  let apiBase: string;

  before(async () => {
    server = http.createServer((req, res) => {
      seen.push({ url: req.url ?? '', version: req.headers['stripe-version'] as string | undefined });
      res.setHeader('content-type', 'application/json');
      res.setHeader('request-id', 'req_test');
      if (retired) {
        // Stripe's answer for a path it does not know, byte for byte in its structure.
        res.writeHead(404).end(
          JSON.stringify({
            error: {
              message: 'Unrecognized request URL (GET: /v1/orders). Please see https://stripe.com/docs or we can help at https://support.stripe.com/.',
              type: 'invalid_request_error',
            },
          }),
        );
        return;
      }
      res.writeHead(200).end(
        JSON.stringify({
          object: 'list',
          url: '/v1/orders',
          has_more: true,
          data: [
            { id: 'or_2', object: 'order', amount: 100, amount_returned: null, charge: null, created: 1_795_000_001, currency: 'usd', customer: null, email: null, selected_shipping_method: null, status: 'created', updated: null },
          ],
        }),
      );
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    apiBase = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  after(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  test('a Stripe 404 "Unrecognized request URL" for /v1/orders says that Stripe retired Orders', async () => {
    retired = true;
    const stripe = createStripeClient({ apiKey: 'sk_test_orders', apiBase });
    await assert.rejects(orderAdded.listPage(stripe, { createdGte: 1_795_000_000, limit: 100 }), (error: unknown) => {
      assert.ok(error instanceof ConnectorError);
      assert.equal(error.code, 'stripe_orders_retired');
      assert.match(error.message, /Stripe retired its Orders API/);
      assert.doesNotMatch(error.message, /sk_test/);
      return true;
    });
  });

  test('where orders still exist, they are listed with the created filter, paging cursor and the 2020-08-27 version', async () => {
    retired = false;
    const stripe = createStripeClient({ apiKey: 'sk_test_orders', apiBase });
    const page = await orderAdded.listPage(stripe, { createdGte: 1_795_000_000, limit: 100, startingAfter: 'or_9' });
    assert.deepEqual(page.data.map((o) => o.id), ['or_2']);
    assert.equal(page.has_more, true);
    const request = seen.at(-1)!;
    const query = new URL(request.url, 'http://x').searchParams;
    assert.equal(new URL(request.url, 'http://x').pathname, '/v1/orders');
    assert.equal(query.get('created[gte]'), '1795000000');
    assert.equal(query.get('limit'), '100');
    assert.equal(query.get('starting_after'), 'or_9');
    assert.equal(request.version, '2020-08-27');
  });
});

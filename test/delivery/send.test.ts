import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { generateSubscriptionSecret, signDelivery } from '../../src/delivery/signing.js';
import { sendDelivery } from '../../src/delivery/send.js';
import { RESPONSE_SNIPPET_BYTES } from '../../src/delivery/response-snippet.js';

interface Received {
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** A real subscriber on 127.0.0.1, port 0, answering each request as `answer` decides. */
async function startSubscriber(answer: (req: http.IncomingMessage, res: http.ServerResponse) => void) {
  const received: Received[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      received.push({ path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      answer(req, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    received,
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

type Subscriber = Awaited<ReturnType<typeof startSubscriber>>;

const secret = generateSubscriptionSecret();
const body = JSON.stringify({
  id: 'evt_sub1_ch_1',
  type: 'chargeAdded',
  subscription: 'sub_1',
  connection: 'conn_1',
  created: '2026-11-26T05:00:00Z',
  data: { id: 'ch_1' },
});
const headers = () => signDelivery({ secret, webhookId: 'evt_sub1_ch_1', timestamp: new Date(), body });
const allowPrivate = { allowPrivate: true };

describe('sending a delivery to a subscriber', () => {
  const subscribers: Subscriber[] = [];
  let ok: Subscriber;
  let failing: Subscriber;
  let hanging: Subscriber;
  let redirecting: Subscriber;
  let chatty: Subscriber;
  let talkative: Subscriber;
  let failingAtLength: Subscriber;

  before(async () => {
    ok = await startSubscriber((_req, res) => res.writeHead(204).end());
    failing = await startSubscriber((_req, res) => res.writeHead(500, { 'content-type': 'text/plain' }).end('database is down'));
    hanging = await startSubscriber(() => {
      /* never answers */
    });
    redirecting = await startSubscriber((_req, res) => res.writeHead(302, { location: `${ok.url}/elsewhere` }).end());
    chatty = await startSubscriber((_req, res) => res.writeHead(200).end('x'.repeat(RESPONSE_SNIPPET_BYTES * 50)));
    talkative = await startSubscriber((_req, res) => res.writeHead(200).end('stored; internal ref db-7.internal:5432'));
    // 'x' then two-byte characters: byte 256 is the second half of one, so the cut falls before it.
    failingAtLength = await startSubscriber((_req, res) => res.writeHead(503).end('x' + 'é'.repeat(300)));
    subscribers.push(ok, failing, hanging, redirecting, chatty, talkative, failingAtLength);
  });

  after(async () => {
    await Promise.all(subscribers.map((s) => s.stop()));
  });

  test('a 2xx answer is a delivery, with a body and signature the subscriber can verify', async () => {
    const result = await sendDelivery(`${ok.url}/hooks/stripe?x=1`, body, headers(), allowPrivate);
    assert.equal(result.delivered, true);
    assert.equal(result.status, 204);
    assert.equal(result.error, null);
    assert.ok(result.durationMs >= 0);
    const got = ok.received.at(-1)!;
    assert.equal(got.path, '/hooks/stripe?x=1');
    assert.equal(got.headers['content-type'], 'application/json');
    assert.equal(got.headers['webhook-id'], 'evt_sub1_ch_1');
    assert.deepEqual(new Webhook(secret).verify(got.body, got.headers as Record<string, string>), JSON.parse(body));
  });

  test('a 500 answer is not a delivery, and its status and body are kept for history', async () => {
    const result = await sendDelivery(failing.url, body, headers(), allowPrivate);
    assert.equal(result.delivered, false);
    assert.equal(result.status, 500);
    assert.equal(result.responseSnippet, 'database is down');
    assert.equal(result.error, 'answered 500');
  });

  test('a subscriber that does not answer in time is given up on at the timeout', async () => {
    const result = await sendDelivery(hanging.url, body, headers(), { ...allowPrivate, timeoutMs: 150 });
    assert.equal(result.delivered, false);
    assert.equal(result.status, null);
    assert.equal(result.error, 'no answer within 150 ms');
    assert.ok(result.durationMs >= 140 && result.durationMs < 2_000, `took ${result.durationMs} ms`);
    assert.equal(hanging.received.length, 1);
  });

  test('a redirect is a failure and is not followed', async () => {
    const before = ok.received.length;
    const result = await sendDelivery(redirecting.url, body, headers(), allowPrivate);
    assert.equal(result.delivered, false);
    assert.equal(result.status, 302);
    assert.match(result.error ?? '', /redirect to http:\/\/127\.0\.0\.1:\d+\/elsewhere\); redirects are not followed/);
    assert.equal(ok.received.length, before);
  });

  test('a success keeps nothing of its answer, short or long', async () => {
    for (const subscriber of [talkative, chatty]) {
      const result = await sendDelivery(subscriber.url, body, headers(), allowPrivate);
      assert.equal(result.delivered, true);
      assert.equal(result.responseSnippet, null);
    }
  });

  test('a failure keeps at most 256 bytes of its answer, cut on a UTF-8 character boundary', async () => {
    assert.equal(RESPONSE_SNIPPET_BYTES, 256);
    const result = await sendDelivery(failingAtLength.url, body, headers(), allowPrivate);
    assert.equal(result.delivered, false);
    assert.equal(result.responseSnippet, 'x' + 'é'.repeat(127));
    assert.equal(Buffer.byteLength(result.responseSnippet ?? ''), 255);
    assert.ok(!result.responseSnippet?.includes('\uFFFD'), 'no broken character');
  });

  test('a loopback subscriber is refused without the private-address allowance, and nothing is sent', async () => {
    const before = ok.received.length;
    const result = await sendDelivery(ok.url, body, headers());
    assert.equal(result.delivered, false);
    assert.equal(result.status, null);
    assert.match(result.error ?? '', /CALLBACK_ALLOW_PRIVATE/);
    assert.equal(ok.received.length, before);
  });

  test('the name is resolved again at send time and the request goes to the address that was checked', async () => {
    let answer = '127.0.0.1';
    const resolve = async () => [{ address: answer, family: 4 as const }];
    const url = `http://subscriber.test:${ok.port}/hook`;
    const result = await sendDelivery(url, body, headers(), { allowPrivate: true, resolve });
    assert.equal(result.delivered, true);
    assert.equal(ok.received.at(-1)!.headers.host, `subscriber.test:${ok.port}`);

    // the same name now resolves to a link-local address: checked again, refused, nothing sent
    answer = '169.254.169.254';
    const before = ok.received.length;
    const rebound = await sendDelivery(url, body, headers(), { resolve });
    assert.equal(rebound.delivered, false);
    assert.match(rebound.error ?? '', /url: is not allowed: .*non-public address/);
    assert.equal(ok.received.length, before);
  });

  test('a subscriber that is not listening is a failure with the reason', async () => {
    const gone = await startSubscriber((_req, res) => res.end());
    await gone.stop();
    const result = await sendDelivery(gone.url, body, headers(), allowPrivate);
    assert.equal(result.delivered, false);
    assert.equal(result.status, null);
    assert.match(result.error ?? '', /could not reach the subscriber: ECONNREFUSED/);
  });

  test('a connection reset before any answer is sent once more at once, on a fresh connection', async () => {
    let requests = 0;
    const flaky = await startSubscriber((req, res) => {
      requests += 1;
      // The first request's connection is cut without an answer, as a subscriber closing an idle keep-alive socket does.
      if (requests === 1) req.socket.destroy();
      else res.writeHead(204).end();
    });
    try {
      const result = await sendDelivery(flaky.url, body, headers(), allowPrivate);
      assert.equal(result.delivered, true);
      assert.equal(result.status, 204);
      assert.equal(flaky.received.length, 2);
      assert.equal(flaky.received[0]!.headers['webhook-id'], flaky.received[1]!.headers['webhook-id'], 'the same message, not a new one');
    } finally {
      await flaky.stop();
    }
  });

  test('a subscriber that keeps resetting the connection gets one retry, then the failure is reported', async () => {
    const resetting = await startSubscriber((req) => req.socket.destroy());
    try {
      const result = await sendDelivery(resetting.url, body, headers(), allowPrivate);
      assert.equal(result.delivered, false);
      assert.equal(result.status, null);
      assert.match(result.error ?? '', /could not reach the subscriber: ECONNRESET/);
      assert.equal(resetting.received.length, 2);
    } finally {
      await resetting.stop();
    }
  });
});

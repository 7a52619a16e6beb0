// A client cannot hold the server's sockets: a request dripped a byte at a time is cut at its
// deadline with a 408, an idle keep-alive socket is closed, and connections beyond the cap are
// refused at once. Real sockets against a listening server; the deadlines are short settings here
// and each assertion has several seconds of slack.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { startHarness, type Harness } from '../support/harness.js';
import { testActions } from '../support/test-actions.js';

interface Outcome {
  received: string;
  closedAfterMs: number;
}

/** Opens a socket, writes `head`, then one byte of `drip` every dripEveryMs until the server closes it (or giveUpMs). */
function dripper(port: number, head: string, drip: string, dripEveryMs: number, giveUpMs: number): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const startedAt = Date.now();
    const socket: Socket = connect(port, '127.0.0.1');
    let received = '';
    let index = 0;
    const timer = setInterval(() => {
      if (socket.writable && index < drip.length) socket.write(drip[index++]!);
    }, dripEveryMs);
    const giveUp = setTimeout(() => {
      clearInterval(timer);
      socket.destroy();
      reject(new Error(`still open after ${giveUpMs} ms; received ${JSON.stringify(received)}`));
    }, giveUpMs);
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (received += chunk));
    socket.on('error', () => {});
    socket.on('close', () => {
      clearInterval(timer);
      clearTimeout(giveUp);
      resolve({ received, closedAfterMs: Date.now() - startedAt });
    });
    socket.on('connect', () => socket.write(head));
  });
}

describe('slow and greedy clients', () => {
  let h: Harness;
  let port: number;

  before(async () => {
    h = await startHarness({
      config: { httpRequestTimeoutSeconds: 2, httpHeadersTimeoutSeconds: 1, httpKeepAliveTimeoutSeconds: 1, httpMaxConnections: 6 },
      services: { actions: testActions },
    });
    await h.app.listen({ port: 0, host: '127.0.0.1' });
    port = (h.app.server.address() as AddressInfo).port;
  });
  after(() => h?.close());

  test('three sockets dripping a webhook body a byte at a time are each answered 408 and closed at the request deadline', async () => {
    const head = 'POST /webhooks/stripe/conn_slow HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n';
    const outcomes = await Promise.all([1, 2, 3].map(() => dripper(port, head, '{'.repeat(1000), 300, 15_000)));
    for (const outcome of outcomes) {
      assert.match(outcome.received, /^HTTP\/1\.1 408 /);
      assert.equal(JSON.parse(outcome.received.slice(outcome.received.indexOf('\r\n\r\n') + 4)).error.code, 'request_timeout');
      assert.ok(outcome.closedAfterMs < 10_000, `closed after ${outcome.closedAfterMs} ms`);
    }
  });

  test('headers dripped a byte at a time are cut at the header deadline', async () => {
    const outcome = await dripper(port, 'GET /healthz HTTP/1.1\r\n', 'X-Slow: ' + 'a'.repeat(200), 200, 15_000);
    assert.match(outcome.received, /^HTTP\/1\.1 408 /);
    assert.ok(outcome.closedAfterMs < 10_000, `closed after ${outcome.closedAfterMs} ms`);
  });

  test('an idle keep-alive socket is closed after the keep-alive timeout', async () => {
    const outcome = await dripper(port, 'GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n', '', 1000, 15_000);
    assert.match(outcome.received, /^HTTP\/1\.1 200 /);
    assert.ok(outcome.closedAfterMs < 10_000, `closed after ${outcome.closedAfterMs} ms`);
  });

  test('connections beyond the cap are closed at once, and the server answers again once they are gone', async () => {
    const sockets: Socket[] = [];
    // Six open and silent sockets fill the cap (each would be cut at its header deadline).
    for (let i = 0; i < 6; i++) {
      const socket = connect(port, '127.0.0.1');
      socket.on('error', () => {});
      await new Promise((resolve) => socket.once('connect', resolve));
      sockets.push(socket);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
    const refused = await dripper(port, 'GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n', '', 1000, 5_000);
    assert.equal(refused.received, '', 'the seventh connection gets no answer');
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => setTimeout(resolve, 100));
    const answered = await fetch(`http://127.0.0.1:${port}/healthz`);
    assert.equal(answered.status, 200);
  });
});

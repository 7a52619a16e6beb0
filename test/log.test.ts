// The production logger (src/log.ts createLogger) writing JSON lines into memory: whatever is logged
// as an error, at any level, leaves its type, code and redacted message and never a stack trace.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import Fastify from 'fastify';
import { loggableError } from '../src/log.js';
import { capturedLog } from './support/captured-log.js';
import { generateToken } from '../src/users/tokens.js';

const KEY = 'sk_live_51HlogLineMustNotShowThis9';


function failure(): Error {
  const cause = Object.assign(new Error(`connect refused for ${KEY}`), { code: 'ECONNREFUSED' });
  const error = Object.assign(new Error(`no answer after 3 attempt(s) using ${KEY}`, { cause }), { code: 'stripe_unreachable' });
  assert.match(error.stack ?? '', /\n {4}at /, 'the error does carry a stack');
  return error;
}

const noStack = (text: string) => {
  assert.ok(!text.includes('"stack"'), 'no "stack" key');
  assert.ok(!/ {4}at /.test(text), 'no stack frame text');
  assert.ok(!text.includes(KEY) && !text.includes(KEY.slice(8)), 'no key');
};

test('an error logged as {err} leaves its type, code and redacted message, and its cause, with no stack, even at trace level', () => {
  for (const level of ['info', 'debug', 'trace']) {
    const { logger, text, lines } = capturedLog(level);
    logger.error({ err: failure(), connectionId: 'conn_1' }, 'poll round failed');
    noStack(text());
    const [line] = lines();
    assert.equal(line?.msg, 'poll round failed');
    assert.equal(line?.connectionId, 'conn_1');
    assert.deepEqual(line?.err, {
      type: 'Error',
      code: 'stripe_unreachable',
      message: 'no answer after 3 attempt(s) using [redacted]',
      cause: { type: 'Error', code: 'ECONNREFUSED', message: 'connect refused for [redacted]' },
    });
  }
});

test('the same under {error}, for an error logged on its own, and for one logged without a message', () => {
  const { logger, text, lines } = capturedLog();
  logger.error({ error: failure() }, 'action failed');
  logger.warn(failure());
  logger.error({ err: failure() });
  noStack(text());
  const [underError, alone, noMessage] = lines();
  assert.equal((underError?.error as { message: string }).message, 'no answer after 3 attempt(s) using [redacted]');
  assert.equal((alone?.err as { type: string }).type, 'Error');
  assert.equal(alone?.msg, 'no answer after 3 attempt(s) using [redacted]', 'the message pino takes from the error is the redacted one');
  assert.equal(noMessage?.msg, 'no answer after 3 attempt(s) using [redacted]');
});

test('message texts and a plain-text error are redacted too, connector tokens included', () => {
  const { logger, text, lines } = capturedLog();
  const token = generateToken();
  logger.error(`stop failed: ${KEY}`);
  logger.warn({ error: `answered 500 for ${token}` }, 'delivery attempt failed');
  assert.ok(!text().includes(KEY) && !text().includes(token));
  const [stop, attempt] = lines();
  assert.equal(stop?.msg, 'stop failed: [redacted]');
  assert.equal(attempt?.error, 'answered 500 for [redacted]');
});

test('loggableError of its own result changes nothing', () => {
  const once = loggableError(failure());
  assert.deepEqual(loggableError(once), once);
});

test("fastify's own error logging through this logger carries no stack either", async () => {
  const { logger, text } = capturedLog();
  const app = Fastify({ loggerInstance: logger });
  app.get('/boom', async () => {
    throw failure();
  });
  const response = await app.inject({ method: 'GET', url: '/boom' });
  await app.close();
  assert.equal(response.statusCode, 500);
  assert.match(text(), /no answer after 3 attempt\(s\) using \[redacted\]/, 'fastify logged the error');
  noStack(text());
});

test('fields named as secrets are redacted by name, whatever their value looks like: keys, secrets, tokens, authorization and signature headers', () => {
  const { logger, text, lines } = capturedLog();
  // Values no text rule recognises as a key, so only the path rule (pino's redact) can hide them.
  const plain = (what: string) => `plain-${what}-value-7f3a`;
  logger.info({ apiKey: plain('apiKey'), connection: { apiKey: plain('nested-apiKey'), id: 'conn_1' } }, 'created');
  logger.info({ secret: plain('secret'), subscription: { secret: plain('nested-secret') }, token: plain('token'), user: { token: plain('nested-token') } }, 'sealed');
  logger.info({ req: { headers: { authorization: plain('req-authorization'), 'stripe-signature': plain('req-signature') } } }, 'request');
  logger.info({ headers: { authorization: plain('authorization'), 'stripe-signature': plain('signature') } }, 'outbound');
  assert.ok(!text().includes('plain-'), `no secret-named value in the log: ${text()}`);
  const [created, sealed, request, outbound] = lines();
  assert.deepEqual(created?.connection, { apiKey: '[redacted]', id: 'conn_1' }, 'the rest of the object is kept');
  assert.equal(created?.apiKey, '[redacted]');
  assert.deepEqual([sealed?.secret, sealed?.token], ['[redacted]', '[redacted]']);
  assert.deepEqual((request?.req as { headers: unknown }).headers, { authorization: '[redacted]', 'stripe-signature': '[redacted]' });
  assert.deepEqual(outbound?.headers, { authorization: '[redacted]', 'stripe-signature': '[redacted]' });
});

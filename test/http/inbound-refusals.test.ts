// Forged inbound webhooks (POST /webhooks/stripe/{connectionId}) cost the server little: an id
// that cannot be a connection's is refused without asking the store, and the warnings about
// refusals are rate-limited and never repeat a caller's raw id. The server's own logger, captured
// in memory.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { SIGNATURE_REFUSED_MESSAGE } from '../../src/trigger-sources/inbound-webhook.js';
import { startHarness, type Harness } from '../support/harness.js';
import { capturedLog } from '../support/captured-log.js';

const MARKER = 'INJECTED-INTO-THE-LOG';

const forge = (h: Harness, connectionId: string) =>
  h.request('POST', `/webhooks/stripe/${encodeURIComponent(connectionId)}`, {
    token: null,
    body: '{"id":"evt_forged","object":"event","type":"customer.created"}',
    headers: { 'stripe-signature': `t=${Math.floor(Date.now() / 1000)},v1=${randomBytes(32).toString('hex')}` },
  });

describe('forged inbound webhooks', () => {
  let h: Harness;
  let clockMs = Date.now();
  const captured = capturedLog('debug');
  before(async () => {
    h = await startHarness({ services: { logger: captured.logger, nowMs: () => clockMs } });
  });
  after(() => h?.close());

  test('a flood of 1,000 forged requests gets one answer and at most a handful of log lines besides the access log', async () => {
    const linesBefore = captured.lines().length;
    const answers = new Set<string>();
    for (let i = 0; i < 1000; i += 1) {
      // Half malformed ids (wrong prefix, charset, length; some long), half well-formed unknown ones.
      const id =
        i % 2 === 0
          ? [`${MARKER}-${i}-${'x'.repeat(150)}`, `conn_${i}`, `cus_${randomBytes(12).toString('hex')}`, `conn_${'Z'.repeat(24)}`][(i / 2) % 4]!
          : `conn_${randomBytes(12).toString('hex')}`;
      const res = await forge(h, id);
      answers.add(`${res.statusCode} ${res.body}`);
    }
    assert.deepEqual([...answers], [`400 ${JSON.stringify({ error: { code: 'invalid_input', message: SIGNATURE_REFUSED_MESSAGE } })}`]);

    const lines = captured.lines().slice(linesBefore);
    const beyondAccessLog = lines.filter((line) => line.msg !== 'request');
    assert.ok(beyondAccessLog.length <= 5, `${beyondAccessLog.length} lines: ${JSON.stringify(beyondAccessLog)}`);
    assert.ok(beyondAccessLog.length >= 1, 'refusals are still reported');
    for (const line of beyondAccessLog) {
      assert.equal(line.msg, 'inbound Stripe webhook refused');
      assert.ok(String(line.connectionId).length <= 60, `a bounded id: ${String(line.connectionId)}`);
      assert.ok(!String(line.connectionId).includes(MARKER), 'no raw caller text beyond a truncated prefix');
    }
  });

  test('the next line after the window counts the refusals left out', async () => {
    clockMs += 11_000;
    const linesBefore = captured.lines().length;
    await forge(h, `conn_${randomBytes(12).toString('hex')}`);
    await forge(h, 'no-such-thing');
    const warnings = (captured.lines().slice(linesBefore) as unknown as { msg: string; reason: string; suppressedSinceLastLine: number; connectionId: string }[])
      .filter((line) => line.msg === 'inbound Stripe webhook refused');
    assert.equal(warnings.length, 2);
    const unknown = warnings.find((w) => /no endpoint secret/.test(w.reason))!;
    const malformed = warnings.find((w) => /not a connection id/.test(w.reason))!;
    assert.equal(unknown.suppressedSinceLastLine, 499);
    assert.equal(malformed.suppressedSinceLastLine, 499);
    assert.equal(malformed.connectionId, 'no-such-thing');
  });
});

test('an id that cannot be a connection\'s is refused without a store read: the answer is the same with the store gone', async () => {
  const h = await startHarness();
  const wellFormedAnswer = await forge(h, `conn_${randomBytes(12).toString('hex')}`);
  await h.services.db.destroy();
  try {
    for (const id of ['conn_1', 'cus_000000000000000000000000', `conn_${'0'.repeat(23)}`, `conn_${'0'.repeat(25)}`, 'conn_00000000000000000000000G']) {
      const res = await forge(h, id);
      assert.equal(res.statusCode, 400, id);
      assert.equal(res.body, wellFormedAnswer.body, id);
    }
    // A well-formed id does reach the store, which is gone.
    assert.equal((await forge(h, `conn_${randomBytes(12).toString('hex')}`)).statusCode, 500);
  } finally {
    // The store was destroyed above: closing it again may fail; the data directory goes regardless.
    await h.close().catch(() => rmSync(h.dataDir, { recursive: true, force: true }));
  }
});

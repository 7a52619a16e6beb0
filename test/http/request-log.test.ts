import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { createLogger } from '../../src/log.js';
import { startHarness, type Harness } from '../support/harness.js';

describe('request log', () => {
  let h: Harness;
  let lines: Record<string, unknown>[] = [];
  before(async () => {
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        for (const line of chunk.toString().split('\n')) if (line !== '') lines.push(JSON.parse(line) as Record<string, unknown>);
        done();
      },
    });
    const logger = createLogger({ level: 'info', destination: sink });
    h = await startHarness({ services: { logger } });
  });
  after(() => h?.close());

  test('each request leaves exactly one info line with method, URL, status and time, and no headers', async () => {
    lines = [];
    await h.request('GET', '/api/connections');
    await h.request('GET', '/api/connections/conn_missing', { token: null });
    assert.equal(lines.length, 2);
    const [ok, refused] = lines as [Record<string, unknown>, Record<string, unknown>];
    assert.equal(ok.msg, 'request');
    assert.equal(ok.method, 'GET');
    assert.equal(ok.url, '/api/connections');
    assert.equal(ok.statusCode, 200);
    assert.equal(typeof ok.responseTimeMs, 'number');
    assert.equal(typeof ok.reqId, 'string', 'the line carries the request id');
    assert.equal(refused.statusCode, 401);
    const text = JSON.stringify(lines);
    assert.ok(!text.includes(h.alice.token), 'no token');
    assert.ok(!text.includes('authorization'), 'no headers');
  });
});

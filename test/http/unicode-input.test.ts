// JSON's \u escapes can spell half of a UTF-16 surrogate pair, a string that is not Unicode text:
// the Stripe SDK cannot URL-encode it and it used to surface as a 500. Every body is checked at the
// edge: such a string, as a value or a key at any depth, is a 400 naming the field, and nothing
// runs or is recorded.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Harness } from '../support/harness.js';
import { startEmulatorWorld, type EmulatorWorld } from '../support/emulator-world.js';

const KEY = 'sk_test_unicodeInputKey0000000001';

describe('strings that are not well-formed Unicode', () => {
  let world: EmulatorWorld | undefined;
  let h: Harness;
  let connectionId: string;

  before(async () => {
    world = await startEmulatorWorld({ apiKey: KEY });
    ({ harness: h, connectionId } = world);
  });
  after(() => world?.close());

  const cases: { route: string; body: string; field: string }[] = [
    { route: 'actions/getCustomer', body: '{"id":"\\ud83d"}', field: 'id' },
    { route: 'actions/createCustomer', body: '{"description":"ok \\ude00 then"}', field: 'description' },
    { route: 'actions/createProduct', body: '{"name":"p","images":["https://a.example/x.png","https://a.example/\\ud800.png"]}', field: 'images.1' },
    { route: 'actions/createCustomer', body: '{"email":"a@b.example","\\udfff":"x"}', field: '\ufffd' },
  ];
  for (const { route, body, field } of cases) {
    test(`${route} with ${body} is a 400 naming ${JSON.stringify(field)}, and nothing runs`, async () => {
      const before = await h.countRows();
      const res = await h.request('POST', `/api/connections/${connectionId}/${route}`, { body });
      assert.equal(res.statusCode, 400, res.body);
      const error = res.json().error;
      assert.equal(error.code, 'invalid_input');
      assert.deepEqual(error.details.map((d: { field: string }) => d.field), [field]);
      assert.match(error.details[0].message, /not well-formed Unicode/);
      assert.deepEqual(await h.countRows(), before, 'no run recorded');
    });
  }

  test('a new connection whose name holds a lone surrogate is refused by name', async () => {
    const res = await h.request('POST', '/api/connections', { body: `{"name":"shop \\ud83d","apiKey":"${KEY}"}` });
    assert.equal(res.statusCode, 400, res.body);
    assert.equal(res.json().error.details[0].field, 'name');
  });

  test('a whole pair, an emoji, is ordinary text and goes through', async () => {
    const res = await h.request('POST', `/api/connections/${connectionId}/actions/createCustomer`, { body: '{"description":"thanks \\ud83d\\ude00"}' });
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(res.json().description, 'thanks 😀');
  });

  test('an invalid UTF-8 sequence in a query string is an answer, not a 500', async () => {
    const res = await h.request('GET', '/api/runs?status=%ED%A0%BD');
    assert.ok(res.statusCode === 400, `${res.statusCode} ${res.body}`);
  });
});

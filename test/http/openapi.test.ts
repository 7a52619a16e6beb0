import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness, type Harness } from '../support/harness.js';
import { testActions } from '../support/test-actions.js';

describe('published schemas', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({ services: { actions: testActions } });
  });
  after(() => h.close());

  test('GET /api/operations lists every action with the input schema that validates it and its output schema', async () => {
    const res = await h.request('GET', '/api/operations');
    assert.equal(res.statusCode, 200);
    const ops = res.json().data;
    assert.deepEqual(ops.map((o: { name: string }) => o.name), testActions.map((a) => a.name));
    const create = ops.find((o: { name: string }) => o.name === 'standInCreateCustomer');
    assert.equal(create.kind, 'action');
    assert.equal(create.input.type, 'object');
    assert.equal(create.input.additionalProperties, false, 'unknown fields are refused, and the schema says so');
    assert.equal(create.input.properties.note.additionalProperties, false);
    assert.deepEqual(Object.keys(create.output.properties).sort(), ['email', 'id']);
  });

  test('/openapi.json is OpenAPI 3.1 with a path per action carrying the same schemas as /api/operations', async () => {
    const doc = (await h.request('GET', '/openapi.json', { token: null })).json();
    assert.equal(doc.openapi, '3.1.0');
    const ops = (await h.request('GET', '/api/operations')).json().data;
    for (const op of ops) {
      const path = doc.paths[`/api/connections/{id}/actions/${op.name}`];
      assert.ok(path, op.name);
      assert.deepEqual(path.post.requestBody.content['application/json'].schema, op.input);
      assert.deepEqual(path.post.responses['200'].content['application/json'].schema, op.output);
    }
    for (const route of ['/healthz', '/api/connections', '/api/connections/{id}', '/api/operations', '/api/runs']) assert.ok(doc.paths[route], route);
    assert.deepEqual(doc.paths['/api/connections'].post.requestBody.content['application/json'].schema.required.sort(), ['apiKey', 'name']);
  });

  test('every $ref in the document resolves', async () => {
    const doc = (await h.request('GET', '/openapi.json', { token: null })).json();
    const refs = [...JSON.stringify(doc).matchAll(/"\$ref":"#\/([^"]+)"/g)].map((m) => m[1] as string);
    assert.ok(refs.length > 0);
    for (const ref of refs) {
      const target = ref.split('/').reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], doc);
      assert.ok(target, ref);
    }
  });
});

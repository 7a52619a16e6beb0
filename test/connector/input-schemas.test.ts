// The input schemas are what the HTTP layer validates with ajv before any Stripe call; these
// tests compile them the same way (ajv + ajv-formats) and check each rule names its field.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import type { TSchema } from '@sinclair/typebox';
import { actions } from '../../src/connector/actions/index.js';
import { actionNamed } from './action-suite.js';

const ajv = new Ajv({ allErrors: true, strict: false });
addFormats.default(ajv);

function problems(actionName: string, input: unknown): string[] {
  const action = actionNamed(actionName);
  const validate = ajv.compile(action.input as TSchema);
  if (validate(input)) return [];
  return (validate.errors ?? []).map((e) => (e.instancePath || `/${String(e.params.missingProperty ?? e.params.additionalProperty ?? '')}`));
}

describe('action input schemas', () => {
  test('the five documented actions are registered, in order, each findable by name', () => {
    assert.deepEqual(actions.map((a) => a.name), ['createCustomer', 'getCustomer', 'updateCustomer', 'createProduct', 'updateProduct']);
    // Findable by name: no two share one, and a name outside the five is none of them.
    for (const action of actions) assert.equal(actionNamed(action.name), action);
    assert.equal(actions.find((action) => action.name === 'deleteEverything'), undefined);
  });

  test('a malformed email is refused naming email; an empty one is allowed (it unsets)', () => {
    assert.ok(problems('createCustomer', { email: 'not-an-email' }).includes('/email'));
    assert.deepEqual(problems('updateCustomer', { id: 'cus_1', email: '' }), []);
    assert.deepEqual(problems('createCustomer', { email: 'a@example.com', description: 'x' }), []);
  });

  test('unknown fields are refused and named', () => {
    assert.deepEqual(problems('createCustomer', { name: 'Ann' }), ['/name']);
    assert.deepEqual(problems('getCustomer', { id: 'cus_1', expand: ['x'] }), ['/expand']);
  });

  test("Stripe's length limits are enforced before any call", () => {
    assert.ok(problems('createCustomer', { description: 'x'.repeat(5001) }).includes('/description'));
    assert.deepEqual(problems('createCustomer', { description: 'x'.repeat(5000) }), []);
    assert.ok(problems('createProduct', { name: 'n', caption: 'x'.repeat(501) }).includes('/caption'));
  });

  test('ids and product names are required where documented, updateProduct included', () => {
    assert.deepEqual(problems('getCustomer', {}), ['/id']);
    assert.deepEqual(problems('updateProduct', { id: 'prod_1' }), ['/name']);
    assert.deepEqual(problems('createProduct', {}), ['/name']);
    assert.ok(problems('getCustomer', { id: '' }).includes('/id'));
  });

  test('images may be an array of at most 8 absolute URLs or a string; anything else names images', () => {
    const urls = (n: number) => Array.from({ length: n }, (_, i) => `https://a.example/${i}.png`);
    assert.deepEqual(problems('createProduct', { name: 'n', images: urls(8) }), []);
    assert.deepEqual(problems('createProduct', { name: 'n', images: urls(8).join(',') }), []);
    assert.ok(problems('createProduct', { name: 'n', images: urls(9) }).every((p) => p.startsWith('/images')));
    assert.ok(problems('createProduct', { name: 'n', images: urls(9) }).length > 0);
    assert.ok(problems('createProduct', { name: 'n', images: ['relative/a.png'] }).some((p) => p.startsWith('/images')));
    assert.ok(problems('createProduct', { name: 'n', images: 42 }).some((p) => p.startsWith('/images')));
  });

  test('url must be absolute, or empty to unset it', () => {
    assert.ok(problems('createProduct', { name: 'n', url: 'shop/page' }).some((p) => p.startsWith('/url')));
    assert.deepEqual(problems('updateProduct', { id: 'prod_1', name: 'n', url: '' }), []);
  });

  test('every output schema allows no fields beyond the documented ones', () => {
    for (const action of actions) assert.equal((action.output as { additionalProperties?: boolean }).additionalProperties, false, action.name);
  });
});

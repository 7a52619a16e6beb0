import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness, type Harness } from '../support/harness.js';
import { testActions } from '../support/test-actions.js';
import { findTrigger, triggers } from '../../src/connector/triggers/index.js';
import { newSubscriptionBody } from '../../src/trigger-sources/subscription-body.js';
import { DeliverySchema } from '../../src/delivery/delivery-view.js';
import { DeliveriesQuery, NewUserBody, SubscriptionsQuery } from '../../src/http/schemas.js';

describe('published schemas', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({ services: { actions: testActions } });
  });
  after(() => h?.close());

  test('GET /api/operations lists every action with the input schema that validates it and its output schema', async () => {
    const res = await h.request('GET', '/api/operations');
    assert.equal(res.statusCode, 200);
    const ops = res.json().data;
    assert.deepEqual(ops.filter((o: { kind: string }) => o.kind === 'action').map((o: { name: string }) => o.name), testActions.map((a) => a.name));
    const create = ops.find((o: { name: string }) => o.name === 'standInCreateCustomer');
    assert.equal(create.kind, 'action');
    assert.equal(create.input.type, 'object');
    assert.equal(create.input.additionalProperties, false, 'unknown fields are refused, and the schema says so');
    assert.equal(create.input.properties.note.additionalProperties, false);
    assert.deepEqual(Object.keys(create.output.properties).sort(), ['email', 'id']);
  });

  test('GET /api/operations lists the four triggers: the subscription body for each as input, the event data shape as output', async () => {
    interface Schema {
      required: string[];
      additionalProperties: boolean;
      properties: Record<string, { const?: string }>;
    }
    const ops = (await h.request('GET', '/api/operations')).json().data as { kind: string; name: string; input: Schema; output: Schema }[];
    const triggerOps = ops.filter((o) => o.kind === 'trigger');
    assert.deepEqual(triggerOps.map((o) => o.name), triggers.map((t) => t.name));
    for (const op of triggerOps) {
      const trigger = findTrigger(op.name)!;
      assert.deepEqual(op.output, JSON.parse(JSON.stringify(trigger.output)), `${op.name} output is the documented data shape`);
      assert.deepEqual(op.input.required, ['trigger', 'url']);
      assert.equal(op.input.properties.trigger?.const, op.name, 'the input subscribes to this trigger and no other');
      assert.equal(op.input.additionalProperties, false);
      // The narrowed schema is the validating one with `trigger` fixed: same fields, same rules.
      const { trigger: _narrowed, ...published } = op.input.properties;
      const { trigger: _any, ...validating } = JSON.parse(JSON.stringify(newSubscriptionBody.schema)).properties as Record<string, unknown>;
      assert.deepEqual(published, validating);
    }
    const customer = triggerOps.find((o) => o.name === 'customerAdded')!;
    assert.deepEqual(Object.keys(customer.output.properties).sort(), ['account_balance', 'created', 'currency', 'delinquent', 'description', 'discount', 'email', 'id']);
  });

  test('/openapi.json documents every subscription route with the schemas that validate its requests', async () => {
    const doc = (await h.request('GET', '/openapi.json', { token: null })).json();
    const routes: [string, string][] = [
      ['/api/connections/{id}/subscriptions', 'post'],
      ['/api/subscriptions', 'get'],
      ['/api/subscriptions/{id}', 'get'],
      ['/api/subscriptions/{id}', 'delete'],
      ['/api/subscriptions/{id}/pause', 'post'],
      ['/api/subscriptions/{id}/resume', 'post'],
      ['/api/subscriptions/{id}/deliveries', 'get'],
      ['/api/deliveries/{id}/retry', 'post'],
      ['/api/runs', 'get'],
      ['/webhooks/stripe/{connectionId}', 'post'],
    ];
    for (const [path, method] of routes) assert.ok(doc.paths[path]?.[method]?.responses, `${method.toUpperCase()} ${path}`);

    const create = doc.paths['/api/connections/{id}/subscriptions'].post;
    assert.deepEqual(create.requestBody.content['application/json'].schema, JSON.parse(JSON.stringify(newSubscriptionBody.schema)), 'the published body is the validating one');
    assert.ok(create.responses['201'].content['application/json'].schema.properties.secret);
    // A body the published schema refuses, the route refuses too, naming each field (an IP literal: no DNS),
    // on one of the caller's connections (an unknown one is a 404 before the body is looked at).
    const connectionId = 'conn_0000000000000000openapi0';
    await h.services.db
      .insertInto('connections')
      .values({ id: connectionId, user_id: h.alice.userId, name: 'unused', mode: 'test', key_hint: 'sk_test_…0000', key_ciphertext: 'unused', api_base: 'https://api.stripe.com', api_version: null, rate_limit: null, key_check: 'verified', created_at: new Date().toISOString() })
      .execute();
    const refused = await h.request('POST', `/api/connections/${connectionId}/subscriptions`, { body: { trigger: 'customerAdded', url: 'https://93.184.215.14/hook', pollIntervalSeconds: 0, colour: 'red' } });
    assert.equal(refused.statusCode, 400);
    assert.deepEqual(refused.json().error.details.map((p: { field: string }) => p.field).sort(), ['colour', 'pollIntervalSeconds']);

    const listParams = doc.paths['/api/subscriptions'].get.parameters.map((p: { name: string }) => p.name);
    assert.deepEqual(listParams.sort(), Object.keys(SubscriptionsQuery.properties).sort());
    assert.equal(doc.paths['/api/subscriptions'].get.responses['200'].content['application/json'].schema.properties.hasMore.type, 'boolean');
    const deliveryParams = doc.paths['/api/subscriptions/{id}/deliveries'].get.parameters.map((p: { name: string }) => p.name);
    assert.deepEqual(deliveryParams.sort(), Object.keys(DeliveriesQuery.properties).sort());
    const page = doc.paths['/api/subscriptions/{id}/deliveries'].get.responses['200'].content['application/json'].schema;
    assert.equal(page.properties.hasMore.type, 'boolean');
    assert.deepEqual(page.properties.data.items, JSON.parse(JSON.stringify(DeliverySchema)));
    assert.deepEqual(doc.paths['/api/deliveries/{id}/retry'].post.responses['200'].content['application/json'].schema, JSON.parse(JSON.stringify(DeliverySchema)));
    const runKinds = doc.paths['/api/runs'].get.responses['200'].content['application/json'].schema.properties.data.items.anyOf.map(
      (s: { properties: { kind: { const: string } } }) => s.properties.kind.const,
    );
    assert.deepEqual(runKinds, ['action', 'delivery']);
    assert.deepEqual(doc.paths['/webhooks/stripe/{connectionId}'].post.security, [], 'Stripe signs; no bearer token');
  });

  test('/openapi.json is OpenAPI 3.1 with a path per action carrying the same schemas as /api/operations', async () => {
    const doc = (await h.request('GET', '/openapi.json', { token: null })).json();
    assert.equal(doc.openapi, '3.1.0');
    const ops = (await h.request('GET', '/api/operations')).json().data.filter((o: { kind: string }) => o.kind === 'action');
    for (const op of ops) {
      const path = doc.paths[`/api/connections/{id}/actions/${op.name}`];
      assert.ok(path, op.name);
      assert.deepEqual(path.post.requestBody.content['application/json'].schema, op.input);
      assert.deepEqual(path.post.responses['200'].content['application/json'].schema, op.output);
    }
    for (const route of ['/healthz', '/api/connections', '/api/connections/{id}', '/api/operations', '/api/runs']) assert.ok(doc.paths[route], route);
    assert.deepEqual(doc.paths['/api/connections'].post.requestBody.content['application/json'].schema.required.sort(), ['apiKey', 'name']);
  });

  test('/openapi.json documents the token and user routes with the schemas that validate them', async () => {
    const doc = (await h.request('GET', '/openapi.json', { token: null })).json();
    for (const [path, method] of [['/api/tokens', 'get'], ['/api/tokens', 'post'], ['/api/tokens/{id}', 'delete'], ['/api/users', 'post']] as const) {
      assert.ok(doc.paths[path]?.[method]?.responses, `${method.toUpperCase()} ${path}`);
    }
    const newUser = doc.paths['/api/users'].post;
    assert.deepEqual(newUser.requestBody.content['application/json'].schema, JSON.parse(JSON.stringify(NewUserBody)));
    assert.deepEqual(Object.keys(newUser.responses['201'].content['application/json'].schema.properties).sort(), ['id', 'name', 'token']);
    assert.ok(newUser.responses['403'], 'a non-admin is refused, and the document says so');
    assert.equal(doc.paths['/api/tokens'].post.requestBody.required, false, 'POST /api/tokens takes no body');
    assert.deepEqual(Object.keys(doc.paths['/api/tokens'].get.responses['200'].content['application/json'].schema.properties.data.items.properties).sort(), ['createdAt', 'current', 'id']);
    assert.ok(doc.paths['/api/tokens/{id}'].delete.responses['409'], 'the last admin token is kept');
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

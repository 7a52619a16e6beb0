// Every 400 names the field and says the rule in words. The bad values are drawn from the schemas
// themselves — every action and trigger input GET /api/operations publishes, and the query schemas
// of the list routes — so a field added tomorrow is covered by this table without editing it.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { TSchema } from '@sinclair/typebox';
import { startEmulatorWorld, type EmulatorWorld } from '../support/emulator-world.js';
import { DeliveriesQuery, RunsQuery, SubscriptionsQuery } from '../../src/http/schemas.js';
import { WHOLE_NUMBER } from '../../src/input-validator.js';

interface Schema {
  type?: string;
  format?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  maxItems?: number;
  items?: Schema;
  anyOf?: Schema[];
  const?: unknown;
  enum?: unknown[];
  properties?: Record<string, Schema>;
  required?: string[];
  [WHOLE_NUMBER]?: { minimum: number; maximum: number };
}

interface Problem {
  field: string;
  message: string;
}

interface BadValue {
  what: string;
  value: unknown;
  /** The field the answer must name; default the field itself. */
  field?: string;
}

const FORMATS: Record<string, { good: string; bad: string }> = {
  email: { good: 'kim@example.com', bad: 'kim at example' },
  uri: { good: 'https://example.com/a.png', bad: 'not a url' },
  'date-time': { good: '2026-01-01T00:00:00Z', bad: 'yesterday' },
};

const forms = (schema: Schema): Schema[] => (schema.anyOf ? schema.anyOf.flatMap(forms) : [schema]);

function jsonType(value: unknown): string {
  if (Array.isArray(value)) return 'array';
  if (value === null) return 'null';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

function takesType(schema: Schema, value: unknown): boolean {
  return forms(schema).some((form) => {
    if ('const' in form) return jsonType(form.const) === jsonType(value);
    const type = jsonType(value);
    return form.type === type || (form.type === 'number' && type === 'integer');
  });
}

/** A value the schema accepts (for the required fields of a valid base body). */
function goodValue(schema: Schema): unknown {
  const form = forms(schema).find((f) => !('const' in f) || f.const !== '') ?? forms(schema)[0]!;
  if ('const' in form) return form.const;
  if (form.enum) return form.enum[0];
  if (form.format) return FORMATS[form.format]!.good;
  if (form[WHOLE_NUMBER]) return String(form[WHOLE_NUMBER].minimum);
  if (form.type === 'integer' || form.type === 'number') return form.minimum ?? 1;
  if (form.type === 'boolean') return true;
  if (form.type === 'array') return [];
  return 'a'.repeat(Math.max(1, form.minLength ?? 1));
}

/** Wrong type, too short or long, bad format, out of range, too many items, a bad item, not an allowed value. */
function badValues(name: string, schema: Schema, options: { query: boolean }): BadValue[] {
  const bad: BadValue[] = [];
  if (options.query) {
    // A query value is always text; a repeated parameter arrives as an array.
    bad.push({ what: 'given twice', value: ['1', '2'] });
  } else {
    const wrong = [12345, 'text', true, { nested: 1 }].find((value) => !takesType(schema, value));
    if (wrong !== undefined) bad.push({ what: 'of the wrong type', value: wrong });
  }
  const acceptsEmpty = forms(schema).some((f) => f.const === '' || (f.type === 'string' && !f.minLength && !f.format && !f[WHOLE_NUMBER]));
  for (const form of forms(schema)) {
    if ('const' in form || form.enum) continue;
    if (form.maxLength !== undefined) bad.push({ what: 'too long', value: 'a'.repeat(form.maxLength + 1) });
    if (form.minLength !== undefined && form.minLength > 0 && !acceptsEmpty) bad.push({ what: 'too short', value: '' });
    if (form.format) bad.push({ what: 'of a bad format', value: FORMATS[form.format]!.bad });
    if (form.minimum !== undefined) bad.push({ what: 'below its minimum', value: form.minimum - 1 });
    if (form.maximum !== undefined) bad.push({ what: 'above its maximum', value: form.maximum + 1 });
    const whole = form[WHOLE_NUMBER];
    if (whole) {
      bad.push({ what: 'below its range', value: String(whole.minimum - 1) });
      bad.push({ what: 'above its range', value: String(whole.maximum + 1) });
      for (const text of ['ten', '1.5', '-1', '']) bad.push({ what: `not a whole number (${JSON.stringify(text)})`, value: text });
    }
    if (form.type === 'array' && form.items) {
      const item = goodValue(form.items);
      if (form.maxItems !== undefined) bad.push({ what: 'with too many items', value: Array.from({ length: form.maxItems + 1 }, () => item) });
      const badItem = badValues(`${name}.1`, form.items, options).find((b) => b.what !== 'of the wrong type') ?? { value: 12345 };
      bad.push({ what: 'with a bad second item', value: [item, badItem.value], field: `${name}.1` });
    }
  }
  if (forms(schema).every((f) => 'const' in f || f.enum)) bad.push({ what: 'not an allowed value', value: 'noSuchValue' });
  return bad;
}

function assertInWords(body: { error: { code: string; message: string; details?: Problem[] } }, context: string): void {
  assert.equal(body.error.code, 'invalid_input', context);
  for (const text of [body.error.message, ...(body.error.details ?? []).map((p) => p.message)]) {
    assert.ok(text.trim() !== '', `${context}: an empty message`);
    assert.doesNotMatch(text, /[\^$]|\\d/, `${context}: a regular expression in "${text}"`);
    assert.doesNotMatch(text, /does not match any allowed form|must match pattern/, `${context}: "${text}"`);
  }
}

describe('every 400 names the field and says the rule in words', () => {
  let world: EmulatorWorld;
  let subscriptionId: string;

  before(async () => {
    // Far above the calls this table makes: the throttle comes before validation.
    world = await startEmulatorWorld({ config: { callbackAllowPrivate: true, actionRateLimit: 100_000 } });
    const created = await world.harness.request('POST', `/api/connections/${world.connectionId}/subscriptions`, {
      body: { trigger: 'customerAdded', url: 'http://127.0.0.1:9/hook' },
    });
    assert.equal(created.statusCode, 201, created.body);
    subscriptionId = created.json().id;
  });
  after(() => world?.close());

  async function checkBody(post: (body: unknown) => ReturnType<EmulatorWorld['action']>, schema: Schema, base: Record<string, unknown>, label: string) {
    const cases: { what: string; body: Record<string, unknown>; field: string }[] = [];
    for (const [name, property] of Object.entries(schema.properties ?? {})) {
      for (const bad of badValues(name, property, { query: false })) {
        cases.push({ what: `${name} ${bad.what}`, body: { ...base, [name]: bad.value }, field: bad.field ?? name });
      }
    }
    for (const name of schema.required ?? []) {
      const { [name]: _left, ...rest } = base;
      cases.push({ what: `${name} missing`, body: rest, field: name });
    }
    cases.push({ what: 'an unknown field', body: { ...base, colour: 'red' }, field: 'colour' });
    assert.ok(cases.length > 2, `${label}: the table has cases`);
    for (const c of cases) {
      const res = await post(c.body);
      const context = `${label}, ${c.what}`;
      assert.equal(res.statusCode, 400, `${context}: ${res.body}`);
      const body = res.json();
      assertInWords(body, context);
      const fields = (body.error.details as Problem[]).map((p) => p.field);
      assert.ok(fields.includes(c.field), `${context}: names ${c.field}, got ${JSON.stringify(body.error.details)}`);
      assert.deepEqual(fields.filter((f) => f !== c.field), [], `${context}: names nothing else (the rest of the body is valid)`);
    }
  }

  test('each action input published in GET /api/operations', async () => {
    const operations = (await world.harness.request('GET', '/api/operations')).json().data as { kind: string; name: string; input: Schema }[];
    const actions = operations.filter((o) => o.kind === 'action');
    assert.ok(actions.length >= 5);
    for (const action of actions) {
      const base = Object.fromEntries((action.input.required ?? []).map((name) => [name, goodValue(action.input.properties![name]!)]));
      await checkBody((body) => world.action(action.name, body), action.input, base, action.name);
    }
  });

  test('each trigger subscription body published in GET /api/operations', async () => {
    const operations = (await world.harness.request('GET', '/api/operations')).json().data as { kind: string; name: string; input: Schema }[];
    const triggers = operations.filter((o) => o.kind === 'trigger');
    assert.ok(triggers.length >= 4);
    for (const trigger of triggers) {
      // A loopback URL: the URL guard runs beside the schema, and this server allows private addresses.
      const base = { trigger: trigger.name, url: 'http://127.0.0.1:9/hook' };
      const post = (body: unknown) => world.harness.request('POST', `/api/connections/${world.connectionId}/subscriptions`, { body });
      await checkBody(post, trigger.input, base, `${trigger.name} subscription`);
    }
  });

  test('the query parameters of the list routes', async () => {
    const routes: [string, TSchema][] = [
      ['/api/runs', RunsQuery],
      ['/api/subscriptions', SubscriptionsQuery],
      [`/api/subscriptions/${subscriptionId}/deliveries`, DeliveriesQuery],
    ];
    for (const [path, querySchema] of routes) {
      const schema = JSON.parse(JSON.stringify(querySchema)) as Schema;
      const cases: { what: string; query: string; field: string }[] = [{ what: 'an unknown parameter', query: 'colour=red', field: 'query.colour' }];
      for (const [name, property] of Object.entries(schema.properties ?? {})) {
        for (const bad of badValues(name, property, { query: true })) {
          const values = Array.isArray(bad.value) ? bad.value : [bad.value];
          cases.push({ what: `${name} ${bad.what}`, query: values.map((v) => `${name}=${encodeURIComponent(String(v))}`).join('&'), field: `query.${name}` });
        }
      }
      for (const c of cases) {
        const res = await world.harness.request('GET', `${path}?${c.query}`);
        const context = `GET ${path}?${c.query.slice(0, 60)} (${c.what})`;
        assert.equal(res.statusCode, 400, `${context}: ${res.body.slice(0, 300)}`);
        const body = res.json();
        assertInWords(body, context);
        assert.deepEqual((body.error.details as Problem[]).map((p) => p.field), [c.field], context);
      }
    }
  });

  test('a limit out of range is told the range, not a regular expression', async () => {
    for (const path of ['/api/runs', '/api/subscriptions', `/api/subscriptions/${subscriptionId}/deliveries`]) {
      const res = await world.harness.request('GET', `${path}?limit=5000`);
      assert.equal(res.statusCode, 400);
      assert.deepEqual(res.json().error.details, [{ field: 'query.limit', message: 'must be a whole number from 1 to 1000' }]);
    }
  });

  test('images: too many in either form, and a bad URL named by its position', async () => {
    const nine = Array.from({ length: 9 }, (_, i) => `https://example.com/${i}.png`);
    const asArray = await world.action('createProduct', { name: 'Lamp', images: nine });
    assert.deepEqual(asArray.json().error.details, [{ field: 'images', message: 'must have at most 8 items (it has 9)' }]);
    const asText = await world.action('createProduct', { name: 'Lamp', images: nine.join(',') });
    assert.deepEqual(asText.json().error.details, [{ field: 'images', message: 'must have at most 8 URLs (it has 9)' }]);
    const badInArray = await world.action('createProduct', { name: 'Lamp', images: ['https://example.com/a.png', 'lamp.png'] });
    assert.deepEqual(badInArray.json().error.details, [{ field: 'images.1', message: 'must be an absolute URL' }]);
    const badInText = await world.action('createProduct', { name: 'Lamp', images: 'https://example.com/a.png, lamp.png' });
    assert.deepEqual(badInText.json().error.details, [{ field: 'images.1', message: 'must be an absolute http(s) URL, not "lamp.png"' }]);
    const neither = await world.action('createProduct', { name: 'Lamp', images: 42 });
    assert.deepEqual(neither.json().error.details, [
      { field: 'images', message: 'must be a JSON array or a comma-separated string of at most 8 absolute http(s) URLs' },
    ]);
  });

  test('an email or URL of the wrong form is told the form', async () => {
    const email = await world.action('createCustomer', { email: 'kim at example' });
    assert.deepEqual(email.json().error.details, [{ field: 'email', message: 'must be an email address' }]);
    const url = await world.action('updateProduct', { id: 'prod_1', name: 'Lamp', url: 'example.com' });
    assert.deepEqual(url.json().error.details, [{ field: 'url', message: 'must be an absolute URL' }]);
  });

  test('a field of the wrong type, out of range or too long is told the rule', async () => {
    const res = await world.harness.request('POST', `/api/connections/${world.connectionId}/subscriptions`, {
      body: { trigger: 'customerAdded', url: 'http://127.0.0.1:9/hook', pollIntervalSeconds: 0, mode: 'sometimes' },
    });
    assert.deepEqual(res.json().error.details, [
      { field: 'mode', message: 'must be one of "poll", "webhook", "hybrid"' },
      { field: 'pollIntervalSeconds', message: 'must be at least 1' },
    ]);
    const typed = await world.action('createProduct', { name: 7, active: 'yes', description: 'a'.repeat(40_001) });
    assert.deepEqual(typed.json().error.details, [
      { field: 'name', message: 'must be a string' },
      { field: 'active', message: 'must be true or false' },
      { field: 'description', message: 'must be at most 40000 characters long' },
    ]);
  });
});

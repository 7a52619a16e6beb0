// The exported custom connector: valid Swagger 2.0 (checked by @apidevtools/swagger-parser, as the
// platform's importer would), within the import and certification rules (the project's own check),
// with the certified connector's operationIds, inputs and outputs; the same files from the CLI and,
// zipped, from the API route.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { inflateSync } from 'node:zlib';
import SwaggerParser from '@apidevtools/swagger-parser';
import { actions } from '../../src/connector/actions/index.js';
import { triggers } from '../../src/connector/triggers/index.js';
import { buildPowerAutomateExport, EXPORT_FILE_NAMES } from '../../src/power-automate/export-bundle.js';
import { checkApiDefinition, checkApiProperties } from '../../src/power-automate/definition-rules.js';
import { startHarness, type Harness } from '../support/harness.js';
import { BUILT_MAIN, ensureBuiltCli } from '../support/built-cli.js';

// The children run the built command; build it first if src/ is newer.
before(ensureBuiltCli);

const run = promisify(execFile);
type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- JSON of any shape under test

const PUBLIC_URL = 'https://connector.example.com/stripe';

function exportedDefinition(publicUrl = PUBLIC_URL): Json {
  return JSON.parse(buildPowerAutomateExport(publicUrl)[0]!.content.toString('utf8')) as Json;
}

function operations(definition: Json): Json[] {
  return Object.values(definition.paths as Record<string, Json>).flatMap((item) => Object.values(item) as Json[]);
}

/** The stored entries of a zip, read from its local headers (the export writes no compression). */
function unzip(zip: Buffer): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  for (let at = 0; zip.readUInt32LE(at) === 0x04034b50; ) {
    assert.equal(zip.readUInt16LE(at + 8), 0, 'stored');
    const size = zip.readUInt32LE(at + 18);
    const nameLength = zip.readUInt16LE(at + 26);
    const extra = zip.readUInt16LE(at + 28);
    const name = zip.toString('utf8', at + 30, at + 30 + nameLength);
    const start = at + 30 + nameLength + extra;
    files.set(name, zip.subarray(start, start + size));
    at = start + size;
  }
  return files;
}

describe('export power-automate', () => {
  test('the definition is valid Swagger 2.0 and breaks none of the import and certification rules', async () => {
    const files = buildPowerAutomateExport(PUBLIC_URL);
    assert.deepEqual(files.map((f) => f.name), [...EXPORT_FILE_NAMES]);
    const definition = JSON.parse(files[0]!.content.toString('utf8')) as Json;
    await SwaggerParser.validate(structuredClone(definition) as never);
    assert.deepEqual(checkApiDefinition(definition, files[0]!.content.length), []);
    assert.deepEqual(checkApiProperties(JSON.parse(files[1]!.content.toString('utf8')) as Json), []);
    assert.ok(files[0]!.content.length < 1024 * 1024);
    assert.equal(definition.swagger, '2.0');
    assert.equal(definition.host, 'connector.example.com');
    assert.equal(definition.basePath, '/stripe');
    assert.deepEqual(definition.schemes, ['https']);
    assert.deepEqual(definition.securityDefinitions, { api_key: { type: 'apiKey', in: 'header', name: 'Authorization' } });
    assert.equal(definition['x-ms-capabilities'].testConnection.operationId, 'ListConnections');
  });

  test('the rule check catches each kind of breach', () => {
    const definition = exportedDefinition();
    definition.info.title = 'Stripe Connector API for everyone';
    const create = definition.paths['/api/connections/{connectionId}/actions/createCustomer'].post;
    create.operationId = 'create_customer';
    create.summary = 'Create a customer/contact.';
    create.description = create.summary;
    create.responses = { 400: { description: 'bad' } };
    delete create.parameters[1].schema.properties.email['x-ms-summary'];
    const rules = checkApiDefinition(definition, 2 * 1024 * 1024).map((b) => `${b.at}: ${b.rule}`);
    for (const expected of [
      'apiDefinition.swagger.json: under 1 MB',
      'info.title: 1 to 30 characters',
      'info.title: no "API" or "Connector" in the title',
      'paths./api/connections/{connectionId}/actions/createCustomer.post.operationId: PascalCase, without - or _',
      'paths./api/connections/{connectionId}/actions/createCustomer.post.summary: no "/"',
      'paths./api/connections/{connectionId}/actions/createCustomer.post.summary: no trailing punctuation',
      'paths./api/connections/{connectionId}/actions/createCustomer.post.description: differs from the summary',
      'paths./api/connections/{connectionId}/actions/createCustomer.post.responses: declares a 2xx response',
      'paths./api/connections/{connectionId}/actions/createCustomer.post.parameters.1.schema.properties.email: every field has an x-ms-summary',
    ]) {
      assert.ok(rules.includes(expected), `${expected}\n in ${rules.join('\n')}`);
    }
    assert.deepEqual(
      checkApiProperties({ properties: { iconBrandColor: '#ffffff', capabilities: ['actions'], connectionParameters: { api_key: { type: 'string' } } } }).map((b) => b.at),
      ['properties.iconBrandColor', 'properties.capabilities', 'properties.connectionParameters.api_key'],
    );
  });

  test('the five actions keep the certified operationIds, their inputs and documented outputs, each field labelled', () => {
    const definition = exportedDefinition();
    const expected: Record<string, string> = {
      createCustomer: 'CreateCustomer',
      getCustomer: 'GetCustomer',
      updateCustomer: 'UpdateCustomer',
      createProduct: 'CreateProduct',
      updateProduct: 'UpdateProduct',
    };
    for (const action of actions) {
      const operation = definition.paths[`/api/connections/{connectionId}/actions/${action.name}`].post as Json;
      assert.equal(operation.operationId, expected[action.name]);
      const [connection, body] = operation.parameters as Json[];
      assert.equal(connection!['x-ms-dynamic-values'].operationId, 'ListConnections', 'the connection is picked from a list');
      const input = JSON.parse(JSON.stringify(action.input)) as Json;
      assert.deepEqual(Object.keys(body!.schema.properties), Object.keys(input.properties));
      assert.deepEqual(body!.schema.required ?? [], input.required ?? []);
      for (const required of input.required ?? []) assert.equal(body!.schema.properties[required]['x-ms-visibility'], 'important');
      const output = operation.responses['200'].schema as Json;
      assert.deepEqual(Object.keys(output.properties), Object.keys((action.output as Json).properties));
    }
    const create = definition.paths['/api/connections/{connectionId}/actions/createCustomer'].post.parameters[1].schema.properties;
    assert.equal(create.email['x-ms-visibility'], 'important');
    assert.equal(create.email['x-ms-summary'], 'Email');
    const customer = definition.paths['/api/connections/{connectionId}/actions/getCustomer'].post.responses['200'].schema.properties;
    assert.equal(customer.account_balance['x-ms-summary'], 'Account balance');
    assert.equal(customer.discount['x-nullable'], true, 'null where Stripe has no value, said the Swagger 2.0 way');
    assert.equal(customer.discount.properties.coupon.properties.duration.type, 'string');
    assert.deepEqual(customer.discount.properties.coupon.properties.duration.enum, ['forever', 'once', 'repeating']);
  });

  test('each trigger is a polling trigger with the certified operationId and an instant twin', () => {
    const definition = exportedDefinition();
    const ids: Record<string, string> = { chargeAdded: 'OnNewCharge', customerAdded: 'OnNewCustomer', invoiceItemAdded: 'OnNewInvoiceItem', orderAdded: 'OnNewOrder' };
    for (const trigger of triggers) {
      const polling = definition.paths[`/api/power-automate/connections/{connectionId}/poll/${trigger.name}`].get as Json;
      assert.equal(polling.operationId, ids[trigger.name]);
      assert.equal(polling['x-ms-trigger'], 'batch');
      assert.deepEqual(Object.keys(polling.responses).sort(), ['200', '202']);
      assert.deepEqual(Object.keys(polling.responses['200'].schema.items.properties), Object.keys((trigger.output as Json).properties));

      const instant = definition.paths[`/api/power-automate/connections/{connectionId}/hooks/${trigger.name}`].post as Json;
      assert.equal(instant.operationId, `${ids[trigger.name]}Instant`);
      assert.equal(instant['x-ms-trigger'], 'single');
      const callback = instant.parameters[1].schema.properties.callbackUrl;
      assert.equal(callback['x-ms-notification-url'], true);
      assert.equal(callback['x-ms-visibility'], 'internal');
      const payload = instant['x-ms-notification-content'].schema.properties;
      assert.deepEqual(Object.keys(payload), ['id', 'type', 'subscription', 'connection', 'created', 'data']);
      assert.deepEqual(Object.keys(payload.data.properties), Object.keys((trigger.output as Json).properties));
    }
    assert.equal(operations(definition).length, 2 + 5 + 8);
  });

  test('icon.png is a 230 × 230 RGB PNG whose chunks check out', () => {
    const png = buildPowerAutomateExport(PUBLIC_URL)[2]!.content;
    assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    const chunks: { type: string; data: Buffer }[] = [];
    for (let at = 8; at < png.length; ) {
      const length = png.readUInt32BE(at);
      const type = png.toString('ascii', at + 4, at + 8);
      const data = png.subarray(at + 8, at + 8 + length);
      const crc = png.readUInt32BE(at + 8 + length);
      assert.equal(crc, crc32Of(png.subarray(at + 4, at + 8 + length)), `${type} CRC`);
      chunks.push({ type, data });
      at += 12 + length;
    }
    assert.deepEqual(chunks.map((c) => c.type), ['IHDR', 'IDAT', 'IEND']);
    const header = chunks[0]!.data;
    assert.equal(header.readUInt32BE(0), 230);
    assert.equal(header.readUInt32BE(4), 230);
    assert.equal(header[9], 2, 'RGB');
    assert.equal(inflateSync(chunks[1]!.data).length, 230 * (1 + 230 * 3));
  });

  test('a public URL that a definition cannot carry is refused, naming it', () => {
    for (const bad of ['ftp://example.com', 'not a url', 'https://user:pw@example.com', 'https://example.com/?a=1']) {
      assert.throws(() => buildPowerAutomateExport(bad, '--public-url'), (error: Error & { details?: { field: string }[] }) => error.details?.[0]?.field === '--public-url');
    }
  });

  test('the command writes the four files, the same bytes as the export', async () => {
    const out = mkdtempSync(join(tmpdir(), 'sc-pa-export-'));
    try {
      const { stdout } = await run(process.execPath, [BUILT_MAIN, 'export', 'power-automate', '--public-url', PUBLIC_URL, '--out', join(out, 'connector')]);
      assert.equal(stdout.trim().split('\n').length, 4);
      assert.deepEqual(readdirSync(join(out, 'connector')).sort(), [...EXPORT_FILE_NAMES].sort());
      for (const file of buildPowerAutomateExport(PUBLIC_URL)) assert.deepEqual(readFileSync(join(out, 'connector', file.name)), file.content, file.name);
      const refused = await run(process.execPath, [BUILT_MAIN, 'export', 'power-automate', '--public-url', 'ftp://x', '--out', out]).catch((error: { code: number; stderr: string }) => error);
      assert.equal((refused as { code: number }).code, 1);
      assert.match((refused as { stderr: string }).stderr, /--public-url: must be an absolute https/);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});

describe('GET /api/power-automate/export', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({ config: { publicUrl: 'https://sc.example.org' } });
  });
  after(() => h.close());

  test('answers the same files as a zip, for PUBLIC_URL or the publicUrl asked for; a token is needed', async () => {
    const res = await h.request('GET', '/api/power-automate/export');
    assert.equal(res.statusCode, 200);
    assert.equal(res.headers['content-type'], 'application/zip');
    assert.match(String(res.headers['content-disposition']), /attachment; filename=".+\.zip"/);
    const files = unzip(res.rawPayload);
    for (const file of buildPowerAutomateExport('https://sc.example.org')) assert.deepEqual(files.get(file.name), file.content, file.name);

    const other = unzip((await h.request('GET', `/api/power-automate/export?publicUrl=${encodeURIComponent(PUBLIC_URL)}`)).rawPayload);
    assert.equal(JSON.parse(other.get('apiDefinition.swagger.json')!.toString('utf8')).basePath, '/stripe');

    const bad = await h.request('GET', '/api/power-automate/export?publicUrl=ftp%3A%2F%2Fx');
    assert.equal(bad.statusCode, 400);
    assert.equal(bad.json().error.details[0].field, 'query.publicUrl');
    assert.equal((await h.request('GET', '/api/power-automate/export', { token: null })).statusCode, 401);
  });
});

function crc32Of(bytes: Buffer): number {
  let crc = ~0;
  for (const byte of bytes) {
    crc ^= byte;
    for (let bit = 0; bit < 8; bit += 1) crc = (crc >>> 1) ^ (0xedb88320 & -(crc & 1));
  }
  return ~crc >>> 0;
}

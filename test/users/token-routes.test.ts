import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { startHarness, type Harness } from '../support/harness.js';
import { loadConfig } from '../../src/config.js';
import { composeServices, type Services } from '../../src/app/services.js';
import { buildApp } from '../../src/http/app.js';
import { createUserWithToken } from '../../src/users/tokens.js';
import { MAX_TOKENS_PER_USER } from '../../src/users/own-tokens.js';
import { closeAll } from '../support/cleanup.js';

interface TokenItem {
  id: string;
  createdAt: string;
  current: boolean;
}

describe('API tokens and users over the HTTP API', () => {
  let h: Harness;
  // A second app on the same store: another process sharing it, as far as tokens go.
  let otherServices: Services;
  let other: FastifyInstance;
  const get = (app: FastifyInstance, url: string, token: string) => app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}` } });
  const tokensOf = async (token: string): Promise<TokenItem[]> => {
    const res = await h.request('GET', '/api/tokens', { token });
    assert.equal(res.statusCode, 200, res.body);
    return res.json().data as TokenItem[];
  };

  before(async () => {
    h = await startHarness();
    otherServices = await composeServices(loadConfig({}, { dataDir: h.dataDir, databaseUrl: h.databaseUrl }));
    other = await buildApp(otherServices);
  });
  after(() => closeAll(() => other?.close(), () => otherServices?.close(), () => h?.close()));

  test('GET /api/tokens lists the caller\'s own tokens, marks the one in use, and never shows a token or hash', async () => {
    const res = await h.request('GET', '/api/tokens');
    assert.equal(res.statusCode, 200);
    const data = res.json().data as TokenItem[];
    assert.equal(data.length, 1);
    assert.match(data[0]!.id, /^tok_[0-9a-f]{24}$/);
    assert.deepEqual(Object.keys(data[0]!).sort(), ['createdAt', 'current', 'id']);
    assert.equal(data[0]!.current, true);
    const stored = await h.services.db.selectFrom('tokens').selectAll().where('id', '=', data[0]!.id).executeTakeFirstOrThrow();
    assert.ok(!res.body.includes(stored.token_hash), 'no hash');
    assert.ok(!res.body.includes(h.alice.token), 'no token');
  });

  test('POST /api/tokens gives the caller another token, shown once, that works at once; the list marks whichever is in use', async () => {
    const res = await h.request('POST', '/api/tokens');
    assert.equal(res.statusCode, 201, res.body);
    const issued = res.json() as { id: string; token: string };
    assert.deepEqual(Object.keys(issued).sort(), ['id', 'token']);
    assert.match(issued.token, /^sct_[A-Za-z0-9_-]{43}$/);
    assert.notEqual(issued.token, h.alice.token);

    const withOld = await tokensOf(h.alice.token);
    const withNew = await tokensOf(issued.token);
    assert.deepEqual(withOld.map((t) => t.id), withNew.map((t) => t.id), 'the same two tokens, oldest first');
    assert.equal(withOld.length, 2);
    assert.deepEqual(withOld.map((t) => t.current), [true, false]);
    assert.deepEqual(withNew.map((t) => t.current), [false, true]);
    assert.ok(!JSON.stringify(withNew).includes(issued.token), 'never shown again');

    const empty = await h.request('POST', '/api/tokens', { body: {} });
    assert.equal(empty.statusCode, 201, 'an empty object is the same as no body');
    await h.request('DELETE', `/api/tokens/${empty.json().id}`);
  });

  test('POST /api/tokens refuses a body with fields, naming each; nothing is written', async () => {
    const rows = await h.countRows();
    const named = await h.request('POST', '/api/tokens', { body: { label: 'ci', admin: true } });
    assert.equal(named.statusCode, 400);
    assert.equal(named.json().error.code, 'invalid_input');
    assert.deepEqual(named.json().error.details.map((p: { field: string }) => p.field).sort(), ['admin', 'label']);
    const notObject = await h.request('POST', '/api/tokens', { body: '[1]' });
    assert.equal(notObject.statusCode, 400);
    assert.deepEqual(notObject.json().error.details.map((p: { field: string }) => p.field), ['body']);
    assert.deepEqual(await h.countRows(), rows);
  });

  test('user B neither sees nor revokes A\'s tokens: another user\'s id is the same 404 as an unknown one', async () => {
    const aliceIds = (await tokensOf(h.alice.token)).map((t) => t.id);
    const bobIds = (await tokensOf(h.bob.token)).map((t) => t.id);
    assert.equal(bobIds.length, 1);
    assert.ok(!bobIds.some((id) => aliceIds.includes(id)));

    const foreign = await h.request('DELETE', `/api/tokens/${aliceIds[0]}`, { token: h.bob.token });
    const unknown = await h.request('DELETE', '/api/tokens/tok_000000000000000000000000', { token: h.bob.token });
    assert.equal(foreign.statusCode, 404);
    assert.equal(unknown.statusCode, 404);
    assert.equal(foreign.json().error.code, 'not_found');
    assert.equal(
      foreign.json().error.message.replace(aliceIds[0]!, 'ID'),
      unknown.json().error.message.replace('tok_000000000000000000000000', 'ID'),
      'the same text: nothing says the id exists',
    );
    assert.deepEqual((await tokensOf(h.alice.token)).map((t) => t.id), aliceIds, "A's tokens are untouched");
    assert.equal((await h.request('GET', '/api/connections')).statusCode, 200);
  });

  test('a revoked token is refused (401) on the very next request, by this app and by a second app on the same store', async () => {
    const issued = (await h.request('POST', '/api/tokens')).json() as { id: string; token: string };
    // Both apps accept it first, so the second cannot be answering from a state read before it existed.
    assert.equal((await get(other, '/api/connections', issued.token)).statusCode, 200);
    assert.equal((await get(h.app, '/api/connections', issued.token)).statusCode, 200);

    const revoked = await h.request('DELETE', `/api/tokens/${issued.id}`);
    assert.equal(revoked.statusCode, 200);
    assert.deepEqual(revoked.json(), { id: issued.id, deleted: true });

    const onOther = await get(other, '/api/connections', issued.token);
    assert.equal(onOther.statusCode, 401);
    assert.equal(onOther.json().error.code, 'unauthorized');
    assert.equal((await get(h.app, '/api/connections', issued.token)).statusCode, 401);
    assert.ok(!(await tokensOf(h.alice.token)).some((t) => t.id === issued.id));
  });

  test('a token revoked through the second app is refused by the first on the next request, its own current token included', async () => {
    const issued = (await h.request('POST', '/api/tokens')).json() as { id: string; token: string };
    const selfRevoked = await other.inject({ method: 'DELETE', url: `/api/tokens/${issued.id}`, headers: { authorization: `Bearer ${issued.token}` } });
    assert.equal(selfRevoked.statusCode, 200, selfRevoked.body);
    assert.equal((await get(h.app, '/api/tokens', issued.token)).statusCode, 401);
  });

  test('a user who is not an admin may revoke their last token: from then on they are refused', async () => {
    const carol = await createUserWithToken(h.services.db, { name: 'carol' });
    const [only] = await tokensOf(carol.token);
    const res = await h.request('DELETE', `/api/tokens/${only!.id}`, { token: carol.token });
    assert.equal(res.statusCode, 200, res.body);
    assert.equal((await h.request('GET', '/api/tokens', { token: carol.token })).statusCode, 401);
  });

  test('the last token held by any admin cannot be revoked (409, saying why); once another admin token exists it can', async () => {
    // The harness's users are not admins, and the tests before this one make none: root is the only admin.
    const root = await createUserWithToken(h.services.db, { name: 'root', isAdmin: true });
    const [first] = await tokensOf(root.token);
    const refused = await h.request('DELETE', `/api/tokens/${first!.id}`, { token: root.token });
    assert.equal(refused.statusCode, 409);
    assert.equal(refused.json().error.code, 'conflict');
    assert.match(refused.json().error.message, /no admin able to sign in/);
    assert.equal((await get(other, '/api/tokens', root.token)).statusCode, 200, 'the token still works');

    // A second admin user with one token: now either admin's token may go, but not both.
    const created = await h.request('POST', '/api/users', { token: root.token, body: { name: 'second admin', admin: true } });
    assert.equal(created.statusCode, 201, created.body);
    const second = created.json() as { id: string; token: string };
    const revoked = await h.request('DELETE', `/api/tokens/${first!.id}`, { token: root.token });
    assert.equal(revoked.statusCode, 200, revoked.body);
    assert.equal((await h.request('GET', '/api/tokens', { token: root.token })).statusCode, 401);

    const [secondsOnly] = await tokensOf(second.token);
    assert.equal((await h.request('DELETE', `/api/tokens/${secondsOnly!.id}`, { token: second.token })).statusCode, 409);
    // Another token for the same admin lifts the refusal: the old one goes, the new one stays.
    const spare = (await h.request('POST', '/api/tokens', { token: second.token })).json() as { id: string; token: string };
    assert.equal((await h.request('DELETE', `/api/tokens/${secondsOnly!.id}`, { token: second.token })).statusCode, 200);
    assert.equal((await h.request('DELETE', `/api/tokens/${spare.id}`, { token: spare.token })).statusCode, 409);
    assert.equal((await h.request('GET', '/api/tokens', { token: spare.token })).statusCode, 200);
  });

  test('POST /api/users: an admin creates a user whose token works at once; a non-admin gets 403 forbidden and nothing is written', async () => {
    const root = await createUserWithToken(h.services.db, { name: 'creator', isAdmin: true });
    const rows = await h.countRows();
    const refused = await h.request('POST', '/api/users', { token: h.alice.token, body: { name: 'mallory', admin: true } });
    assert.equal(refused.statusCode, 403);
    assert.equal(refused.json().error.code, 'forbidden');
    const refusedBadBody = await h.request('POST', '/api/users', { token: h.alice.token, body: { colour: 'red' } });
    assert.equal(refusedBadBody.statusCode, 403, 'a non-admin learns nothing from body validation');
    assert.deepEqual(await h.countRows(), rows);

    const res = await h.request('POST', '/api/users', { token: root.token, body: { name: '  dave  ' } });
    assert.equal(res.statusCode, 201, res.body);
    const dave = res.json() as { id: string; name: string; token: string };
    assert.deepEqual(Object.keys(dave).sort(), ['id', 'name', 'token']);
    assert.match(dave.id, /^usr_/);
    assert.equal(dave.name, 'dave', 'surrounding spaces are removed');
    assert.match(dave.token, /^sct_[A-Za-z0-9_-]{43}$/);
    assert.equal((await h.request('GET', '/api/connections', { token: dave.token })).statusCode, 200);
    assert.equal((await h.request('POST', '/api/users', { token: dave.token, body: { name: 'eve' } })).statusCode, 403, 'not an admin by default');

    const admin = (await h.request('POST', '/api/users', { token: root.token, body: { name: 'frank', admin: true } })).json() as { token: string };
    assert.equal((await h.request('POST', '/api/users', { token: admin.token, body: { name: 'grace' } })).statusCode, 201, 'admin: true makes an admin');
  });

  test('POST /api/users refuses a bad body with a 400 naming each field; nothing is written', async () => {
    const root = await createUserWithToken(h.services.db, { name: 'validator', isAdmin: true });
    const rows = await h.countRows();
    const cases: [unknown, string[]][] = [
      [undefined, ['name']],
      [{}, ['name']],
      [{ name: '', admin: 'yes', colour: 'red' }, ['admin', 'colour', 'name']],
      [{ name: 'x'.repeat(201) }, ['name']],
      [{ name: '   ' }, ['name']],
      [{ name: 42 }, ['name']],
    ];
    for (const [body, fields] of cases) {
      const res = await h.request('POST', '/api/users', { token: root.token, ...(body === undefined ? {} : { body }) });
      assert.equal(res.statusCode, 400, JSON.stringify(body));
      assert.equal(res.json().error.code, 'invalid_input');
      assert.deepEqual(res.json().error.details.map((p: { field: string }) => p.field).sort(), fields, JSON.stringify(body));
    }
    assert.deepEqual(await h.countRows(), rows);
  });

  test(`one user holds at most ${MAX_TOKENS_PER_USER} tokens: beyond, POST /api/tokens is a 409 saying to revoke one`, async () => {
    const heidi = await createUserWithToken(h.services.db, { name: 'heidi' });
    for (let i = 1; i < MAX_TOKENS_PER_USER; i += 1) {
      assert.equal((await h.request('POST', '/api/tokens', { token: heidi.token })).statusCode, 201);
    }
    const refused = await h.request('POST', '/api/tokens', { token: heidi.token });
    assert.equal(refused.statusCode, 409);
    assert.match(refused.json().error.message, /revoke one first/);
    assert.equal((await tokensOf(heidi.token)).length, MAX_TOKENS_PER_USER);
  });

  test('every token and user route needs a valid token', async () => {
    for (const [method, url] of [['GET', '/api/tokens'], ['POST', '/api/tokens'], ['DELETE', '/api/tokens/tok_x'], ['POST', '/api/users']] as const) {
      const res = await h.request(method, url, { token: null });
      assert.equal(res.statusCode, 401, `${method} ${url}`);
    }
  });
});

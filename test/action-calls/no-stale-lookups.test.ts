// The action path reads its token and connection from the store on every call (no in-memory copy;
// docs/operations.md), so a removal by this process or by another writer of the same store takes
// effect on the very next call.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness, type Harness } from '../support/harness.js';
import { startStripeStandIn, type StripeStandIn } from '../support/stripe-stand-in.js';
import { testActions } from '../support/test-actions.js';
import { createUserWithToken, hashToken } from '../../src/users/tokens.js';
import { closeAll } from '../support/cleanup.js';

describe('removed connections and tokens stop working at once', () => {
  let stripe: StripeStandIn;
  let h: Harness;
  before(async () => {
    stripe = await startStripeStandIn();
    h = await startHarness({ config: { stripeApiBase: stripe.url }, services: { actions: testActions } });
  });
  after(() => closeAll(() => h?.close(), () => stripe?.stop()));

  test('a deleted connection is a 404 on the very next action call', async () => {
    const { id } = (await h.request('POST', '/api/connections', { body: { name: 'soon-gone', apiKey: 'sk_test_51HnoStaleLookups000000000' } })).json();
    const url = `/api/connections/${id}/actions/standInCreateCustomer`;
    assert.equal((await h.request('POST', url, { body: { email: 'a@example.com' } })).statusCode, 200);
    assert.equal((await h.request('DELETE', `/api/connections/${id}`)).statusCode, 200);
    const next = await h.request('POST', url, { body: { email: 'a@example.com' } });
    assert.equal(next.statusCode, 404);
    assert.equal(next.json().error.code, 'not_found');
  });

  test('a token removed from the store by another writer is a 401 on the very next request', async () => {
    const carol = await createUserWithToken(h.services.db, { name: 'carol' });
    assert.equal((await h.request('GET', '/api/connections', { token: carol.token })).statusCode, 200);
    // As a CLI process sharing DATA_DIR would: straight to the store, not through this server.
    await h.services.db.deleteFrom('tokens').where('token_hash', '=', hashToken(carol.token)).execute();
    assert.equal((await h.request('GET', '/api/connections', { token: carol.token })).statusCode, 401);
  });

  test('on the action route, where token and connection are read in one query, a removed token is a 401 on the very next call, never a 404 or a run', async () => {
    const dave = await createUserWithToken(h.services.db, { name: 'dave' });
    const { id } = (await h.request('POST', '/api/connections', { token: dave.token, body: { name: 'daves', apiKey: 'sk_test_51HnoStaleLookups000000001' } })).json();
    const url = `/api/connections/${id}/actions/standInCreateCustomer`;
    assert.equal((await h.request('POST', url, { token: dave.token, body: { email: 'd@example.com' } })).statusCode, 200);
    await h.services.db.deleteFrom('tokens').where('token_hash', '=', hashToken(dave.token)).execute();
    const rowsBefore = await h.countRows();
    for (const target of [url, url.replace(id, 'conn_000000000000000000000000')]) {
      const next = await h.request('POST', target, { token: dave.token, body: { email: 'd@example.com' } });
      assert.equal(next.statusCode, 401, target);
      assert.equal(next.json().error.code, 'unauthorized');
    }
    assert.deepEqual(await h.countRows(), rowsBefore);
  });
});

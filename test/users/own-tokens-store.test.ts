// The token operations on the store itself, so they also run on PostgreSQL (TEST_DATABASE_URL):
// there, concurrent revocations are really concurrent (a pool of connections).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openTestStore } from '../support/store-fixture.js';
import { addOwnToken, listOwnTokens, revokeOwnToken } from '../../src/users/own-tokens.js';
import { authenticate, createUserWithToken } from '../../src/users/tokens.js';
import { ConnectorError } from '../../src/errors.js';

test('a user lists, adds and revokes only their own tokens; a revoked token authenticates nobody', async () => {
  const t = await openTestStore();
  try {
    const ann = await createUserWithToken(t.store, { name: 'ann', now: new Date('2026-01-01T00:00:00Z') });
    const ben = await createUserWithToken(t.store, { name: 'ben' });
    const extra = await addOwnToken(t.store, ann.userId, new Date('2026-01-02T00:00:00Z'));
    const listed = await listOwnTokens(t.store, ann.userId, extra.token);
    assert.deepEqual(listed.map((x) => [x.createdAt, x.current]), [
      ['2026-01-01T00:00:00.000Z', false],
      ['2026-01-02T00:00:00.000Z', true],
    ]);
    assert.equal(listed[1]?.id, extra.id);

    await assert.rejects(revokeOwnToken(t.store, ben.userId, extra.id), (e: ConnectorError) => e.status === 404);
    assert.equal(await authenticate(t.store, extra.token), ann.userId, "another user's revocation did nothing");
    await revokeOwnToken(t.store, ann.userId, extra.id);
    assert.equal(await authenticate(t.store, extra.token), undefined);
    assert.equal(await authenticate(t.store, ann.token), ann.userId);
  } finally {
    await t.close();
  }
});

test('admins revoking their only tokens all at once: every one but the last succeeds, so an admin token always remains', async () => {
  const t = await openTestStore();
  try {
    const admins = await Promise.all([1, 2, 3, 4, 5].map((n) => createUserWithToken(t.store, { name: `admin ${n}`, isAdmin: true })));
    const tokenIds = await Promise.all(admins.map(async (a) => (await listOwnTokens(t.store, a.userId, a.token))[0]!.id));
    const outcomes = await Promise.allSettled(admins.map((a, i) => revokeOwnToken(t.store, a.userId, tokenIds[i]!)));
    const refused = outcomes.filter((o) => o.status === 'rejected');
    assert.equal(refused.length, 1, JSON.stringify(outcomes));
    assert.equal(((refused[0] as PromiseRejectedResult).reason as ConnectorError).status, 409);
    const remaining = await Promise.all(admins.map((a) => authenticate(t.store, a.token)));
    assert.equal(remaining.filter((id) => id !== undefined).length, 1);
  } finally {
    await t.close();
  }
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Store } from '../../src/store/database.js';
import { openTestStore } from '../support/store-fixture.js';
import { authenticate, createUserWithToken, ensureAdmin, hashToken } from '../../src/users/tokens.js';

async function withStore(fn: (db: Store) => Promise<void>): Promise<void> {
  const { store, close } = await openTestStore({ empty: true });
  try {
    await fn(store);
  } finally {
    await close();
  }
}

test('a new token is stored only as its sha256 hash and authenticates its user', async () => {
  await withStore(async (db) => {
    const { userId, token } = await createUserWithToken(db, { name: 'carol' });
    assert.match(token, /^sct_[A-Za-z0-9_-]{43}$/);
    const rows = await db.selectFrom('tokens').selectAll().execute();
    assert.equal(rows.length, 1);
    assert.equal(rows[0]?.token_hash, hashToken(token));
    assert.ok(!JSON.stringify(rows).includes(token), 'the token itself is not stored');
    assert.equal(await authenticate(db, token), userId);
  });
});

test('an unknown or altered token authenticates nobody', async () => {
  await withStore(async (db) => {
    const { token } = await createUserWithToken(db, { name: 'carol' });
    assert.equal(await authenticate(db, token.slice(0, -1) + (token.endsWith('A') ? 'B' : 'A')), undefined);
    assert.equal(await authenticate(db, ''), undefined);
  });
});

test('the first start creates an admin with a generated token once; later starts create nothing', async () => {
  await withStore(async (db) => {
    const first = await ensureAdmin(db, undefined);
    assert.equal(first.kind, 'generated');
    assert.ok(first.kind === 'generated' && (await authenticate(db, first.token)) !== undefined);
    const second = await ensureAdmin(db, undefined);
    assert.equal(second.kind, 'existing');
    assert.equal((await db.selectFrom('users').selectAll().execute()).length, 1);
  });
});

test('STRIPE_CONNECTOR_ADMIN_TOKEN becomes the admin token, also when the admin exists already', async () => {
  await withStore(async (db) => {
    const given = 'admin-token-from-the-environment-0123';
    assert.equal((await ensureAdmin(db, given)).kind, 'from-environment');
    const adminId = await authenticate(db, given);
    assert.ok(adminId);
    const later = 'a-second-admin-token-set-later-4567';
    await ensureAdmin(db, later);
    assert.equal(await authenticate(db, later), adminId);
    assert.equal((await db.selectFrom('users').selectAll().execute()).length, 1);
  });
});

test('a short STRIPE_CONNECTOR_ADMIN_TOKEN is refused, naming the variable', async () => {
  await withStore(async (db) => {
    await assert.rejects(ensureAdmin(db, 'short'), /STRIPE_CONNECTOR_ADMIN_TOKEN must be at least 24 characters/);
    assert.equal((await db.selectFrom('users').selectAll().execute()).length, 0);
  });
});

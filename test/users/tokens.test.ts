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

test('four processes starting at once on an empty store create one admin between them, and print one generated token', async () => {
  await withStore(async (db) => {
    const outcomes = await Promise.all([0, 1, 2, 3].map(() => ensureAdmin(db, undefined)));
    assert.deepEqual(outcomes.map((o) => o.kind).sort(), ['existing', 'existing', 'existing', 'generated']);
    assert.equal((await db.selectFrom('users').select('id').where('is_admin', '=', 1).execute()).length, 1);
    assert.equal((await db.selectFrom('tokens').select('id').execute()).length, 1);
  });
});

test('four processes starting at once with STRIPE_CONNECTOR_ADMIN_TOKEN: one admin, the token stored once, no start fails', async () => {
  await withStore(async (db) => {
    const token = 'sct_operator_chosen_token_0123456789';
    const outcomes = await Promise.allSettled([0, 1, 2, 3].map(() => ensureAdmin(db, token)));
    assert.deepEqual(outcomes.map((o) => o.status), ['fulfilled', 'fulfilled', 'fulfilled', 'fulfilled']);
    assert.equal((await db.selectFrom('users').select('id').where('is_admin', '=', 1).execute()).length, 1);
    // A later start of four with a new token adds it to the existing admin once.
    const next = 'sct_operator_chosen_token_abcdefghij';
    const again = await Promise.allSettled([0, 1, 2, 3].map(() => ensureAdmin(db, next)));
    assert.deepEqual(again.map((o) => o.status), ['fulfilled', 'fulfilled', 'fulfilled', 'fulfilled']);
    assert.equal((await db.selectFrom('tokens').select('id').execute()).length, 2);
    assert.ok(await authenticate(db, next));
  });
});

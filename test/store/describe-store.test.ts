import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describeStore } from '../../src/store/database.js';

test('describeStore names the SQLite file, or PostgreSQL by host and database without user or password', () => {
  assert.equal(describeStore({ dataDir: '/srv/connector', databaseUrl: undefined }), `the SQLite store ${join('/srv/connector', 'connector.db')}`);
  const postgres = describeStore({ dataDir: '/srv/connector', databaseUrl: 'postgres://connector:s3cret-pass@db.internal:5433/payments?sslmode=require' });
  assert.equal(postgres, 'PostgreSQL at db.internal:5433/payments');
  assert.ok(!postgres.includes('s3cret') && !postgres.includes('connector:'));
});

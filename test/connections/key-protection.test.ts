import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { ConnectorError } from '../../src/errors.js';
import { checkKeyForm, keyHint } from '../../src/connections/key-form.js';
import { createKeyCipher } from '../../src/connections/key-cipher.js';
import { masterKeyFromEnvironment } from '../../src/connections/master-key.js';
import { allowedApiOrigins, checkApiBase } from '../../src/connections/api-base.js';

test('secret and restricted keys are told apart, in test and live mode', () => {
  assert.deepEqual(checkKeyForm('sk_test_abcdefgh1234'), { kind: 'secret', mode: 'test' });
  assert.deepEqual(checkKeyForm('rk_live_abcdefgh1234'), { kind: 'restricted', mode: 'live' });
});

test('a publishable key is refused with a message asking for a secret or restricted key', () => {
  assert.throws(
    () => checkKeyForm('pk_test_abcdefgh1234'),
    (error: unknown) =>
      error instanceof ConnectorError &&
      error.status === 400 &&
      /publishable key/.test(error.message) &&
      /secret key \(sk_…\) or a restricted key \(rk_…\)/.test(error.message),
  );
});

test('a refused key is told the rule it breaks: the prefix, the publishable kind, the characters or the length', () => {
  const messageOf = (key: string) => {
    try {
      checkKeyForm(key);
    } catch (error) {
      return ((error as ConnectorError).details as { message: string }[])[0]!.message;
    }
    return assert.fail(`${key} was accepted`);
  };
  assert.equal(messageOf('sk_test_abc123'), 'is too short: a Stripe key has at least 8 characters after sk_test_');
  assert.match(messageOf('pk_test_abc'), /^is a publishable key \(pk_…\)/);
  assert.match(messageOf('pk_abc'), /^is a publishable key \(pk_…\)/);
  assert.equal(messageOf('rk_live_has space inside'), 'may hold only letters, digits and underscores after rk_live_');
  assert.equal(messageOf(`sk_live_${'a'.repeat(501)}`), 'is too long: a Stripe key has at most 500 characters after sk_live_');
  assert.match(messageOf('whsec_abcdefgh1234'), /^must be a Stripe secret key \(starting sk_test_ or sk_live_\) or restricted key/);
});

test('a key of no known form is refused naming the apiKey field, without echoing the key', () => {
  for (const key of ['hello', 'sk_prod_abcdefgh1234', 'sk_test_short', 'sk_test_has space inside']) {
    assert.throws(
      () => checkKeyForm(key),
      (error: unknown) => error instanceof ConnectorError && (error.details as { field: string }[])[0]?.field === 'apiKey' && !error.message.includes(key),
    );
  }
});

test('the key hint shows the prefix and the last four characters only', () => {
  assert.equal(keyHint('sk_test_51Habcdefghijklmnabcd'), 'sk_test_…abcd');
  assert.equal(keyHint('rk_live_xyz0987654321wxyz'), 'rk_live_…wxyz');
});

test('a sealed key opens only with the same master key and the same connection id', () => {
  const cipher = createKeyCipher(randomBytes(32));
  const sealed = cipher.seal('sk_test_secret_value_1234', 'conn_a');
  assert.ok(!sealed.includes('sk_test'));
  assert.equal(cipher.open(sealed, 'conn_a'), 'sk_test_secret_value_1234');
  assert.throws(() => cipher.open(sealed, 'conn_b'));
  assert.throws(() => createKeyCipher(randomBytes(32)).open(sealed, 'conn_a'));
  assert.notEqual(cipher.seal('same', 'conn_a'), cipher.seal('same', 'conn_a'), 'a fresh IV each time');
});

test('a master key of the wrong length is refused, naming the variable', () => {
  assert.throws(
    () => masterKeyFromEnvironment({ masterKey: Buffer.alloc(16).toString('base64'), dataDir: '/nonexistent' }),
    /STRIPE_CONNECTOR_MASTER_KEY must be 32 bytes/,
  );
  const key = randomBytes(32);
  assert.deepEqual(masterKeyFromEnvironment({ masterKey: key.toString('base64'), dataDir: '/nonexistent' }), key);
});

test('a connection may send its key to Stripe, STRIPE_API_BASE or a listed origin, over plain http only to this machine', () => {
  const allowed = allowedApiOrigins('http://127.0.0.1:12111', ['https://stripe-proxy.example.com', 'http://localhost:9000']);
  assert.equal(checkApiBase('https://api.stripe.com', allowed), 'https://api.stripe.com');
  assert.equal(checkApiBase('https://API.stripe.com:443/', allowed), 'https://api.stripe.com', 'compared as normalised origins');
  assert.equal(checkApiBase('http://127.0.0.1:12111/', allowed), 'http://127.0.0.1:12111');
  assert.equal(checkApiBase('HTTPS://stripe-proxy.example.com', allowed), 'https://stripe-proxy.example.com');
  assert.equal(checkApiBase('http://LOCALHOST:9000', allowed), 'http://localhost:9000');
  for (const bad of [
    'http://example.com',
    'ftp://127.0.0.1',
    'not a url',
    'https://u:p@api.stripe.com',
    'https://api.stripe.com/v1',
    'https://example.com',
    'http://127.0.0.1:12112',
    'http://127.0.0.1:9000',
    'https://stripe-proxy.example.com:8443',
  ]) {
    assert.throws(
      () => checkApiBase(bad, allowed),
      (error: unknown) =>
        error instanceof ConnectorError && error.status === 400 && (error.details as { field: string }[])[0]?.field === 'apiBase',
      bad,
    );
  }
});

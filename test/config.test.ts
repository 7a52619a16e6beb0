import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfig } from '../src/config.js';

test('defaults follow the configuration table of the README when the environment is empty', () => {
  const config = loadConfig({});
  assert.equal(config.port, 4242);
  assert.equal(config.host, '127.0.0.1');
  assert.equal(config.stripeApiBase, 'https://api.stripe.com');
  assert.equal(config.publicUrl, 'http://127.0.0.1:4242');
  assert.equal(config.callbackAllowPrivate, false);
  assert.equal(config.databaseUrl, undefined);
  assert.equal(config.actionRateLimit, 100);
  assert.equal(config.actionRateWindowSeconds, 60);
  assert.equal(config.deliveryFirstRetrySeconds, 5);
  assert.equal(config.deliveryLeaseSeconds, 60);
});

test('flags win over the environment', () => {
  const config = loadConfig({ PORT: '5000', HOST: '0.0.0.0' }, { port: 6000 });
  assert.equal(config.port, 6000);
  assert.equal(config.publicUrl, 'http://0.0.0.0:6000');
});

test('a malformed number names the variable', () => {
  assert.throws(() => loadConfig({ PORT: 'eighty' }), /PORT must be a non-negative integer/);
  assert.throws(() => loadConfig({ CALLBACK_ALLOW_PRIVATE: 'maybe' }), /CALLBACK_ALLOW_PRIVATE must be true or false/);
});

test('a delivery lease shorter than the send timeout plus recording, or a zero first retry, is refused', () => {
  assert.throws(() => loadConfig({ DELIVERY_LEASE_SECONDS: '10' }), /DELIVERY_LEASE_SECONDS must be at least 15, got "10"/);
  assert.throws(() => loadConfig({ DELIVERY_FIRST_RETRY_SECONDS: '0' }), /DELIVERY_FIRST_RETRY_SECONDS must be at least 1/);
  assert.equal(loadConfig({ DELIVERY_LEASE_SECONDS: '15', DELIVERY_FIRST_RETRY_SECONDS: '1' }).deliveryLeaseSeconds, 15);
});

test('the HTTP deadlines default to 30 s for a request, 10 s for its headers, 5 s idle, 1024 connections', () => {
  const config = loadConfig({});
  assert.deepEqual(
    [config.httpRequestTimeoutSeconds, config.httpHeadersTimeoutSeconds, config.httpKeepAliveTimeoutSeconds, config.httpMaxConnections],
    [30, 10, 5, 1024],
  );
});

test('a header deadline longer than the request deadline, or a zero deadline, is refused by name', () => {
  assert.throws(() => loadConfig({ HTTP_REQUEST_TIMEOUT_SECONDS: '5', HTTP_HEADERS_TIMEOUT_SECONDS: '8' }), /HTTP_HEADERS_TIMEOUT_SECONDS \(8\) must not exceed HTTP_REQUEST_TIMEOUT_SECONDS \(5\)/);
  assert.throws(() => loadConfig({ HTTP_REQUEST_TIMEOUT_SECONDS: '0' }), /HTTP_REQUEST_TIMEOUT_SECONDS must be at least 1/);
  assert.equal(loadConfig({ HTTP_REQUEST_TIMEOUT_SECONDS: '5' }).httpHeadersTimeoutSeconds, 5, 'the header default shrinks to fit');
});

test('STRIPE_API_BASE_ALLOWLIST: none by default; listed origins normalised; a malformed entry stops the start naming the variable', () => {
  assert.deepEqual(loadConfig({}).stripeApiBaseAllowlist, []);
  assert.deepEqual(
    loadConfig({ STRIPE_API_BASE_ALLOWLIST: ' https://Stripe-Proxy.example.com/ ,http://localhost:12111,' }).stripeApiBaseAllowlist,
    ['https://stripe-proxy.example.com', 'http://localhost:12111'],
  );
  assert.throws(() => loadConfig({ STRIPE_API_BASE_ALLOWLIST: 'https://ok.example.com,not a url' }), /STRIPE_API_BASE_ALLOWLIST entry 2 \("not a url"\) must be an absolute URL/);
  assert.throws(() => loadConfig({ STRIPE_API_BASE_ALLOWLIST: 'https://proxy.example.com/v1' }), /STRIPE_API_BASE_ALLOWLIST entry 1 .* must be a bare origin/);
  assert.throws(() => loadConfig({ STRIPE_API_BASE_ALLOWLIST: 'https://user:pw@proxy.example.com' }), (error: Error) => /STRIPE_API_BASE_ALLOWLIST entry 1 must be a bare origin/.test(error.message) && !error.message.includes('pw'));
});

test('a listed plain-http origin that is not this machine is refused: a key must not cross a network in clear', () => {
  assert.throws(() => loadConfig({ STRIPE_API_BASE_ALLOWLIST: 'http://stripe-mock.internal:12111' }), /STRIPE_API_BASE_ALLOWLIST entry 1 .* must use https/);
  assert.throws(() => loadConfig({ STRIPE_API_BASE: 'http://10.0.0.5:12111' }), /STRIPE_API_BASE \("http:\/\/10\.0\.0\.5:12111"\) must use https/);
  assert.equal(loadConfig({ STRIPE_API_BASE: 'http://127.0.0.1:12111/' }).stripeApiBase, 'http://127.0.0.1:12111');
});

test('SUBSCRIPTIONS_PER_CONNECTION: 50 by default, at least 1', () => {
  assert.equal(loadConfig({}).subscriptionsPerConnection, 50);
  assert.equal(loadConfig({ SUBSCRIPTIONS_PER_CONNECTION: '3' }).subscriptionsPerConnection, 3);
  assert.throws(() => loadConfig({ SUBSCRIPTIONS_PER_CONNECTION: '0' }), /SUBSCRIPTIONS_PER_CONNECTION must be at least 1/);
});

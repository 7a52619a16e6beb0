// The worker's cached subscriber-URL check (url-guard.ts): a URL that passed is trusted for a few
// seconds and the request still goes to the address that passed; a refusal is never remembered.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cachedUrlCheck, DEFAULT_URL_CHECK_CACHE_MS } from '../../src/delivery/url-guard.js';

test('a URL that passed is checked again only after the cache time, and the address then resolved is the one used', async () => {
  let clockMs = 1_000_000;
  let answer = '93.184.216.34';
  let lookups = 0;
  const resolve = async () => {
    lookups += 1;
    return [{ address: answer, family: 4 as const }];
  };
  const check = cachedUrlCheck(DEFAULT_URL_CHECK_CACHE_MS, () => clockMs);
  assert.equal((await check('https://hooks.example.com/a', { resolve })).address, '93.184.216.34');
  answer = '10.0.0.5';
  clockMs += DEFAULT_URL_CHECK_CACHE_MS - 1;
  assert.equal((await check('https://hooks.example.com/a', { resolve })).address, '93.184.216.34', 'within the cache time: the address that passed');
  assert.equal(lookups, 1);
  clockMs += 1;
  await assert.rejects(check('https://hooks.example.com/a', { resolve }), /non-public address/, 'checked again: the private address is refused');
  await assert.rejects(check('https://hooks.example.com/a', { resolve }), /non-public address/, 'and the refusal was not remembered as a pass');
  assert.equal(lookups, 3);
});

test('the private-address allowance is part of what was checked: a pass with it does not pass without it', async () => {
  const check = cachedUrlCheck(DEFAULT_URL_CHECK_CACHE_MS, () => 0);
  assert.equal((await check('http://127.0.0.1:9/hook', { allowPrivate: true })).address, '127.0.0.1');
  await assert.rejects(check('http://127.0.0.1:9/hook', {}), /non-public address/);
});

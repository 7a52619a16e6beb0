import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import ipaddr from 'ipaddr.js';
import { ConnectorError } from '../../src/errors.js';
import { checkSubscriberUrl, isPublicAddress, type Resolve } from '../../src/delivery/url-guard.js';

async function refusal(url: string, options: Parameters<typeof checkSubscriberUrl>[1] = {}): Promise<string> {
  try {
    await checkSubscriberUrl(url, options);
  } catch (error) {
    assert.ok(error instanceof ConnectorError);
    assert.equal(error.status, 400);
    assert.equal(error.code, 'invalid_input');
    assert.deepEqual((error.details as { field: string }[]).map((d) => d.field), ['url']);
    return error.message;
  }
  assert.fail(`${url} was accepted`);
}

const fixedAnswers =
  (answers: Record<string, string[]>): Resolve =>
  async (hostname) => {
    const addresses = answers[hostname];
    if (!addresses) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
    return addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  };

describe('subscriber URL guard', () => {
  test('only http and https URLs are accepted', async () => {
    assert.match(await refusal('ftp://example.com/hook'), /must use http or https, not ftp/);
    assert.match(await refusal('file:///etc/passwd'), /not file/);
    assert.match(await refusal('not a url'), /absolute http/);
  });

  test('a URL with a user name or password is refused', async () => {
    assert.match(await refusal('https://user:secret@93.184.216.34/hook'), /user name or password/);
  });

  for (const address of [
    '127.0.0.1',
    '127.8.9.10',
    '10.1.2.3',
    '172.16.0.1',
    '172.31.255.255',
    '192.168.1.1',
    '169.254.169.254',
    '0.0.0.0',
    '100.64.0.1',
    '224.0.0.1',
    '255.255.255.255',
    '192.0.2.10',
    '[::1]',
    '[::]',
    '[fc00::1]',
    '[fd12:3456::1]',
    '[fe80::1]',
    '[::ffff:127.0.0.1]',
    '[::ffff:10.0.0.1]',
    '[2002:7f00:1::]',
    '[64:ff9b::a00:1]',
  ]) {
    test(`a subscriber at ${address} is refused unless private targets are allowed`, async () => {
      const message = await refusal(`http://${address}:8080/hook`);
      assert.match(message, /url: is not allowed: .* non-public address; set CALLBACK_ALLOW_PRIVATE=true/);
      const allowed = await checkSubscriberUrl(`http://${address}:8080/hook`, { allowPrivate: true });
      const expected = address.replace(/^\[(.*)\]$/, '$1');
      assert.equal(ipaddr.parse(allowed.address).toNormalizedString(), ipaddr.parse(expected).toNormalizedString());
    });
  }

  test('an IPv6 address outside 2000::/3, the only block allocated as global unicast, is refused even where ipaddr.js calls it unicast', async () => {
    for (const address of ['4000::1', '1::1', 'c000::1', 'e000::1']) {
      // These are the ones only the 2000::/3 rule catches: no named range covers them.
      assert.equal(ipaddr.parse(address).range(), 'unicast', `${address} is in no named range`);
      assert.equal(isPublicAddress(address), false, address);
      assert.match(await refusal(`http://[${address}]:8080/hook`), /url: is not allowed: .* non-public address/);
      const resolvesThere = fixedAnswers({ 'hooks.example.com': ['93.184.216.34', address] });
      assert.match(await refusal('https://hooks.example.com/hook', { resolve: resolvesThere }), /url: is not allowed/);
    }
    assert.equal(isPublicAddress('2a00:1450:4001:80b::200e'), true, 'inside 2000::/3 is public');
  });

  test('an address written in hex or short form is judged by the address it means', async () => {
    assert.match(await refusal('http://0x7f000001/hook'), /is not allowed/);
    assert.match(await refusal('http://10.1/hook'), /is not allowed/);
    assert.equal((await checkSubscriberUrl('http://0x7f000001/hook', { allowPrivate: true })).address, '127.0.0.1');
    assert.equal((await checkSubscriberUrl('http://10.1/hook', { allowPrivate: true })).address, '10.0.0.1');
  });

  test('public addresses next to the private ranges are accepted', async () => {
    for (const address of ['172.15.255.255', '172.32.0.1', '93.184.216.34', '[2606:2800:220:1:248:1893:25c8:1946]']) {
      const target = await checkSubscriberUrl(`https://${address}/hook`);
      assert.equal(target.address, address.replace(/^\[(.*)\]$/, '$1'));
    }
  });

  test('localhost, resolved by the system resolver, is refused as loopback', async () => {
    const message = await refusal('http://localhost:3000/hook');
    assert.match(message, /is not allowed: .*loopback/);
    assert.doesNotMatch(message, /127\.0\.0\.1|::1/, 'the refusal does not say what the name resolves to');
    const allowed = await checkSubscriberUrl('http://localhost:3000/hook', { allowPrivate: true });
    assert.ok(['127.0.0.1', '::1'].includes(allowed.address));
  });

  test('a name is judged on every address it resolves to', async () => {
    const resolve = fixedAnswers({ 'mixed.example': ['93.184.216.34', '10.0.0.5'], 'public.example': ['93.184.216.34', '2606:2800:220:1::1'] });
    const message = await refusal('https://mixed.example/hook', { resolve });
    assert.match(message, /is not allowed/);
    assert.doesNotMatch(message, /10\.0\.0\.5|93\.184/, 'no resolved address in the refusal');
    const target = await checkSubscriberUrl('https://public.example/hook', { resolve });
    assert.deepEqual({ address: target.address, family: target.family }, { address: '93.184.216.34', family: 4 });
  });

  test('a host that does not resolve is refused, naming it', async () => {
    assert.match(await refusal('https://nowhere.example/hook', { resolve: fixedAnswers({}) }), /"nowhere.example" does not resolve/);
  });

  test('isPublicAddress says no to anything that is not an IP address', () => {
    assert.equal(isPublicAddress('example.com'), false);
    assert.equal(isPublicAddress('8.8.8.8'), true);
  });
});

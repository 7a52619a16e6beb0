import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import Stripe from 'stripe';
import { BUILT_MAIN, ensureBuiltCli } from '../support/built-cli.js';

// The children run the built command; build it first if src/ is newer.
before(ensureBuiltCli);

describe('stripe-connector emulator', () => {
  test('serves the Stripe API on the port and host given, until stopped', async () => {
    const child = spawn(process.execPath, [BUILT_MAIN, 'emulator', '--port', '0', '--host', '127.0.0.1', '--rate-limit', 'off'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      let output = '';
      const url = await new Promise<string>((resolveUrl, reject) => {
        child.stdout.on('data', (chunk: Buffer) => {
          output += chunk.toString();
          const match = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
          if (match) resolveUrl(match[1]!);
        });
        child.once('exit', (code) => reject(new Error(`emulator exited with ${code}: ${output}`)));
      });
      const port = Number(new URL(url).port);
      assert.ok(port > 0);
      const stripe = new Stripe('sk_test_cli', { host: '127.0.0.1', port, protocol: 'http', maxNetworkRetries: 0 });
      const customer = await stripe.customers.create({ email: 'cli@example.com' });
      assert.equal((await stripe.customers.retrieve(customer.id) as Stripe.Customer).email, 'cli@example.com');
    } finally {
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      const [code] = await exited;
      assert.equal(code, 0, 'SIGTERM stops it cleanly');
    }
  });

  test('a bad port is refused with a message naming --port', async () => {
    const child = spawn(process.execPath, [BUILT_MAIN, 'emulator', '--port', 'eighty'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const [code] = await once(child, 'exit');
    assert.notEqual(code, 0);
    assert.match(stderr, /--port must be an integer from 0 to 65535/);
  });
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';
import { startServerProcess } from '../support/processes.js';

const run = promisify(execFile);

test('serve --demo prints a token (on stderr), a connection and a curl line that creates a customer', async () => {
  const server = await startServerProcess(['serve', '--demo', '--port', '0'], {});
  try {
    const printed = await server.waitFor(/connection: (conn_\w+)\n\s+try:\n\s+(curl [^\n]+)/);
    const token = server.stderr().match(/token: +(sct_\S+)/)?.[1];
    assert.ok(token, 'the demo token is printed on stderr');
    assert.ok(!server.stdout().includes(token), 'and not on stdout, the JSON log stream');
    const dataDir = server.output().match(/data (\S+) \(removed on exit\)/)?.[1];
    assert.ok(dataDir && existsSync(dataDir));
    // Run the printed line exactly as a user would paste it.
    const { stdout } = await run('sh', ['-c', printed[2] as string]);
    const customer = JSON.parse(stdout);
    assert.match(customer.id, /^cus_/);
    assert.equal(customer.email, 'jenny.rosen@example.com');
    assert.equal(await server.stop(), 0);
    assert.equal(existsSync(dataDir), false, 'the throwaway data directory is removed on exit');
  } finally {
    await server.stop();
  }
});

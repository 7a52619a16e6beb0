// The console's page and files as the server answers them: public, under a strict Content Security
// Policy, revalidated by ETag, nothing outside dist/console/ reachable, and small enough to load
// fast on a phone (≤ 100 KB of script and styles, gzipped).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { startHarness, type Harness } from '../support/harness.js';
import { ensureBuiltCli, ROOT } from '../support/built-cli.js';
import { BUILT_CONSOLE_DIR } from '../../src/http/routes/console.js';

const CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

describe('the web console is served', () => {
  let h: Harness;
  before(async () => {
    await ensureBuiltCli(); // dist/console/ is part of the build
    h = await startHarness();
  });
  after(() => h?.close());

  test('GET / answers the HTML page without a token, with the CSP and the other security headers', async () => {
    const res = await h.request('GET', '/', { token: null });
    assert.equal(res.statusCode, 200);
    assert.match(String(res.headers['content-type']), /^text\/html/);
    assert.equal(res.headers['content-security-policy'], CSP);
    assert.equal(res.headers['x-content-type-options'], 'nosniff');
    assert.equal(res.headers['referrer-policy'], 'no-referrer');
    assert.match(res.body, /<script type="module" src="\/console\/app.js"><\/script>/);
    assert.doesNotMatch(res.body, /<script>|<style|style=|https?:\/\//, 'no inline script or style, nothing fetched from elsewhere');
  });

  test('the script and styles answer with an ETag, and a repeat with If-None-Match is a 304 without a body', async () => {
    for (const [file, type] of [['app.js', /^text\/javascript/], ['app.css', /^text\/css/]] as const) {
      const first = await h.request('GET', `/console/${file}`, { token: null });
      assert.equal(first.statusCode, 200, file);
      assert.match(String(first.headers['content-type']), type);
      assert.equal(first.headers['cache-control'], 'no-cache');
      assert.equal(first.headers['content-security-policy'], CSP);
      const etag = String(first.headers.etag);
      assert.match(etag, /^"[\w-]+"$/);
      const again = await h.request('GET', `/console/${file}`, { token: null, headers: { 'if-none-match': etag } });
      assert.equal(again.statusCode, 304);
      assert.equal(again.body, '');
    }
  });

  test('only the built files are served: other names and path tricks are a JSON 404 (or 400), never a file', async () => {
    for (const path of ['/console/nothing.js', '/console/index.html', '/console/..%2F..%2Fpackage.json', '/console/%2e%2e%2fcli%2fmain.js', '/console/../cli/main.js', '/console/']) {
      const res = await h.request('GET', path, { token: null });
      assert.ok([400, 401, 404].includes(res.statusCode), `${path} → ${res.statusCode}`);
      assert.equal(typeof res.json().error.code, 'string', path);
    }
  });

  test('/openapi.json documents the two console routes as public', async () => {
    const doc = (await h.request('GET', '/openapi.json', { token: null })).json();
    assert.deepEqual(doc.paths['/'].get.security, []);
    assert.deepEqual(doc.paths['/console/{file}'].get.security, []);
  });

  test("the console's own script and styles weigh at most 100 KB gzipped", () => {
    const files = readdirSync(BUILT_CONSOLE_DIR).filter((name) => /\.(js|css|html)$/.test(name));
    assert.ok(files.includes('app.js') && files.includes('app.css'), files.join(', '));
    const gzipped = files.reduce((sum, name) => sum + gzipSync(readFileSync(join(BUILT_CONSOLE_DIR, name)), { level: 9 }).length, 0);
    assert.ok(gzipped <= 100 * 1024, `${gzipped} bytes gzipped`);
    assert.equal(BUILT_CONSOLE_DIR, join(ROOT, 'dist/console/'));
  });
});

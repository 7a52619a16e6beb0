// docs/first-ten-minutes.md, executed as a user follows it: every line of its sh blocks in order,
// through bash, with the <placeholders> filled in from the output printed before them, as the page
// tells the reader to copy them. `npm install` is the one line not run (the test runs on an
// installed tree); `npm start -- --demo` runs as written, with PORT=0 so it cannot collide with a
// server already on 4242. What it must show: an action ran, and a delivery that failed while the
// receiver was down was delivered after the retry.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, ensureBuiltCli } from '../support/built-cli.js';
import { childEnv } from '../support/child-env.js';
import { eventually } from '../support/eventually.js';

const PAGE = join(ROOT, 'docs/first-ten-minutes.md');

/** The sh blocks' lines, in order. */
function commandsOf(markdown: string): string[] {
  return [...markdown.matchAll(/```sh\n([\s\S]*?)```/g)].flatMap((block) => (block[1] as string).split('\n').filter((line) => line.trim() !== ''));
}

interface Ran {
  code: number | null;
  output: string;
}

const started: ChildProcess[] = [];

/** Runs one line in bash with the exports and functions of the lines before it; a line ending in & is left running. */
function runLine(prelude: string[], line: string, env: Record<string, string>): Promise<Ran> {
  const background = line.trimEnd().endsWith('&');
  const child = spawn('bash', ['-c', [...prelude, background ? line.trimEnd().slice(0, -1) : line].join('\n')], {
    cwd: ROOT,
    env: childEnv(env),
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  if (background) {
    started.push(child);
    return Promise.resolve({ code: null, output: '' });
  }
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, output })));
}

let demo: ChildProcess | undefined;

before(ensureBuiltCli);
after(() => {
  for (const child of [demo, ...started]) {
    if (child?.pid !== undefined && child.exitCode === null) {
      try {
        process.kill(-child.pid, 'SIGTERM');
      } catch {
        // already gone
      }
    }
  }
});

test('the first ten minutes, line by line: demo, action, a subscription whose receiver is down, retry, delivered', { timeout: 180_000 }, async () => {
  const lines = commandsOf(readFileSync(PAGE, 'utf8'));
  assert.ok(lines.includes('npm install') && lines.includes('npm start -- --demo'), 'the page starts from install and the demo');
  const values = new Map<string, string>();
  const prelude: string[] = [];
  const env = { PORT: '0', npm_config_update_notifier: 'false' };
  let last: Ran = { code: 0, output: '' };
  const transcript: string[] = [];

  for (const written of lines) {
    if (written === 'npm install') continue;
    const line = written.replace(/<(\w+)>/g, (_m, name: string) => {
      const value = values.get(name);
      assert.ok(value, `the page asks for <${name}>, which no earlier output showed:\n${transcript.join('\n')}`);
      return value;
    });
    if (written === 'npm start -- --demo') {
      demo = spawn('bash', ['-c', line], { cwd: ROOT, env: childEnv(env), stdio: ['ignore', 'pipe', 'pipe'], detached: true });
      let banner = '';
      demo.stderr!.on('data', (chunk: Buffer) => (banner += chunk.toString()));
      demo.stdout!.on('data', () => {});
      await eventually(async () => banner, (text) => /emulator:\s+http/.test(text), 90_000);
      values.set('server', banner.match(/server (http:\/\/127\.0\.0\.1:\d+)/)![1]!);
      values.set('token', banner.match(/token:\s+(sct_\S+)/)![1]!);
      values.set('connection', banner.match(/connection:\s+(conn_\w+)/)![1]!);
      values.set('emulator', banner.match(/emulator:\s+(http:\/\/127\.0\.0\.1:\d+)/)![1]!);
      transcript.push(`$ ${line}\n${banner}`);
      continue;
    }
    if (/^export |^\w+\(\) \{/.test(line)) {
      prelude.push(line);
      continue;
    }
    last = await runLine(prelude, line, env);
    transcript.push(`$ ${line}\n${last.output}`);
    assert.equal(last.code === null || last.code === 0, true, `"${line}" failed:\n${transcript.join('\n')}`);
    // What the page tells the reader to copy from this output.
    const subscription = last.output.match(/\bsub_[A-Za-z0-9]+/)?.[0];
    if (/subscriptions create/.test(line) && subscription) values.set('subscription', subscription);
    const delivery = last.output.match(/\bmsg_[A-Za-z0-9]+/)?.[0];
    if (/deliveries list/.test(line) && delivery && !values.has('delivery')) values.set('delivery', delivery);
  }

  const story = transcript.join('\n');
  assert.match(story, /jenny\.rosen@example\.com/, 'the action printed the new customer');
  assert.match(story, /createCustomer/, 'the run history lists the call');
  // The retry is instant; the last list ran 2 s after it. On a loaded machine, ask again until it shows.
  await eventually(
    async () => {
      const answer = await fetch(`${values.get('server')}/api/subscriptions/${values.get('subscription')}/deliveries`, {
        headers: { authorization: `Bearer ${values.get('token')}` },
      });
      return ((await answer.json()) as { data: { status: string; attemptsHistory: { statusCode: number | null }[] }[] }).data[0];
    },
    // Refused while the receiver was down (no status code), then its 200.
    (delivery) => delivery?.status === 'delivered' && delivery.attemptsHistory.some((a) => a.statusCode === null) && delivery.attemptsHistory.at(-1)?.statusCode === 200,
    30_000,
  );
});

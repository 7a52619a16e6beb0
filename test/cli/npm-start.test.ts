// `npm start` as a user runs it: npm starts the script through `sh -c`, and stopping npm must stop
// the server — the port free again and, for --demo, its temporary data directory gone. Runs the
// built command (dist/, what the start script names), building it first when src/ is newer.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { childEnv } from '../support/child-env.js';
import { ROOT, ensureBuiltCli } from '../support/built-cli.js';

before(ensureBuiltCli);

interface NpmStart {
  /** The server's URL and process id, from its log lines, once it is ready: `ready` matched. */
  listening: Promise<{ url: string; pid: number }>;
  output(): string;
  exited: Promise<number | null>;
  npmPid: number;
}

function npmStart(args: string[], env: Record<string, string>, ready: RegExp): NpmStart {
  const child = spawn('npm', ['start', '--', ...args], {
    cwd: ROOT,
    // No update check: the test must not depend on the registry.
    env: childEnv({ ...env, npm_config_update_notifier: 'false' }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const listening = new Promise<{ url: string; pid: number }>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const line = output.match(/"pid":(\d+)[^\n]*Server listening at (http:\/\/127\.0\.0\.1:\d+)/);
      if (line && ready.test(output)) resolve({ pid: Number(line[1]), url: line[2] as string });
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', () => reject(new Error(`npm start exited before the server listened:\n${output}`)));
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { listening, output: () => output, exited, npmPid: child.pid! };
}

async function portFreeWithin(url: string, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(1000) });
    } catch {
      return true;
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return false;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Starts npm start, SIGTERMs npm itself, and reports what is left. */
async function startThenStopNpm(args: string[], env: Record<string, string>, ready: RegExp) {
  const npm = npmStart(args, env, ready);
  // Generous: npm, then node on a busy 2-core machine.
  const timer = setTimeout(() => process.kill(npm.npmPid, 'SIGKILL'), 120_000);
  const { url, pid } = await npm.listening;
  clearTimeout(timer);
  try {
    assert.notEqual(new URL(url).port, '4242', 'the arguments after -- reached serve (--port 0)');
    process.kill(npm.npmPid, 'SIGTERM');
    await npm.exited;
    // "Within a few seconds": the drain ends at once here (nothing in flight); 15 s of margin for load.
    const freed = await portFreeWithin(url, 15_000);
    return { freed, serverAlive: alive(pid), output: npm.output() };
  } finally {
    // Whatever the outcome, the server does not outlive the test.
    if (alive(pid)) process.kill(pid, 'SIGKILL');
  }
}

test('SIGTERM to `npm start` stops the server: the port is free again', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'sc-npm-start-'));
  try {
    const { freed, serverAlive, output } = await startThenStopNpm(['--port', '0'], { DATA_DIR: dataDir }, /stripe-connector listening/);
    assert.equal(freed, true, `nothing answers on the port any more:\n${output}`);
    assert.equal(serverAlive, false, 'no server process is left');
    // Both lines, in whichever order they reached the pipe (pino may flush the second at exit first).
    assert.match(output, /SIGTERM received: draining/);
    assert.match(output, /stopped cleanly/);
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});

test('SIGTERM to `npm start -- --demo` stops the server and the emulator and removes the demo\'s temporary directory', async () => {
  const { freed, serverAlive, output } = await startThenStopNpm(['--demo', '--port', '0'], {}, /orderAdded is refused/);
  const dataDir = output.match(/data (\S+) \(removed on exit\)/)?.[1];
  const emulatorUrl = output.match(/Stripe emulator (http:\/\/127\.0\.0\.1:\d+)/)?.[1];
  assert.ok(dataDir && emulatorUrl, `the demo started:\n${output}`);
  const leftBehind = existsSync(dataDir);
  // A server killed by the test (when SIGTERM did not reach it) leaves the directory: not to be kept either.
  rmSync(dataDir, { recursive: true, force: true });
  assert.equal(freed, true, `nothing answers on the port any more:\n${output}`);
  assert.equal(serverAlive, false, 'no server process is left');
  assert.equal(await portFreeWithin(emulatorUrl, 5_000), true, 'the emulator is gone too');
  assert.equal(leftBehind, false, `the temporary data directory is removed:\n${output}`);
});

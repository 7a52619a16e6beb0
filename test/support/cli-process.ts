// Real child processes of the built `stripe-connector` command (dist/, as `npm start` and users run
// it; test/support/built-cli.ts builds it when src/ is newer). The environment is exactly what the
// test gives: processes.ts adds the test store's database on the PostgreSQL pass.
import { spawn, type ChildProcess } from 'node:child_process';
import { childEnv } from './child-env.js';
import { BUILT_MAIN, ROOT, ensureBuiltCli } from './built-cli.js';

export { childEnv };

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** `timeoutMs`: a command still running then is killed (SIGKILL) and resolves with code null. */
export async function runCli(args: string[], options: { env?: Record<string, string>; stdin?: string; timeoutMs?: number } = {}): Promise<CliResult> {
  await ensureBuiltCli();
  const env = childEnv(options.env ?? {});
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BUILT_MAIN, ...args], { cwd: ROOT, env });
    let stdout = '';
    let stderr = '';
    const timer = options.timeoutMs === undefined ? undefined : setTimeout(() => child.kill('SIGKILL'), options.timeoutMs);
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(options.stdin ?? '');
  });
}

export interface ServerProcess {
  child: ChildProcess;
  url: string;
  /** Everything the process wrote to stdout and stderr so far. */
  output(): string;
  /** What it wrote to stdout alone (the JSON log lines of `serve`). */
  stdout(): string;
  /** What it wrote to stderr alone. */
  stderr(): string;
  /** Resolves when the output matches. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  /** SIGTERM, then the exit code. */
  stop(): Promise<number | null>;
  /** The exit code, once the process has exited on its own. */
  exited: Promise<number | null>;
}

export async function startServerProcess(args: string[], env: Record<string, string>): Promise<ServerProcess> {
  await ensureBuiltCli();
  const child = spawn(process.execPath, [BUILT_MAIN, ...args], { cwd: ROOT, env: childEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const streams = { stdout: '', stderr: '' };
  const waiters: (() => void)[] = [];
  const onData = (stream: keyof typeof streams) => (c: Buffer) => {
    output += c.toString();
    streams[stream] += c.toString();
    for (const w of [...waiters]) w();
  };
  child.stdout?.on('data', onData('stdout'));
  child.stderr?.on('data', onData('stderr'));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));

  // Generous: a child on a busy 2-core machine has been seen to take 20 s to listen.
  const waitFor = (pattern: RegExp, timeoutMs = 60_000) =>
    new Promise<RegExpMatchArray>((resolve, reject) => {
      const check = () => {
        const match = output.match(pattern);
        if (match) {
          waiters.splice(waiters.indexOf(check), 1);
          clearTimeout(timer);
          resolve(match);
        }
      };
      const timer = setTimeout(() => {
        waiters.splice(waiters.indexOf(check), 1);
        reject(new Error(`timed out waiting for ${pattern}; output so far:\n${output}`));
      }, timeoutMs);
      waiters.push(check);
      check();
      void exited.then(() => {
        if (waiters.includes(check)) {
          waiters.splice(waiters.indexOf(check), 1);
          clearTimeout(timer);
          reject(new Error(`process exited while waiting for ${pattern}; output:\n${output}`));
        }
      });
    });

  let listening: RegExpMatchArray;
  try {
    listening = await waitFor(/"url":"(http:\/\/127\.0\.0\.1:\d+)"[^\n]*stripe-connector listening|stripe-connector demo: server (http:\/\/127\.0\.0\.1:\d+)/);
  } catch (error) {
    // A child that never came up must not outlive the test (its pipes would keep the runner alive).
    child.kill('SIGKILL');
    throw error;
  }
  return {
    child,
    url: (listening[1] ?? listening[2]) as string,
    output: () => output,
    stdout: () => streams.stdout,
    stderr: () => streams.stderr,
    waitFor,
    exited,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}

// Starts and stops the benchmark's helper processes (server-process.ts, create-client.ts) with
// TypeScript loaded through tsx, and exchanges their IPC messages.
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export interface Child {
  process: ChildProcess;
  /** The next message of this type. */
  next<T>(type: string): Promise<T>;
  send(message: object): void;
  /** Asks it to stop, waits for it to exit, kills it if it does not within 5 s. */
  stop(): Promise<void>;
}

/**
 * BENCH_CPU_PROF_DIR (default unset: no profiles): when set, every helper process writes a V8 CPU
 * profile there on exit (`node --cpu-prof`), for reading self-time in Chrome DevTools.
 */
const CPU_PROF_DIR = process.env.BENCH_CPU_PROF_DIR;

export function startChild(file: string, args: string[], options: { exposeGc?: boolean; maxOldSpaceMb?: number } = {}): Child {
  const execArgv = ['--import', 'tsx'];
  if (CPU_PROF_DIR !== undefined) execArgv.push('--cpu-prof', `--cpu-prof-dir=${CPU_PROF_DIR}`);
  if (options.exposeGc) execArgv.push('--expose-gc');
  if (options.maxOldSpaceMb !== undefined) execArgv.push(`--max-old-space-size=${options.maxOldSpaceMb}`);
  const child = fork(fileURLToPath(new URL(file, import.meta.url)), args, { execArgv, stdio: 'inherit' });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    process: child,
    next<T>(type: string) {
      return new Promise<T>((resolve, reject) => {
        const onMessage = (message: { type: string }) => {
          if (message.type !== type) return;
          child.off('message', onMessage);
          child.off('exit', onExit);
          resolve(message as T);
        };
        const onExit = (code: number | null) => reject(new Error(`${file} exited (${code}) before sending ${type}`));
        child.on('message', onMessage);
        child.once('exit', onExit);
      });
    },
    send: (message) => child.send(message),
    async stop() {
      if (child.exitCode !== null) return;
      child.send({ type: 'stop' });
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
}

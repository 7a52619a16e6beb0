// Starting and stopping the bench's child processes, and reading their CPU time and memory over
// IPC (control.ts in TypeScript children, probe.mjs in the real `serve`).
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { ProbeReply } from './control.js';

export interface Child<T> {
  process: ChildProcess;
  ready: T;
  /** The child's own CPU time (µs since it started) and memory; `gc` runs a full GC first. */
  probe(gc?: boolean): Promise<ProbeReply>;
  /** Sends a message and waits for the first reply that has `key`. */
  ask<R>(message: object | string, key: string): Promise<R>;
  stop(): Promise<void>;
}

const started: ChildProcess[] = [];

function wrap<T>(child: ChildProcess, ready: T): Child<T> {
  const ask = <R>(message: object | string, key: string) =>
    new Promise<R>((resolve, reject) => {
      const onMessage = (reply: unknown) => {
        if (typeof reply === 'object' && reply !== null && key in reply) {
          child.off('message', onMessage);
          child.off('exit', onExit);
          resolve(reply as R);
        }
      };
      const onExit = () => reject(new Error(`child ${child.pid} exited while asked for ${key}`));
      child.on('message', onMessage);
      child.once('exit', onExit);
      child.send(message);
    });
  return {
    process: child,
    ready,
    probe: (gc = false) => ask<ProbeReply>(gc ? 'gc' : 'cpu', 'cpu'),
    ask: (message, key) => ask(message, key),
    stop: () => stopChild(child),
  };
}

export function stopChild(child: ChildProcess): Promise<void> {
  return new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
    // A child that does not drain in 15 s is killed outright; the bench must not leave it behind.
    setTimeout(() => child.kill('SIGKILL'), 15_000).unref();
  });
}

/** A TypeScript child under tsx; resolves once it announces ready (control.ts). */
export function startTsChild<T>(file: string, args: string[] = [], nodeArgs: string[] = []): Promise<Child<T>> {
  const child = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', fileURLToPath(new URL(file, import.meta.url)), ...args], {
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  started.push(child);
  return new Promise<Child<T>>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`${file} exited with ${code} before it was ready`)));
    const onMessage = (message: unknown) => {
      if (typeof message === 'object' && message !== null && 'ready' in message) {
        child.off('message', onMessage);
        resolve(wrap(child, (message as { ready: T }).ready));
      }
    };
    child.on('message', onMessage);
  });
}

/**
 * The real server: `node dist/cli/main.js serve` with probe.mjs preloaded. Resolves with its URL
 * once it logs "stripe-connector listening"; the rest of its log (one info line per request, as
 * in production) is read and discarded.
 */
export function startServe(env: NodeJS.ProcessEnv, nodeArgs: string[] = []): Promise<Child<{ url: string }>> {
  const probe = fileURLToPath(new URL('./probe.mjs', import.meta.url));
  const main = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));
  const child = spawn(process.execPath, ['--expose-gc', ...nodeArgs, '--import', probe, main, 'serve'], {
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
    env,
  });
  started.push(child);
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`serve exited with ${code} before it listened`)));
    let buffered = '';
    const onData = (chunk: Buffer) => {
      buffered += chunk.toString('utf8');
      const match = /"url":"(http:\/\/[^"]+)".*stripe-connector listening/.exec(buffered);
      if (match) {
        child.stdout!.off('data', onData);
        child.stdout!.resume();
        resolve(wrap(child, { url: match[1]! }));
      } else if (buffered.length > 1_000_000) buffered = buffered.slice(-10_000);
    };
    child.stdout!.on('data', onData);
  });
}

export async function stopAllChildren(): Promise<void> {
  await Promise.all(started.map(stopChild));
}

/** CPU µs (user + system) a probe pair shows. */
export function cpuBetween(before: ProbeReply, after: ProbeReply): { totalUs: number; systemUs: number } {
  return {
    totalUs: after.cpu.user + after.cpu.system - before.cpu.user - before.cpu.system,
    systemUs: after.cpu.system - before.cpu.system,
  };
}

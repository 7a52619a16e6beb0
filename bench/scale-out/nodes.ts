// Starting the connector nodes of the scale-out bench: the real `node dist/cli/main.js serve`
// (with `--workers N` when asked), or node-process.ts (the same server with Stripe's pace off,
// for the BENCH_SCALE_OUT_PACE=off action calls). Each resolves with its address once it logs "stripe-connector listening";
// the rest of its log (one line per request, as in production) is read and discarded.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { stopChild } from '../triggers/children.js';

export type NodeKind = { kind: 'serve'; args: string[] } | { kind: 'paced-off' };

export interface ConnectorNode {
  process: ChildProcess;
  url: string;
  stop(): Promise<void>;
}

const DIST_MAIN = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));
const PACED_OFF = fileURLToPath(new URL('./node-process.ts', import.meta.url));

export function startNode(node: NodeKind, env: NodeJS.ProcessEnv): Promise<ConnectorNode> {
  const args = node.kind === 'serve' ? [DIST_MAIN, 'serve', ...node.args] : ['--import', 'tsx', PACED_OFF];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'], env });
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`${node.kind} exited with ${code} before it listened`)));
    let buffered = '';
    const onData = (chunk: Buffer) => {
      buffered += chunk.toString('utf8');
      const match = /"url":"(http:\/\/[^"]+)"[^\n]*stripe-connector listening/.exec(buffered);
      if (match) {
        child.stdout!.off('data', onData);
        child.stdout!.resume();
        resolve({ process: child, url: match[1]!, stop: () => stopChild(child) });
      } else if (buffered.length > 1_000_000) buffered = buffered.slice(-10_000);
    };
    child.stdout!.on('data', onData);
  });
}

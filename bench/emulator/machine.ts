// The machine a benchmark ran on, as BENCHMARKS.md records it beside each figure.
import { execFileSync } from 'node:child_process';
import { cpus, totalmem } from 'node:os';

function run(command: string, args: string[]): string | undefined {
  try {
    return execFileSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return undefined;
  }
}

export function describeMachine(): string {
  const nproc = run('nproc', []) ?? String(cpus().length);
  const model = run('lscpu', [])?.match(/^Model name:\s*(.+)$/m)?.[1] ?? cpus()[0]?.model ?? 'unknown';
  const memory = run('free', ['-h'])?.match(/^Mem:\s+(\S+)/m)?.[1] ?? `${Math.round(totalmem() / 2 ** 30)}Gi`;
  return `${nproc} cores (nproc), ${model}, ${memory} memory (free -h), Node ${process.version}`;
}

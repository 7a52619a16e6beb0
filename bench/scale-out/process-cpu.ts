// CPU time of a process and every process below it, read from /proc (Linux): what a `serve` with
// workers, or the PostgreSQL server with its backends, costs, which process.cpuUsage() inside one
// process cannot see. For each live process in the tree: utime + stime, plus cutime + cstime (the
// time of its children that exited and were reaped: a PostgreSQL backend that ended is counted in
// the postmaster's), so nothing is counted twice and nothing that ended is lost.
import { readFileSync, readdirSync } from 'node:fs';

/** Clock ticks per second of /proc/<pid>/stat: 100 on Linux (USER_HZ), whatever the kernel's HZ. */
const TICKS_PER_SECOND = 100;

interface Stat {
  pid: number;
  ppid: number;
  ticks: number;
}

function readStat(pid: string): Stat | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) is in parentheses and may hold spaces: fields are counted after it.
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    // fields[0] is field 3 (state): ppid is field 4, utime..cstime are fields 14–17.
    const [utime, stime, cutime, cstime] = [11, 12, 13, 14].map((i) => Number(fields[i]));
    return { pid: Number(pid), ppid: Number(fields[1]), ticks: utime! + stime! + cutime! + cstime! };
  } catch {
    return undefined; // exited between the listing and the read
  }
}

/** CPU µs (user + system) used so far by `rootPid` and its descendants. */
export function treeCpuUs(rootPid: number): number {
  const stats = readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .map(readStat)
    .filter((s): s is Stat => s !== undefined);
  const childrenOf = new Map<number, Stat[]>();
  for (const s of stats) childrenOf.set(s.ppid, [...(childrenOf.get(s.ppid) ?? []), s]);
  const root = stats.find((s) => s.pid === rootPid);
  if (!root) return 0;
  let ticks = 0;
  const queue = [root];
  while (queue.length > 0) {
    const s = queue.shift()!;
    ticks += s.ticks;
    queue.push(...(childrenOf.get(s.pid) ?? []));
  }
  return (ticks / TICKS_PER_SECOND) * 1_000_000;
}

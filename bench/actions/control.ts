// The bench's child processes talk to the bench over Node's IPC channel, not stdout, so the
// connector can log at info to its real stdout (discarded) the way it would in production.
// Messages: the child sends its ready payload once; on 'cpu' it answers with process.cpuUsage()
// (microseconds of user and system CPU since the process started).

export interface CpuReply {
  cpu: NodeJS.CpuUsage;
}

export function announceReady(payload: object): void {
  if (!process.send) throw new Error('bench child started without an IPC channel');
  process.send({ ready: payload });
  process.on('message', (message) => {
    if (message === 'cpu') process.send?.({ cpu: process.cpuUsage() } satisfies CpuReply);
  });
}

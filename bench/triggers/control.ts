// The bench's child processes answer the bench over Node's IPC channel, never stdout (the
// connector logs there). A child sends {ready: …} once; on 'cpu' it answers with its own
// process.cpuUsage() and memoryUsage(); any other message goes to the child's own handler.

export interface ProbeReply {
  cpu: NodeJS.CpuUsage;
  memory: NodeJS.MemoryUsage;
}

export function announceReady(payload: object, onMessage?: (message: unknown) => void): void {
  if (!process.send) throw new Error('bench child started without an IPC channel');
  process.send({ ready: payload });
  process.on('message', (message) => {
    if (message === 'cpu') process.send?.({ cpu: process.cpuUsage(), memory: process.memoryUsage() } satisfies ProbeReply);
    else onMessage?.(message);
  });
}

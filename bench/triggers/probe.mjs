// Preloaded (node --import) into the real `serve` process, which knows nothing of the bench: on
// 'cpu' over the IPC channel it answers with the process's own CPU time and memory. Plain
// JavaScript, as `node dist/cli/main.js` runs without tsx. With `gc` it first runs a full garbage
// collection (needs --expose-gc), so heap figures are what is retained, not what awaits collection.
if (process.send) {
  process.on('message', (message) => {
    if (message === 'cpu' || message === 'gc') {
      if (message === 'gc' && typeof globalThis.gc === 'function') globalThis.gc();
      process.send({ cpu: process.cpuUsage(), memory: process.memoryUsage() });
    }
  });
  // The IPC channel must not keep the server alive on its own, nor stop it from exiting.
  process.channel?.unref();
}

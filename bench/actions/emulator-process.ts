// The emulator in its own process for the bench, so its work does not share an event loop with
// the load generator or the connector. Prints {"url": …} once listening; stops on SIGTERM.
import { startEmulator } from '../../src/emulator/index.js';

const emulator = await startEmulator({ port: 0, rateLimitPerSecond: false });
console.log(JSON.stringify({ url: emulator.url }));
process.once('SIGTERM', () => void emulator.stop().then(() => process.exit(0)));

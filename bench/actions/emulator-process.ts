// The emulator in its own process for the bench, so its work does not share an event loop with
// the load generator or the connector. Sends {"url": …} over IPC once listening (control.ts);
// stops on SIGTERM.
import { startEmulator } from '../../src/emulator/index.js';
import { announceReady } from './control.js';

// Source-mapped stack traces: tsx turns them on, `node dist/…` in production does not, and the
// stripe SDK reads `new Error().stack` on every request, which under source maps costs tens of µs.
process.setSourceMapsEnabled(false);

const emulator = await startEmulator({ port: 0, rateLimitPerSecond: false });
announceReady({ url: emulator.url });
process.once('SIGTERM', () => void emulator.stop().then(() => process.exit(0)));

// The emulator in its own process, so its work shares no event loop with the connector or the
// load. Rate limit off: the connector's own client limiter keeps to Stripe's 25 req/s per key.
import { startEmulator } from '../../src/emulator/index.js';
import { announceReady } from './control.js';

process.setSourceMapsEnabled(false);
const emulator = await startEmulator({ port: 0, rateLimitPerSecond: false });
announceReady({ url: emulator.url });
process.once('SIGTERM', () => void emulator.stop().then(() => process.exit(0)));

// The emulator in a process of its own, for tests whose verdict rests on when the emulator saw a
// request (test/scale-out): in the test's own process, its arrival stamps would wait for whatever
// else the test's event loop is doing. Options arrive as JSON in argv[2]; the URL is printed on stdout.
import { startEmulator, type EmulatorOptions } from '../../src/emulator/index.js';

const options = JSON.parse(process.argv[2] ?? '{}') as EmulatorOptions;
const emulator = await startEmulator({ ...options, port: 0 });
process.stdout.write(`${JSON.stringify({ url: emulator.url })}\n`);
const stop = () => void emulator.stop().then(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);

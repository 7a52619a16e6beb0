// `stripe-connector emulator [--port 12111] [--host 127.0.0.1]`: the Stripe API emulator alone.
import { Command, InvalidArgumentError } from 'commander';
import { startEmulator } from '../../emulator/index.js';

/** 12111 is the port stripe-mock made customary for a local Stripe stand-in. */
const DEFAULT_PORT = 12111;
const DEFAULT_HOST = '127.0.0.1';

function parsePort(value: string): number {
  const port = Number(value);
  if (!/^\d+$/.test(value) || port > 65535) throw new InvalidArgumentError('--port must be an integer from 0 to 65535');
  return port;
}

function parseRate(value: string): number | false {
  if (value === 'off') return false;
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 1) throw new InvalidArgumentError('--rate-limit must be a positive integer or off');
  return n;
}

export function emulatorCommand(): Command {
  return new Command('emulator')
    .description('Run the offline Stripe API emulator (see docs/emulator.md).')
    .option('--port <port>', 'port to listen on', parsePort, DEFAULT_PORT)
    .option('--host <host>', 'address to bind', DEFAULT_HOST)
    .option('--rate-limit <perSecond>', "requests per second per account, or 'off' (default 25, Stripe test mode)", parseRate)
    .option('--allow-live-keys', 'accept sk_live_ keys (default: refused with 401)', false)
    .addHelpText('after', '\nExample:\n  $ stripe-connector emulator --port 12111 --rate-limit off')
    .action(async (opts: { port: number; host: string; rateLimit?: number | false; allowLiveKeys: boolean }) => {
      const emulator = await startEmulator({
        port: opts.port,
        host: opts.host,
        allowLiveKeys: opts.allowLiveKeys,
        ...(opts.rateLimit === undefined ? {} : { rateLimitPerSecond: opts.rateLimit }),
      });
      console.log(`Stripe emulator listening on ${emulator.url} (any sk_test_… key opens its own account)`);
      const stop = () => {
        emulator.stop().then(
          () => process.exit(0),
          () => process.exit(1),
        );
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
}

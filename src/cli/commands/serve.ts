// `stripe-connector serve [--port 4242] [--host 127.0.0.1] [--demo]`: the server. --demo also runs
// the Stripe emulator in-process with a throwaway data directory, creates a demo user and a
// connection against the emulator, and prints how to run an action and see a trigger fire (src/cli/demo.ts).
import type { Command } from 'commander';
import { loadConfig, type ConfigOverrides } from '../../config.js';

interface ServeOptions {
  port?: string;
  host?: string;
  demo: boolean;
}

export function registerServeCommand(program: Command): void {
  program
    .command('serve')
    .description('start the connector server (HTTP API)')
    .option('--port <port>', 'port to listen on (default: PORT, else 4242; 0 picks a free one)')
    .option('--host <host>', 'address to bind (default: HOST, else 127.0.0.1)')
    .option('--demo', 'also start the Stripe emulator and create a demo token and connection', false)
    .addHelpText('after', '\nExamples:\n  $ stripe-connector serve --port 4242\n  $ stripe-connector serve --demo      # try it all against the built-in Stripe emulator')
    .action(async (options: ServeOptions) => {
      const overrides: ConfigOverrides = {};
      if (options.port !== undefined) {
        const port = Number(options.port);
        if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error('--port must be an integer from 0 to 65535');
        overrides.port = port;
      }
      if (options.host !== undefined) overrides.host = options.host;
      // Loaded here, not at the top: the server's dependencies would slow every other subcommand.
      const { startServer, stopOnSignals } = await import('../../app/server.js');
      if (options.demo) {
        const { startDemo } = await import('../demo.js');
        await startDemo(loadConfig(process.env, overrides), (demo) => stopOnSignals(demo, demo.server.services.logger));
        return;
      }
      const server = await startServer(loadConfig(process.env, overrides));
      // Handlers first: whoever sees the line below and stops the server at once finds them in place.
      stopOnSignals(server, server.services.logger);
      server.services.logger.info({ url: server.url }, 'stripe-connector listening');
    });
}

// `stripe-connector serve [--port 4242] [--host 127.0.0.1] [--demo] [--role all|api|worker] [--workers N]`:
// the server. --demo also runs the Stripe emulator in-process with a throwaway data directory,
// creates a demo user and a connection against the emulator, and prints how to run an action and
// see a trigger fire (src/cli/demo.ts). --role chooses what the process runs (src/app/roles.ts);
// --workers N > 1 runs N such processes sharing the port (src/app/cluster.ts).
import cluster from 'node:cluster';
import { Option, type Command } from 'commander';
import { loadConfig, type ConfigOverrides } from '../../config.js';
import { DEFAULT_SERVE_ROLE, SERVE_ROLES, type ServeRole } from '../../app/roles.js';
import { CliError } from '../api-client.js';
import { wholeNumber } from '../option-values.js';

interface ServeOptions {
  port?: string;
  host?: string;
  demo: boolean;
  role: ServeRole;
  workers: string;
}

/** 64: far beyond the cores of one machine; more processes would only share the same CPUs. */
const MAX_WORKERS = 64;

export function registerServeCommand(program: Command): void {
  program
    .command('serve')
    .description('start the connector server (HTTP API)')
    .option('--port <port>', 'port to listen on (default: PORT, else 4242; 0 picks a free one)')
    .option('--host <host>', 'address to bind (default: HOST, else 127.0.0.1)')
    .option('--demo', 'also start the Stripe emulator and create a demo token and connection', false)
    .addOption(
      new Option('--role <role>', 'what this process runs: all (API, webhooks and background work), api (API and inbound webhooks), worker (polls, reconciliation, deliveries; answers only /healthz, /readyz, /metrics)')
        .choices(SERVE_ROLES)
        .default(DEFAULT_SERVE_ROLE),
    )
    .option('--workers <n>', `processes sharing the port, each running the role (1 to ${MAX_WORKERS}; 1 is one process)`, '1')
    .addHelpText(
      'after',
      '\nExamples:\n  $ stripe-connector serve --port 4242\n  $ stripe-connector serve --demo      # try it all against the built-in Stripe emulator\n  $ stripe-connector serve --workers 4 # four processes on one port',
    )
    .action(async (options: ServeOptions) => {
      const workers = wholeNumber(options.workers, '--workers', 1, MAX_WORKERS);
      if (options.demo && (workers > 1 || options.role !== DEFAULT_SERVE_ROLE)) {
        throw new CliError('--demo runs everything in one process: use it without --workers and --role');
      }
      const overrides: ConfigOverrides = { role: options.role };
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
      const config = loadConfig(process.env, overrides);
      if (workers > 1 && cluster.isPrimary) {
        const [{ runCluster }, { createLogger }] = await Promise.all([import('../../app/cluster.js'), import('../../log.js')]);
        await runCluster(config, { workers, logger: createLogger() });
        return;
      }
      // One process, or one of the cluster's workers (the primary prepared the store already).
      const server = await startServer(config);
      if (cluster.isWorker) (await import('../../app/cluster.js')).joinCluster(server);
      // Handlers first: whoever sees the line below and stops the server at once finds them in place.
      stopOnSignals(server, server.services.logger);
      server.services.logger.info({ url: server.url, role: config.role }, 'stripe-connector listening');
    });
}

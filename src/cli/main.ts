#!/usr/bin/env node
// The `stripe-connector` command (README.md, "The command line"). Thin: each subcommand lives in
// src/cli/commands/ and calls the services or the HTTP API.
import { Command } from 'commander';
import { createRequire } from 'node:module';
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { registerConnectionsCommand } from './commands/connections.js';
import { registerDeliveriesCommand } from './commands/deliveries.js';
import { registerKeysCommand } from './commands/keys.js';
import { registerExportCommand } from './commands/export.js';
import { registerOperationsCommand } from './commands/operations.js';
import { registerRunCommand } from './commands/run.js';
import { registerRunsCommand } from './commands/runs.js';
import { registerServeCommand } from './commands/serve.js';
import { registerSubscriptionsCommand } from './commands/subscriptions.js';
import { registerTokenCommand } from './commands/token.js';
import { registerWatchCommand } from './commands/watch.js';

const require = createRequire(import.meta.url);
const { version } = require('../../package.json') as { version: string };

export function buildProgram(): Command {
  const program = new Command('stripe-connector')
    .description('Self-hosted Stripe connector: connections, actions, triggers, and an offline Stripe emulator.')
    .version(version)
    .showHelpAfterError()
    .addHelpText(
      'after',
      '\nCommands other than serve, emulator, token create and keys talk to the server at STRIPE_CONNECTOR_URL\n' +
        '(default http://127.0.0.1:4242) with the token in STRIPE_CONNECTOR_TOKEN.\n' +
        'Exit status: 0 done (watch and runs list --follow: stopped by Ctrl-C or SIGTERM); 1 refused by the\n' +
        'server, server unreachable, or bad arguments. Lists print a table; --json prints the API\'s JSON.\n' +
        'Each command\'s options and an example: stripe-connector help COMMAND',
    );
  // Subcommands register themselves here, one line each.
  // The emulator's module is loaded only when its command runs: importing it costs every other
  // subcommand ~0.6 s of start-up (measured through tsx on this 2-core machine). Its own options and
  // --help are those of src/cli/commands/emulator.ts, which receives the arguments unchanged.
  program
    .command('emulator')
    .description('Run the offline Stripe API emulator (see docs/emulator.md).')
    .helpOption(false)
    .allowUnknownOption()
    .allowExcessArguments()
    .action(async (_options: unknown, command: Command) => {
      const { emulatorCommand } = await import('./commands/emulator.js');
      await emulatorCommand().parseAsync(command.args, { from: 'user' });
    });
  registerServeCommand(program);
  registerTokenCommand(program);
  registerKeysCommand(program);
  registerConnectionsCommand(program);
  registerRunCommand(program);
  registerOperationsCommand(program);
  registerWatchCommand(program);
  registerSubscriptionsCommand(program);
  registerDeliveriesCommand(program);
  registerRunsCommand(program);
  registerExportCommand(program);
  return program;
}

function invokedDirectly(): boolean {
  const entry = process.argv[1];
  if (!entry) return false;
  try {
    // npm's bin shim is a symlink: compare real paths.
    return realpathSync(entry) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (invokedDirectly()) {
  buildProgram()
    .parseAsync(process.argv)
    .catch((error: unknown) => {
      console.error(error instanceof Error ? error.message : String(error));
      process.exitCode = 1;
    });
}

#!/usr/bin/env node
// The `stripe-connector` command (DESIGN.md, "Commands"). Thin: each subcommand lives in
// src/cli/commands/ and calls the services or the HTTP API.
import { Command } from 'commander';
import { createRequire } from 'node:module';
import { emulatorCommand } from './commands/emulator.js';

const require = createRequire(import.meta.url);
const { version } = require('../../package.json') as { version: string };

export function buildProgram(): Command {
  const program = new Command('stripe-connector')
    .description('Self-hosted Stripe connector: connections, actions, triggers, and an offline Stripe emulator.')
    .version(version)
    .showHelpAfterError();
  // Subcommands register themselves here, one line each.
  program.addCommand(emulatorCommand());
  return program;
}

const isMain = import.meta.url === `file://${process.argv[1]}` || process.argv[1]?.endsWith('/stripe-connector');
if (isMain) {
  buildProgram()
    .parseAsync(process.argv)
    .catch((error: unknown) => {
      console.error(error instanceof Error ? error.message : String(error));
      process.exitCode = 1;
    });
}

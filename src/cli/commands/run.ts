// `stripe-connector run OPERATION --connection ID [--input JSON | --field value …]`: runs one action
// through the running server and prints its JSON result.
import type { Command } from 'commander';
import { apiClient, CliError, printJson } from '../api-client.js';
import { parseFieldArguments } from '../field-arguments.js';

interface RunOptions {
  connection: string;
  input?: string;
  idempotencyKey?: string;
}

export function registerRunCommand(program: Command): void {
  program
    .command('run')
    .description('run one action and print its JSON result, e.g. run createCustomer --connection conn_… --email jenny@example.com')
    .argument('<operation>', 'the action, e.g. createCustomer')
    .requiredOption('--connection <id>', 'the connection to run it through')
    .option('--input <json>', 'the whole input as JSON (instead of --field value pairs)')
    .option('--idempotency-key <key>', 'sent as Idempotency-Key: a retry with the same key creates nothing twice')
    .option('--json', 'print the API\'s JSON answer (this command\'s only output form; accepted for scripts that pass it everywhere)')
    .addHelpText(
      'after',
      '\nExamples:\n  $ stripe-connector run createCustomer --connection conn_… --email jenny@example.com\n' +
        '  $ stripe-connector run createProduct --connection conn_… --name Widget --active false\n' +
        '  $ stripe-connector run updateCustomer --connection conn_… --input \'{"id":"cus_…","description":""}\'\n' +
        'Each action\'s fields: stripe-connector operations',
    )
    .allowUnknownOption()
    .allowExcessArguments()
    .action(async (operation: string, options: RunOptions, command: Command) => {
      const fieldArgs = command.args.slice(1);
      const call = apiClient();
      let input: unknown;
      if (options.input !== undefined) {
        if (fieldArgs.length > 0) throw new CliError('Give either --input JSON or --field value pairs, not both');
        try {
          input = JSON.parse(options.input);
        } catch {
          throw new CliError('--input is not valid JSON');
        }
      } else {
        const catalogue = (await call('GET', '/api/operations')) as { data: { name: string; input: unknown }[] };
        const schema = catalogue.data.find((op) => op.name === operation)?.input as Parameters<typeof parseFieldArguments>[1];
        input = parseFieldArguments(fieldArgs, schema);
      }
      const path = `/api/connections/${encodeURIComponent(options.connection)}/actions/${encodeURIComponent(operation)}`;
      printJson(await call('POST', path, input, options.idempotencyKey ? { 'idempotency-key': options.idempotencyKey } : {}));
    });
}

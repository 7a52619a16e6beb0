// `stripe-connector connections add|list|remove`, through the running server. The API key is read
// from stdin (--api-key-stdin) or the STRIPE_API_KEY variable, never from an argument: arguments
// end up in shell history and `ps`.
import type { Command } from 'commander';
import { apiClient, CliError, printJson } from '../api-client.js';

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8').trim();
}

export function registerConnectionsCommand(program: Command): void {
  const connections = program.command('connections').description('manage connections (Stripe API keys) on a running server');
  connections
    .command('add')
    .description('add a connection; the key comes from stdin (--api-key-stdin) or STRIPE_API_KEY')
    .requiredOption('--name <name>', 'a name for the connection')
    .option('--api-key-stdin', 'read the Stripe API key from standard input', false)
    .option('--api-base <url>', 'Stripe base URL for this connection (default: the server\'s STRIPE_API_BASE)')
    .option('--api-version <version>', 'Stripe-Version for this connection (default: the server\'s)')
    .option('--rate-limit <calls>', 'action calls per window for this connection (default: the server\'s ACTION_RATE_LIMIT)')
    .option('--json', 'print the API\'s JSON answer (this command\'s only output form; accepted for scripts that pass it everywhere)')
    .addHelpText('after', '\nExamples:\n  $ echo "$STRIPE_SECRET_KEY" | stripe-connector connections add --name shop --api-key-stdin\n  $ STRIPE_API_KEY=sk_test_… stripe-connector connections add --name sandbox')
    .action(async (options: { name: string; apiKeyStdin: boolean; apiBase?: string; apiVersion?: string; rateLimit?: string }) => {
      const apiKey = options.apiKeyStdin ? await readStdin() : process.env.STRIPE_API_KEY;
      if (!apiKey) throw new CliError('No API key: pipe it with --api-key-stdin or set STRIPE_API_KEY');
      let rateLimit: number | undefined;
      if (options.rateLimit !== undefined) {
        rateLimit = Number(options.rateLimit);
        if (!Number.isInteger(rateLimit)) throw new CliError('--rate-limit must be an integer');
      }
      const call = apiClient();
      printJson(
        await call('POST', '/api/connections', {
          name: options.name,
          apiKey,
          ...(options.apiBase ? { apiBase: options.apiBase } : {}),
          ...(options.apiVersion ? { apiVersion: options.apiVersion } : {}),
          ...(rateLimit !== undefined ? { rateLimit } : {}),
        }),
      );
    });
  connections
    .command('list')
    .description('list your connections')
    .option('--json', 'print the API\'s JSON answer (this command\'s only output form; accepted for scripts that pass it everywhere)')
    .addHelpText('after', '\nExample:\n  $ stripe-connector connections list | jq -r \'.data[] | .id + " " + .name\'')
    .action(async () => {
      printJson(await apiClient()('GET', '/api/connections'));
    });
  connections
    .command('remove')
    .description('remove a connection (its subscriptions go with it)')
    .argument('<id>', 'connection id')
    .option('--json', 'print the API\'s JSON answer (this command\'s only output form; accepted for scripts that pass it everywhere)')
    .addHelpText('after', '\nExample:\n  $ stripe-connector connections remove conn_…')
    .action(async (id: string) => {
      printJson(await apiClient()('DELETE', `/api/connections/${encodeURIComponent(id)}`));
    });
}

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
    .action(async () => {
      printJson(await apiClient()('GET', '/api/connections'));
    });
  connections
    .command('remove')
    .description('remove a connection')
    .argument('<id>', 'connection id')
    .action(async (id: string) => {
      printJson(await apiClient()('DELETE', `/api/connections/${encodeURIComponent(id)}`));
    });
}
